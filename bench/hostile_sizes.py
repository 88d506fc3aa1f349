"""How the stages grow with hostile input sizes (issue 14, item 2): CPU seconds and peak memory.

Each case runs in its own subprocess (peak RSS is its own) at growing sizes, so the growth shows
side by side: near-linear rows grow with the size (x CPU close to x size, CPU microseconds per
unit flat), quadratic ones with its square. The issue's figures before the fix, for comparison:
a 400 KB paragraph took about a minute to extract, 4-5 MB one-line files did not finish dedup in
5 minutes, fusing 2,000 copies of one story took 98 s and 2.7 GB, and 20,000 near-identical JSONL
records reached 9.8 GB.
  dedup word      fingerprints of one text that is a single word (0.1, 0.4, 5 MB)
  dedup closers   a stop followed by a run of closing brackets (0.1, 0.4, 5 MB)
  fusion copies   fuse_pending over N copies of one wire story (200, 800, 2,000)
  extract para    extract_mentions over a paragraph of event sentences, uncapped (25, 50, 100 KB),
                  and the 400 KB one as the pipeline hands it over (capped: extraction_view)
  run copies      `wirewatch run` on N near-identical JSONL records, copies of one wire article
                  (peak RSS of the whole run: bounded by batch size)
  run reports     the same on N one-sentence reports of one event that dedup keeps apart (each
                  its own story): fusion still compares every pair of them (see the README)
Our own generated text throughout.

Run: python bench/hostile_sizes.py [--records 1000,4000] [--reports 300,1000] [--skip run]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _case(kind: str, size: int) -> dict:
    """One measurement, in this process (called in a subprocess by `measure`)."""
    sys.path.insert(0, str(ROOT / "tests"))
    if kind in ("dedup word", "dedup closers"):
        from wirewatch.dedup.shingles import fingerprints

        text = "a" * size if kind == "dedup word" else "x." + ")" * size
        t0 = time.process_time()
        fingerprints([text], 5, 8)
    elif kind == "fusion copies":
        from conftest import BAGHDAD, EventWorld

        from wirewatch.fuse import fuse_pending
        from wirewatch.store import open_store

        store = open_store(str(Path(tempfile.mkdtemp()) / "f.db"))
        world = EventWorld(store)
        for i in range(size):
            world.article(f"a{i:05d}", [dict(BAGHDAD, sentence="A drone strike hit a car in Baghdad.")],
                          published_at="2024-02-08", story_id="st-wire")  # fmt: skip
        t0 = time.process_time()
        fuse_pending(store)
    elif kind.startswith("extract"):
        from test_hostile_input import big_paragraph

        from wirewatch.config import Options
        from wirewatch.extract import extract_mentions
        from wirewatch.limits import extraction_view
        from wirewatch.pipeline import _warm_up_extraction
        from wirewatch.records import Article

        options = Options()
        _warm_up_extraction(options.extract)
        article = Article(article_id="big", source="big", text=big_paragraph(size), published_at="2024-02-08")
        t0 = time.process_time()
        view = extraction_view(article, options.extract)[0] if kind == "extract capped" else article
        extract_mentions(view, options.extract)
    else:
        raise SystemExit(f"unknown case {kind}")
    return {"cpu": time.process_time() - t0, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(kind: str, size: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--one", kind, str(size)], capture_output=True, text=True,
                          cwd=ROOT)  # fmt: skip
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# one wire article of five sentences (our own words): its copies are one story to dedup
WIRE = (
    "Gunmen attacked a police post in Bannu on Monday, killing three officers, police said. "
    "The attackers fled into the hills after a gunfight that lasted nearly an hour, according to a district "
    "official. Residents said the shooting began shortly after dawn and that shops in the main bazaar stayed "
    "closed for the rest of the day. Security forces sealed the roads leading out of the town and began a search "
    "of nearby villages. No group has said it carried out the attack, which came a week after a similar raid on "
    "a checkpoint in the same district."
)
# one sentence: too short for dedup to call two of them copies, so each is its own story
SHORT = "Gunmen attacked a police post in Bannu on Monday, killing three officers, police said."


def run_records(n: int, text: str) -> dict:
    """`wirewatch run` on n near-identical records: the same article and event, an id each."""
    folder = Path(tempfile.mkdtemp())
    with open(folder / "records.jsonl", "w") as out:
        for i in range(n):
            out.write(
                json.dumps({"id": i, "text": f"{text} Report {i}.", "published_at": "2024-02-05"}) + "\n"
            )
    cmd = ["/usr/bin/time", "-f", "%M %U %S", str(Path(sys.executable).with_name("wirewatch")), "run",
           str(folder / "records.jsonl"), "--db", str(folder / "r.db")]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True)
    rss_kb, user, system = done.stderr.strip().splitlines()[-1].split()
    return {"cpu": float(user) + float(system), "rss": int(rss_kb) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--records", default="1000,4000", help="copies of one article (whole runs), comma-separated"
    )
    parser.add_argument(
        "--reports", default="300,1000", help="one-sentence reports (whole runs), comma-separated"
    )
    parser.add_argument("--skip", nargs="*", default=[])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_case(args.one[0], int(args.one[1]))))
        return
    cases = [
        ("dedup word", [100_000, 400_000, 5_000_000], "bytes"),
        ("dedup closers", [100_000, 400_000, 5_000_000], "bytes"),
        ("fusion copies", [200, 800, 2000], "copies"),
        ("extract uncapped", [25_000, 50_000, 100_000], "chars"),
        ("extract capped", [100_000, 400_000], "chars"),
    ]
    print(
        f"{'case':18} {'size':>12}  {'CPU s':>8}  {'x size':>7}  {'x CPU':>7}  {'us/unit':>8}  {'peak RSS MB':>11}"
    )
    for kind, sizes, unit in cases:
        if kind.split()[0] in args.skip:
            continue
        first = None
        for size in sizes:
            r = measure(kind, size)
            if "error" in r:
                print(f"{kind:18} {size:>12,}  error: {r['error']}")
                continue
            first = first or (size, max(r["cpu"], 1e-3))
            print(f"{kind:18} {size:>12,}  {r['cpu']:>8.2f}  {size / first[0]:>7.1f}  "
                  f"{max(r['cpu'], 1e-3) / first[1]:>7.1f}  {r['cpu'] / size * 1e6:>8.2f}  {r['rss']:>11.0f}   {unit}")  # fmt: skip
    if "run" not in args.skip:
        runs = [("run copies", WIRE, args.records, "copies of one wire article: one story, one event"),
                ("run reports", SHORT, args.reports, "one-sentence reports, each its own story, of one event")]  # fmt: skip
        for kind, text, counts, what in runs:
            for n in (int(x) for x in counts.split(",")):
                r = run_records(n, text)
                print(f"{kind:18} {n:>12,}  {r['cpu']:>8.2f}  {'':>7}  {'':>7}  "
                      f"{r['cpu'] / n * 1e6:>8.0f}  {r['rss']:>11.0f}   {what}, whole `wirewatch run`")  # fmt: skip


if __name__ == "__main__":
    main()

"""The pipeline on Apache Spark at local[1] and local[2] beside `wirewatch run`, on one generated
corpus, in the same run: throughput (wall and per CPU-second), the scaling ratio local[2] /
local[1], whether the Spark output has the same stories and events, and what the measured
per-core throughput means for a real cluster (one day of global news, one month of CC-NEWS).

    python bench/spark_bench.py                    # 20,000 articles (the issue's size): about an hour of CPU
    python bench/spark_bench.py --size 1000        # a few minutes
    python bench/spark_bench.py --size 300 --masters 'local[2]'

Each run is its own subprocess. CPU seconds are counted over the whole process tree (the
Python driver, the JVM and the Python workers, read from /proc before the session stops, the
session's start-up included), so a machine shared with other work does not inflate them; wall
seconds (the job, without the start-up) are printed beside them with the load average at the
end of each run, and each stage's wall and CPU seconds.
Needs PySpark (the wirewatch[spark] extra) and Java 17; prints "n/a" for Spark without them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "synth"))

import news_feed  # noqa: E402  (bench/synth is not a package)

TARGET_SCALING = 1.7  # local[2] over local[1] (issue 15)
# a worked estimate: articles per day of global news, and CC-NEWS pages per month (English
# share about 40%; the others are read and cleaned but not extracted)
DAY_OF_NEWS = 300_000
CC_NEWS_MONTH = 12_000_000
MACHINE_CORES = 16


def _tree_cpu_seconds(root: int) -> dict[str, float]:
    """CPU seconds of `root` and every live descendant, with what their exited children used:
    {"jvm": the Java process, "python": the driver and the Python workers}."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    times: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry)
        parent[pid] = int(fields[1])
        times[pid] = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
        names[pid] = stat[stat.index("(") + 1 : stat.rindex(")")]
    total = {"jvm": 0.0, "python": 0.0}
    todo = [root]
    while todo:
        pid = todo.pop()
        total["jvm" if names.get(pid) == "java" else "python"] += times.get(pid, 0) / tick
        todo.extend(p for p, pp in parent.items() if pp == pid)
    return total


def _cpu_per_stage(stage_cpu: dict[str, float]) -> None:
    """Count the process tree's CPU seconds in each stage of the job (local mode: the JVM and
    the Python workers are this process's children; on a cluster this would say nothing)."""
    from wirewatch.spark import job

    timed = job._Stages.timed

    def counted(self: Any, stage: str, fn: Any) -> Any:
        before = sum(_tree_cpu_seconds(os.getpid()).values())
        try:
            return timed(self, stage, fn)
        finally:
            stage_cpu[stage] = stage_cpu.get(stage, 0.0) + sum(_tree_cpu_seconds(os.getpid()).values()) - before

    job._Stages.timed = counted  # type: ignore[method-assign]


def one_spark_run(feed: str, out: str, master: str, single_db: str | None) -> dict[str, Any]:
    """Runs inside the subprocess: the Spark job on `feed`, timed, compared with `single_db`."""
    from wirewatch.config import Options
    from wirewatch.spark.job import run_spark
    from wirewatch.spark.session import spark_session

    conf = {"spark.driver.memory": "1g", "spark.ui.enabled": "false"}
    session = spark_session(master, conf, app_name="wirewatch-bench")
    start = _tree_cpu_seconds(os.getpid())
    stage_cpu: dict[str, float] = {}
    _cpu_per_stage(stage_cpu)
    t0 = time.perf_counter()
    summary = run_spark([feed], out, Options(), session=session)
    wall = time.perf_counter() - t0
    cpu = _tree_cpu_seconds(os.getpid())
    load = os.getloadavg()[0]
    session.stop()
    row: dict[str, Any] = {
        "wall": wall, "cpu": sum(cpu.values()), "jvm_cpu": cpu["jvm"], "start_cpu": sum(start.values()),
        "stage_cpu": stage_cpu, "load": load, "summary": summary.to_dict(),
    }  # fmt: skip
    if single_db:
        from wirewatch.spark.compare import compare_with_store
        from wirewatch.store import open_store

        comparison = compare_with_store(out, open_store(single_db))
        row["comparison"], row["identical"] = comparison.lines(), comparison.identical
    return row


def _run_child(args: list[str]) -> tuple[int, str, float, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, _ = proc.communicate()
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return proc.returncode, out, wall, usage.ru_utime + usage.ru_stime


def single_machine(feed: Path, db: Path) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    code, out, wall, after_cpu = _run_child(
        [sys.executable, "-c", "import sys; from wirewatch.cli import app; sys.argv[0] = 'wirewatch'; app()",
         "run", str(feed), "--db", str(db)]  # fmt: skip
    )
    cpu = after_cpu - (before.ru_utime + before.ru_stime)
    if code not in (0, 1):
        raise SystemExit(f"wirewatch run failed (exit {code}): {out[-500:]}")
    return {"wall": wall, "cpu": cpu, "load": os.getloadavg()[0], "note": out.strip().splitlines()[-1]}


def spark_run(feed: Path, out: Path, master: str, single_db: Path) -> dict[str, Any]:
    code, text, _wall, _cpu = _run_child(
        [sys.executable, __file__, "--one", master, "--feed", str(feed), "--out", str(out), "--db", str(single_db)]
    )
    lines = [line for line in text.splitlines() if line.startswith("{")]
    if code or not lines:
        return {"error": (text.strip().splitlines() or ["no output"])[-1][:200]}
    return json.loads(lines[-1])


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for k, r in enumerate(rows):
        out.append("  ".join(c.rjust(w) if i and i < len(r) - 1 else c.ljust(w) for i, (c, w) in
                             enumerate(zip(r, widths, strict=True))).rstrip())  # fmt: skip
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def estimate_lines(per_core: float, label: str) -> list[str]:
    """Machines and hours for a day of news and a month of CC-NEWS at `per_core` articles per CPU-second."""
    out = [f"worked estimate from {label}: {per_core:.1f} articles per CPU-second per core"]
    for what, articles in (("one day of global news", DAY_OF_NEWS), ("one month of CC-NEWS", CC_NEWS_MONTH)):
        core_hours = articles / per_core / 3600
        machines_for_4h = max(1, round(core_hours / (4 * MACHINE_CORES) + 0.499))
        out.append(
            f"  {what} ({articles:,} articles): {core_hours:,.1f} core-hours = "
            f"{core_hours / MACHINE_CORES:,.1f} h on one {MACHINE_CORES}-core machine, "
            f"or {machines_for_4h} machine{'s' if machines_for_4h > 1 else ''} for 4 h"
        )
    out.append("  (every article extracted: an upper bound where many are not English; docs/spark.md splits them)")
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--masters", default="local[1],local[2]")
    p.add_argument("--workdir")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--one", help=argparse.SUPPRESS)
    p.add_argument("--feed", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--db", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.one:
        print(json.dumps(one_spark_run(args.feed, args.out, args.one, args.db)), flush=True)
        return 0

    work = Path(args.workdir or tempfile.mkdtemp(prefix="wirewatch-spark-bench-"))
    feed_dir = work / "feed"
    shutil.rmtree(feed_dir, ignore_errors=True)
    news_feed.write_feed(news_feed.generate_feed(args.size, args.seed), feed_dir)
    print(f"corpus: {args.size} generated articles (synth/news_feed.py, seed {args.seed}) in {feed_dir}", flush=True)
    db = work / "single.db"
    db.unlink(missing_ok=True)
    single = single_machine(feed_dir, db)
    print(f"wirewatch run: {single['note']}", flush=True)
    header = ["run", "articles", "wall s", "articles/s", "CPU s", "articles/CPU-s", "load", "notes"]
    rows = [header, ["wirewatch run (one process)", str(args.size), f"{single['wall']:.1f}",
                     f"{args.size / single['wall']:.1f}", f"{single['cpu']:.1f}", f"{args.size / single['cpu']:.1f}",
                     f"{single['load']:.1f}", "SQLite store"]]  # fmt: skip
    spark: dict[str, dict[str, Any]] = {}
    for master in [m.strip() for m in args.masters.split(",") if m.strip()]:
        out = work / f"out_{master.replace('[', '_').replace(']', '')}"
        shutil.rmtree(out, ignore_errors=True)
        row = spark_run(feed_dir, out, master, db)
        spark[master] = row
        if "error" in row:
            rows.append([f"wirewatch spark {master}", "", "", "", "", "", "", f"n/a: {row['error']}"])
            continue
        s = row["summary"]
        stages = ", ".join(f"{k} {v:.0f}/{row['stage_cpu'].get(k, 0):.0f}" for k, v in s["seconds"].items())
        same = "same stories and events" if row.get("identical") else "DIFFERS from wirewatch run"
        rows.append([f"wirewatch spark {master}", str(s["articles_new"]), f"{row['wall']:.1f}",
                     f"{s['articles_new'] / row['wall']:.1f}", f"{row['cpu']:.1f}",
                     f"{s['articles_new'] / row['cpu']:.1f}", f"{row['load']:.1f}",
                     f"{same}; JVM {row['jvm_cpu']:.0f} CPU-s (start-up {row['start_cpu']:.0f}); "
                     f"stage wall/CPU s: {stages}"])  # fmt: skip
    print(_table(rows))
    for master, row in spark.items():
        if "comparison" in row:
            print(f"\n{master} against wirewatch run:")
            print("\n".join("  " + line for line in row["comparison"]))
    one, two = spark.get("local[1]", {}), spark.get("local[2]", {})
    if "wall" in one and "wall" in two:
        ratio = one["wall"] / two["wall"]
        verdict = "meets" if ratio >= TARGET_SCALING else "BELOW"
        print(f"\nscaling local[2] / local[1] (throughput, wall): {ratio:.2f}x; target >= {TARGET_SCALING}x: {verdict}")
        print(f"CPU seconds local[2] / local[1]: {two['cpu'] / one['cpu']:.2f} (1.00 = no work added by the second core)")
        cores = os.cpu_count() or 1
        busy = max(one["load"], two["load"])
        print(f"load average (1 min) at the end of each: local[1] {one['load']:.1f}, local[2] {two['load']:.1f} "
              f"on {cores} cores")  # fmt: skip
        if busy > cores - 1:
            print("note: other work shares the cores (a load above cores - 1 leaves local[2] less than two "
                  "free cores), so the wall ratio understates the scaling")  # fmt: skip
    print()
    print("\n".join(estimate_lines(args.size / single["cpu"], "wirewatch run")))
    if "cpu" in one:
        print("\n".join(estimate_lines(one["summary"]["articles_new"] / one["cpu"], "wirewatch spark local[1]")))
    if not args.keep and not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

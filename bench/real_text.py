"""Agreement with analysts on real text we did not write: ACLED notes and GTD summaries.

Run: python bench/real_text.py [--set acled|gtd|both] [--limit N] [--save FILE] [--before FILE]

Data (never copied into the repository; read from ../shared/bench):
- acled_notes: ACLED events with the analysts' notes and coding (ACLED Terms of Use; Raleigh et
  al. 2010). Each note becomes one article dated its event_date, the whole set goes through the
  full pipeline (`wirewatch run`: clean, stories, extraction, fusion) into a fresh SQLite file,
  and every note is paired with the best-agreeing event that cites it (wirewatch.evaluate.acled).
- gtd_us: Global Terrorism Database incidents in the United States (START, University of
  Maryland): the summary becomes an article dated the incident; scored on detection, city (the
  event's place named as GTD's city or within 25 km of its point), place within 25 km, date and
  fatalities (GTD counts attackers among the dead).

Prints per-field agreement over the rows found and over all rows, the targets of the accuracy
issue, a previous run's figures (--before, a file written by --save), a confusion table of event
types and the 20 commonest disagreements per field. This is a development set: learn from the
errors it shows with general rules, never special-case what it contains.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from wirewatch.config import Options
from wirewatch.evaluate.acled import (
    FIELDS,
    AcledGold,
    confusion_rows,
    field_agreement,
    figure_rows,
    gold_from_row,
    pair,
    predictions_from_events,
    score_acled,
    top_disagreements,
)
from wirewatch.pipeline import run_pipeline
from wirewatch.store import open_store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
ACLED = SHARED / "acled_notes" / "acled_2020-04-27_to_05-09_dev.csv"
GTD = SHARED / "gtd_us" / "gtd_us_2000-2017.csv"
ACLED_TARGETS = {
    "event_type": 0.85, "sub_event_type": 0.75, "country": 0.95, "admin1": 0.80, "location": 0.70,
    "actor1": 0.70, "fatalities": 0.92, "violent_detection": 0.95,
}  # fmt: skip
GTD_TARGETS = {"detection": 0.95, "city": 0.80, "fatalities": 0.85}


CASE = {"how": "as-is"}


def _cased(text: str) -> str:
    return {"lower": text.lower(), "upper": text.upper()}.get(CASE["how"], text)


def sample(rows: list[dict[str, str]], limit: int) -> list[dict[str, str]]:
    """Every k-th row, so a sample spreads over the whole set (deterministic)."""
    if not limit or limit >= len(rows):
        return rows
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)]


def acled_items(limit: int = 0) -> list[tuple[AcledGold, dict[str, Any]]]:
    """(gold, input record) for each sampled ACLED note."""
    with ACLED.open(encoding="utf-8", newline="") as handle:
        rows = sample(list(csv.DictReader(handle)), limit)
    out = []
    for row in rows:
        gold = gold_from_row(row)
        gold.article = gold.key
        record = {
            "id": gold.key,
            "text": _cased(row["notes"]),
            "published_at": gold.event_date,
            "outlet": "notes",
        }
        out.append((gold, record))
    return out


def _gtd_date(row: dict[str, str]) -> str:
    year, month, day = int(row["iyear"]), int(row["imonth"] or 0), int(row["iday"] or 0)
    return f"{year:04d}-{max(month, 1):02d}-{max(day, 1):02d}"


def gtd_items(limit: int = 0) -> list[tuple[AcledGold, dict[str, Any]]]:
    """(gold, input record) for each sampled GTD incident: place, date and toll only."""
    with GTD.open(encoding="utf-8", errors="replace", newline="") as handle:
        rows = sample(list(csv.DictReader(handle)), limit)
    out = []
    for row in rows:
        when = _gtd_date(row)
        fatalities = row.get("nkill", "").strip()
        gold = gold_from_row({
            "event_id_cnty": "gtd" + row["eventid"], "event_date": when, "iso3": "USA",
            "country": "United States", "admin1": row.get("provstate", ""), "location": row.get("city", ""),
            "latitude": row.get("latitude", ""), "longitude": row.get("longitude", ""),
            "fatalities": str(int(float(fatalities))) if fatalities else "",
        })  # fmt: skip
        gold.article = gold.key
        gold.fields = ("country", "admin1", "location", "event_date", "fatalities")
        gold.values["attack"] = row.get("attacktype1_txt")
        record = {"id": gold.key, "text": _cased(row["summary"]), "published_at": when, "outlet": "summaries"}
        out.append((gold, record))
    return out


def run(
    items: list[tuple[AcledGold, dict[str, Any]]], workdir: str
) -> tuple[list[AcledGold], list[dict], float]:
    """The full pipeline over the items' texts; returns gold, predictions and CPU seconds."""
    path = os.path.join(workdir, "input.jsonl")
    with open(path, "w", encoding="utf-8") as handle:
        for _gold, record in items:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    store = open_store(os.path.join(workdir, "bench.db"), create=True)
    cpu = time.process_time()
    run_pipeline([path], store, Options())
    cpu = time.process_time() - cpu
    key_of = {a.article_id: a.external_id for a in store.iter_articles() if a.external_id}
    predictions = predictions_from_events(store.iter_events(), key_of)
    mentioned = {key_of.get(m.article_id) for m in store.iter_mentions()}
    store.close()
    return [g for g, _ in items], predictions, mentioned, cpu


def _table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(_fmt(r.get(c))) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for r in rows:
        print("  ".join(_fmt(r.get(c)).ljust(widths[c]) for c in columns))


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def gtd_city_figures(gold: list[AcledGold], predictions: list[dict]) -> dict[str, float]:
    """GTD's city: the paired event's place named as the city, or within 25 km of its point."""
    from wirewatch.resolve.places import normalise_place

    pairs = pair(gold, predictions)
    right = 0
    for gi, g in enumerate(gold):
        pi = pairs.get(gi)
        if pi is None:
            continue
        p = predictions[pi]
        named = (
            p.get("location")
            and g.values.get("location")
            and (normalise_place(p["location"]) == normalise_place(g.values["location"]))
        )
        right += bool(named or field_agreement(g, p, "location"))
    return {"city": round(right / len(gold), 4) if gold else 0.0,
            "city_found": round(right / len(pairs), 4) if pairs else 0.0}  # fmt: skip


def report(name: str, items: list[tuple[AcledGold, dict[str, Any]]], targets: dict[str, float],
           before: dict[str, float], top: int) -> dict[str, float]:  # fmt: skip
    with tempfile.TemporaryDirectory() as workdir:
        gold, predictions, mentioned, cpu = run(items, workdir)
    result = score_acled(gold, predictions)
    figures = result.figures()
    # before fusion: the share of texts with at least one event mention of their own
    figures["mentioned"] = round(sum(g.key in mentioned for g in gold) / len(gold), 4) if gold else 0.0
    print(f"\n== {name}: {result.rows} rows, {result.found} found, {result.predicted} events predicted "
          f"({cpu:.1f} CPU s for the pipeline, {result.rows / cpu:.1f} texts per CPU-second)")  # fmt: skip
    rows = figure_rows(result, targets, before)
    rows.insert(1, {"field": "texts with a mention", "found": figures["mentioned"], "all": figures["mentioned"],
                    "n": result.rows, "before": before.get("mentioned")})  # fmt: skip
    if name == "gtd_us":
        figures.update(gtd_city_figures(gold, predictions))
        rows.append({"field": "city (name or 25 km)", "found": figures["city_found"], "all": figures["city"],
                     "n": result.rows, "before": before.get("city"), "target": targets.get("city")})  # fmt: skip
    _table(rows, ["field", "found", "all", "n", "before", "target"])
    if name == "acled_notes":
        print("\nevent types (rows: analysts; columns: wirewatch)")
        _table(confusion_rows(result), ["gold", *sorted({p for _, p in result.confusion})])
    else:
        matched = pair(gold, predictions)
        by_attack: Counter = Counter()
        for gi, g in enumerate(gold):
            p_type = predictions[matched[gi]].get("event_type") if gi in matched else None
            by_attack[(g.values.get("attack") or "?", p_type or "(none)")] += 1
        print("\nGTD attack type -> wirewatch event type")
        for (attack, p_type), n in sorted(by_attack.items(), key=lambda t: (t[0][0], -t[1])):
            print(f"  {attack:40} {p_type:30} {n}")
    for field in FIELDS:
        common = top_disagreements(result, field, top)
        if not common:
            continue
        print(f"\n{field}: commonest disagreements (analysts -> wirewatch)")
        for (g, p), n in common:
            print(f"  {n:4}  {g[:60]}  ->  {p[:60]}")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=["acled", "gtd", "both"], default="both")
    parser.add_argument("--limit", type=int, default=0, help="sample this many rows of each set (0: all)")
    parser.add_argument("--save", help="write the figures as JSON here")
    parser.add_argument("--before", help="a file written by --save, printed beside")
    parser.add_argument("--top", type=int, default=20, help="disagreements listed per field")
    parser.add_argument("--case", choices=["as-is", "lower", "upper"], default="as-is",
                        help="feed the texts in one case, as old archives and transcripts come")  # fmt: skip
    args = parser.parse_args(argv)
    if not ACLED.exists() or not GTD.exists():
        print(f"real-text data not found under {SHARED}: nothing to measure")
        return 0
    before = json.loads(Path(args.before).read_text()) if args.before else {}
    CASE["how"] = args.case
    figures: dict[str, dict[str, float]] = {}
    if args.set in ("acled", "both"):
        figures["acled_notes"] = report("acled_notes", acled_items(args.limit), ACLED_TARGETS,
                                        before.get("acled_notes", {}), args.top)  # fmt: skip
    if args.set in ("gtd", "both"):
        figures["gtd_us"] = report("gtd_us", gtd_items(args.limit), GTD_TARGETS,
                                   before.get("gtd_us", {}), args.top)  # fmt: skip
    if args.save:
        Path(args.save).write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Per-field agreement with UCDP GED (Syria 2016-2019) on its own report text.

Run: python bench/ucdp_syria.py [--limit 1000] [--mode extract|resolve|both] [--base date_end]

Data: ../shared/bench/ucdp_syria/ged_syria_2016_2019.csv (UCDP GED 19.1, CC BY 4.0; Sundberg and
Melander 2013; Hogbladh 2019). Each UCDP event row carries `source_headline`, the report text
(mostly one-line Syrian Observatory summaries). We make one Article of each headline and compare:

- recall: the share of events for which wirewatch found at least one event mention;
- country, admin1 (names compared through our gazetteer), place within 25 km of UCDP's point,
  date within [date_start, date_end], fatalities within UCDP's low..high, and violence type
  mapped to ACLED families (1 state-based -> Battles or Explosions/Remote violence,
  2 non-state -> Battles, 3 one-sided -> Violence against civilians), each over the events found
  and, in brackets, over all sampled events.
When a headline yields several mentions, the one nearest UCDP's point is compared (a headline
can summarise a whole day: one headline backs several UCDP events).

Publication date: the headline has none, so `published_at` is UCDP's `date_end` (default): the
report is published on or after the last day of the event, so "yesterday" and "on Thursday"
resolve backwards from there. `--base date_start` and `--base source_date` (the date UCDP gives
for the source, when it is within a week after date_end) are there to compare.

Sample: --limit events, deterministic (rows sorted by id, every k-th).
Modes: `extract` runs wirewatch.extract.extract_mentions; `resolve` uses the resolve functions
alone (capitalised phrases -> resolve_place, find_date_expressions -> resolve_date; a report
with no date expression is dated to its publication day), which measures the gazetteer and
the date rules without the extractor. Its country context (--context) is, by default, the
countries the headline itself names, as an extractor would have; `syria` gives the answer's
country (an upper bound), `none` nothing.
This is a development set: learn from its errors, never special-case it.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from wirewatch.resolve.geo import haversine_km as km

DATA = (
    Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "ucdp_syria" / "ged_syria_2016_2019.csv"
)
FAMILIES = {
    "1": {"Battles", "Explosions/Remote violence"},
    "2": {"Battles"},
    "3": {"Violence against civilians"},
}
_CAPITALISED = re.compile(
    r"\b(?:[A-Z][\w’'-]+|al-\w+)(?:\s+(?:[A-Z][\w’'-]+|al-\w+|(?:al|el|ez|az|as|ash|ad|ar|an|at)\b))*"
)


def load_rows(limit: int) -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows.sort(key=lambda r: int(r["id"]))
    if limit and limit < len(rows):
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    return rows


def base_date(row: dict[str, str], how: str) -> str:
    if how == "date_start":
        return row["date_start"]
    if how == "source_date":
        try:
            src = date.fromisoformat(row["source_date"][:10])
            end = date.fromisoformat(row["date_end"])
            if end <= src <= end + timedelta(days=7):
                return src.isoformat()
        except ValueError:
            pass
    return row["date_end"]


class Admin1Names:
    """UCDP's adm_1 ('Deir ez Zor Governorate') -> our admin1 display name."""

    def __init__(self) -> None:
        from wirewatch.resolve.places import normalise_place, resolve_place

        self.resolve = resolve_place
        self.norm = normalise_place
        self.cache: dict[str, str] = {}

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        if text not in self.cache:
            words = text if re.search(r"(?i)governorate|province", text) else text + " governorate"
            place = self.resolve(words, country_hint="SYR")
            self.cache[text] = (
                self.norm(place.admin1 or place.name) if place and place.admin1 else self.norm(text)
            )
        return self.cache[text]


# ---------------------------------------------------------------- the two ways of predicting


def predict_extract(headline: str, published_at: str, row_id: str) -> list[dict]:
    from wirewatch.config import ExtractOptions
    from wirewatch.extract import extract_mentions
    from wirewatch.records import Article, content_id

    article = Article(
        article_id=content_id("ucdp", row_id, headline),
        source=f"ucdp:{row_id}",
        text=headline,
        published_at=published_at,
        published_at_source="input",
        language="en",
    )
    return [m.to_dict() for m in extract_mentions(article, ExtractOptions())]


CONTEXT = {"mode": "headline"}


def _headline_countries(headline: str) -> tuple[str, ...]:
    """Countries the headline itself names ("Syrian", "Turkish", "Iraq"), as an article's context."""
    from wirewatch.resolve.places import country_of_name

    found = []
    for word in re.findall(r"[A-Z][\w’'.-]+", headline):
        iso3 = country_of_name(word)
        if iso3 and iso3 not in found:
            found.append(iso3)
    return tuple(found)


def predict_resolve(headline: str, published_at: str, row_id: str) -> list[dict]:
    from wirewatch.resolve.dates import find_date_expressions, is_aggregate, resolve_date
    from wirewatch.resolve.places import resolve_place

    if CONTEXT["mode"] == "syria":
        context: tuple[str, ...] = ("SYR",)
    elif CONTEXT["mode"] == "headline":
        context = _headline_countries(headline)
    else:
        context = ()
    place = None
    for m in _CAPITALISED.finditer(headline):
        phrase = m.group(0).strip()
        if len(phrase) < 3 or phrase.lower() in {"the", "human", "more", "after", "syrian", "regime"}:
            continue
        # take in the following "countryside"/"province" word and a leading direction word
        tail = headline[m.end() : m.end() + 14]
        suffix = re.match(r"\s+(countryside|province|governorate|city|town|village)\b", tail)
        if suffix:
            phrase += suffix.group(0)
        found = resolve_place(phrase, context_iso3=context)
        if found is None or found.kind == "country":
            continue
        if place is None or found.geo_precision < place.geo_precision:
            place = found
        if place.geo_precision == 1:
            break
    window = None
    for _, _, expr in find_date_expressions(headline):
        w = resolve_date(expr, published_at)
        if w and w.event_date and not is_aggregate(w):
            window = w
            break
    event_date = window.event_date if window else published_at[:10]
    pred = {"event_date": event_date, "country": None, "admin1": None, "latitude": None, "longitude": None}
    if place is not None:
        pred.update(
            country=place.country, admin1=place.admin1, latitude=place.latitude, longitude=place.longitude
        )
    elif "syria" in headline.lower():
        pred["country"] = "Syria"
    return [pred]


# ---------------------------------------------------------------- scoring


def best_mention(mentions: list[dict], row: dict[str, str]) -> dict | None:
    if not mentions:
        return None
    lat, lon = float(row["latitude"]), float(row["longitude"])

    def distance(m: dict) -> float:
        if m.get("latitude") is None:
            return 1e9
        return km(lat, lon, m["latitude"], m["longitude"])

    return min(mentions, key=distance)


def score(
    rows: list[dict[str, str]], predict, base: str, admin1: Admin1Names
) -> tuple[dict, dict, int, float]:
    counts = {k: 0 for k in ("country", "admin1", "place25", "date", "fatalities", "violence")}
    asked = {k: 0 for k in counts}
    found = 0
    start = time.perf_counter()
    for n, row in enumerate(rows, 1):
        if n % 200 == 0:
            print(
                f"  ... {n}/{len(rows)} events, {time.perf_counter() - start:.0f} s",
                file=sys.stderr,
                flush=True,
            )
        published = base_date(row, base)
        mentions = predict(row["source_headline"], published, row["id"])
        m = best_mention(mentions, row)
        if m is None:
            continue
        found += 1
        asked["country"] += 1
        if (m.get("country") or "") == row["country"]:
            counts["country"] += 1
        asked["admin1"] += 1
        if m.get("admin1") and admin1(m["admin1"]) == admin1(row["adm_1"]):
            counts["admin1"] += 1
        asked["place25"] += 1
        if (
            m.get("latitude") is not None
            and km(float(row["latitude"]), float(row["longitude"]), m["latitude"], m["longitude"]) <= 25
        ):
            counts["place25"] += 1
        asked["date"] += 1
        if m.get("event_date"):
            counts["dated"] = counts.get("dated", 0) + 1
        if m.get("event_date") and row["date_start"] <= m["event_date"][:10] <= row["date_end"]:
            counts["date"] += 1
        if "fatalities" in m:
            asked["fatalities"] += 1
            f = m.get("fatalities")
            if f is not None and int(row["low"]) <= f <= int(row["high"]):
                counts["fatalities"] += 1
        if "event_type" in m:
            asked["violence"] += 1
            if m.get("event_type") in FAMILIES.get(row["type_of_violence"], set()):
                counts["violence"] += 1
    return counts, asked, found, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=1000, help="events to sample (deterministic), 0 = all")
    parser.add_argument("--mode", choices=["extract", "resolve", "both"], default="both")
    parser.add_argument("--base", choices=["date_end", "date_start", "source_date"], default="date_end")
    parser.add_argument(
        "--context",
        choices=["headline", "syria", "none"],
        default="headline",
        help="resolve mode: the countries given to resolve_place (those the headline names; Syria; none)",
    )
    args = parser.parse_args(argv)
    CONTEXT["mode"] = args.context
    if not DATA.is_file():
        print(f"UCDP data not found at {DATA}; nothing to measure")
        return 0
    rows = load_rows(args.limit)
    admin1 = Admin1Names()
    modes = ["extract", "resolve"] if args.mode == "both" else [args.mode]
    if "extract" in modes:
        try:
            import wirewatch.extract  # noqa: F401
        except ImportError as exc:
            print(f"extract not importable ({exc}); resolve mode only")
            modes = ["resolve"]
    print(
        f"UCDP GED Syria: {len(rows)} events sampled of {DATA.name}; published_at = {args.base}; "
        f"resolve-mode context = {args.context}"
    )
    header = f"{'mode':8} {'recall':>7} " + " ".join(
        f"{k:>17}" for k in ("country", "admin1", "place<=25km", "date", "fatalities", "violence")
    )
    print(header + f" {'s':>6}")
    for mode in modes:
        predict = predict_extract if mode == "extract" else predict_resolve
        counts, asked, found, seconds = score(rows, predict, args.base, admin1)
        cells = []
        for k in ("country", "admin1", "place25", "date", "fatalities", "violence"):
            if asked[k] == 0:
                cells.append(f"{'n/a':>17}")
            else:
                cells.append(f"{counts[k] / asked[k]:>7.3f} ({counts[k] / len(rows):.3f})".rjust(17))
        print(f"{mode:8} {found / len(rows):>7.3f} " + " ".join(cells) + f" {seconds:>6.1f}")
        if found:
            print(f"{'':8} (mentions found that carry an event_date: {counts.get('dated', 0) / found:.3f})")
    print("figures: share of events found that agree (share of all sampled events in brackets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Agreement with analysts' coding in ACLED's format: per field, with a type confusion table.

Gold is a CSV with ACLED's columns (`event_date`, `event_type`, `sub_event_type`, `actor1`,
`inter1`, `actor2`, `inter2`, `country`/`iso3`, `admin1`, `location`, `latitude`, `longitude`,
`geo_precision`, `fatalities`, `notes`, ...). Each gold row is paired with at most one predicted
event, one to one, best agreement first. A row that names its article (`article` in
`AcledGold.article`, set by whoever ran the text through wirewatch) is paired only with events
citing that article; otherwise with events within `DATE_DAYS` days and `PAIR_KM` km of it.

Agreement is counted over the rows that were found and over all rows (a row not found
disagrees on every field). Fatalities are scored only where the note does not say the coded
figure overrides the reports ("Unknown fatalities coded as 10", "split across 3 events").
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.evaluate.metrics import country_code, norm
from wirewatch.records import Event
from wirewatch.resolve.geo import haversine_km

# Fields compared, in the order they are printed.
FIELDS = (
    "event_type", "sub_event_type", "actor1", "actor2", "inter1", "country", "admin1",
    "location", "geo_precision", "event_date", "fatalities",
)  # fmt: skip
LABELS = {
    "detection": "detection",
    "event_type": "event type",
    "sub_event_type": "sub-event type",
    "actor1": "actor1",
    "actor2": "actor2",
    "inter1": "inter1",
    "country": "country",
    "admin1": "admin1",
    "location": "place within 25 km",
    "geo_precision": "geo_precision",
    "event_date": "event date",
    "fatalities": "fatalities as stated",
}
REQUIRED_COLUMNS = ("event_date", "event_type", "country", "latitude", "longitude")
LOCATION_KM = 25.0
PAIR_KM = 50.0  # rows without an article: events this close (and DATE_DAYS apart) may pair
DATE_DAYS = 1
VIOLENT_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians")
NONE = "(none)"
# A note that says its coded toll is not the reports' own figure.
_TOLL_OVERRIDE = re.compile(
    r"\bcoded as\b|\bsplit (?:across|between|among|over)\b[^.]*\bevents?\b|"
    r"\bfatalit\w* (?:were |are |have been )?(?:split|divided|distributed|spread)\b",
    re.I,
)
# "Military Forces of Somalia (2017-) Jubaland Security Force": the unit after the period.
_PERIOD = re.compile(r"\s*\((?:19|20)\d\d-(?:(?:19|20)\d\d)?\).*$")


@dataclass(slots=True)
class AcledGold:
    """One analyst-coded event."""

    key: str
    event_date: str | None
    values: dict[str, Any]  # field -> gold value (None: the analyst coded nothing)
    fatalities_stated: bool = True
    notes: str = ""
    article: str | None = None  # the article (by key) the event was read from, when known
    fields: tuple[str, ...] = FIELDS  # the fields this gold codes (a GTD row has no ACLED types)


@dataclass(slots=True)
class AcledReport:
    """Per-field agreement, the type confusion table and the commonest disagreements."""

    rows: int = 0
    found: int = 0
    predicted: int = 0
    right: Counter = field(default_factory=Counter)  # field -> rows right
    scored: Counter = field(default_factory=Counter)  # field -> rows the field was scored on (found)
    scored_all: Counter = field(default_factory=Counter)  # ... over all rows
    confusion: Counter = field(default_factory=Counter)  # (gold type, predicted type or NONE)
    disagreements: dict[str, Counter] = field(default_factory=dict)  # field -> (gold, predicted) counts
    violent_rows: int = 0
    violent_found: int = 0

    def agreement(self, name: str) -> float:
        """Right over found rows scored on this field."""
        return self.right[name] / self.scored[name] if self.scored[name] else 0.0

    def agreement_all(self, name: str) -> float:
        """Right over all rows the field applies to (not found counts as wrong)."""
        return self.right[name] / self.scored_all[name] if self.scored_all[name] else 0.0

    @property
    def detection(self) -> float:
        return self.found / self.rows if self.rows else 0.0

    @property
    def violent_detection(self) -> float:
        return self.violent_found / self.violent_rows if self.violent_rows else 0.0

    def figures(self) -> dict[str, float]:
        """Every headline figure by name (what the quality floors pin)."""
        out = {"detection": round(self.detection, 4)}
        if self.violent_rows:
            out["violent_detection"] = round(self.violent_detection, 4)
        for name in FIELDS:
            if self.scored_all[name]:
                out[name] = round(self.agreement(name), 4)
                out[name + "_all"] = round(self.agreement_all(name), 4)
        out["extra_events_per_row"] = (
            round(max(0, self.predicted - self.found) / self.rows, 4) if self.rows else 0.0
        )
        return out


# -- reading gold ----------------------------------------------------------------------------------
def parse_acled_date(text: str) -> str | None:
    """ACLED's dates: '9-May-20', '09 May 2020', '2020-05-09' -> ISO date."""
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d-%b-%y", "%d-%B-%y", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _int(text: Any) -> int | None:
    try:
        return int(float(str(text).strip()))
    except (TypeError, ValueError):
        return None


def _float(text: Any) -> float | None:
    try:
        return float(str(text).strip())
    except (TypeError, ValueError):
        return None


def gold_from_row(row: dict[str, str], key: str | None = None) -> AcledGold:
    """One ACLED CSV row as gold."""
    notes = row.get("notes") or ""
    values: dict[str, Any] = {
        name: (row.get(name) or "").strip() or None
        for name in ("event_type", "sub_event_type", "actor1", "actor2", "admin1", "location")
    }
    values["country"] = (row.get("iso3") or "").strip().upper() or country_code(row.get("country") or "")
    values["inter1"] = _int(row.get("inter1"))
    values["geo_precision"] = _int(row.get("geo_precision"))
    values["latitude"], values["longitude"] = _float(row.get("latitude")), _float(row.get("longitude"))
    values["fatalities"] = _int(row.get("fatalities"))
    values["event_date"] = parse_acled_date(row.get("event_date", ""))
    return AcledGold(
        key=key or row.get("event_id_cnty") or row.get("data_id") or "",
        event_date=values["event_date"],
        values=values,
        fatalities_stated=not _TOLL_OVERRIDE.search(notes),
        notes=notes,
        article=(row.get("article") or "").strip() or None,
    )


def read_acled_csv(path: str | Path) -> list[AcledGold]:
    """An ACLED-format CSV as gold rows; a missing file or column is a one-line W030 error."""
    name = str(path)
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise WirewatchError(
                    errors.GOLD_FILE_MALFORMED, f"{name}: not an ACLED-format CSV (no column {missing[0]!r})"
                )
            rows = [gold_from_row(r, r.get("event_id_cnty") or f"row{i + 2}") for i, r in enumerate(reader)]
    except FileNotFoundError:
        raise WirewatchError(errors.GOLD_FILE_MALFORMED, f"{name}: no such gold file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise WirewatchError(errors.GOLD_FILE_MALFORMED, f"{name}: cannot read gold file ({exc})") from None
    return rows


# -- comparing one pair ----------------------------------------------------------------------------
def actor_key(name: Any) -> str:
    """An actor name as compared: normalised, the period and the unit after it dropped."""
    return norm(_PERIOD.sub("", str(name)), drop_parens=False)


def _actor_keys(name: Any) -> set[str]:
    key = actor_key(name)
    return {key, norm(key, drop_parens=True)}


def actors_agree(gold: Any, predicted: Any) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    return bool(_actor_keys(gold) & _actor_keys(predicted))


def _place_key(text: Any) -> str:
    from wirewatch.resolve.places import normalise_place

    return normalise_place(str(text)).replace(" ", "")


def admin1_agrees(gold: Any, iso3: str | None, predicted: Any) -> bool:
    """Same first-level region, by name or through the gazetteer's names for it."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if _place_key(gold) == _place_key(predicted):
        return True
    from wirewatch.resolve.places import resolve_place

    place = resolve_place(str(gold), country_hint=iso3)
    return bool(
        place is not None
        and place.kind == "admin1"
        and place.iso3 == iso3
        and _place_key(place.admin1 or place.name) == _place_key(predicted)
    )


def _date_agrees(gold: str | None, values: dict[str, Any]) -> bool:
    if gold is None:
        return True
    low, high = values.get("date_low") or values.get("event_date"), values.get("date_high")
    if values.get("event_date") and str(values["event_date"])[:10] == gold:
        return True
    return bool(low and high and str(low)[:10] <= gold <= str(high)[:10])


def field_agreement(gold: AcledGold, values: dict[str, Any], name: str) -> bool | None:
    """Whether one field of a predicted event agrees with the gold; None when not scored."""
    if name not in gold.fields:
        return None
    g = gold.values
    if name == "event_type" or name == "sub_event_type" or name == "geo_precision" or name == "inter1":
        return values.get(name) == g.get(name) if g.get(name) is not None else None
    if name in ("actor1", "actor2"):
        return actors_agree(g.get(name), values.get(name))
    if name == "country":
        iso3 = values.get("iso3") or (country_code(values["country"]) if values.get("country") else None)
        return iso3 == g["country"] if g.get("country") else None
    if name == "admin1":
        return admin1_agrees(g.get("admin1"), g.get("country"), values.get("admin1"))
    if name == "location":
        if g.get("latitude") is None or g.get("longitude") is None:
            return None
        lat, lon = values.get("latitude"), values.get("longitude")
        return (
            lat is not None
            and lon is not None
            and haversine_km(lat, lon, g["latitude"], g["longitude"]) <= LOCATION_KM
        )
    if name == "event_date":
        return _date_agrees(gold.event_date, values)
    if name == "fatalities":
        if not gold.fatalities_stated or g.get("fatalities") is None:
            return None
        return (values.get("fatalities") or 0) == g["fatalities"]
    raise ValueError(name)


def _swapped(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    out["actor1"], out["actor2"] = values.get("actor2"), values.get("actor1")
    out["inter1"], out["inter2"] = values.get("inter2"), values.get("inter1")
    return out


def compare(gold: AcledGold, values: dict[str, Any]) -> tuple[dict[str, bool | None], dict[str, Any]]:
    """Per-field agreement of one pair, and the values as compared. Sides of a battle are
    symmetric: the predicted actors may be either way round."""
    verdicts = {name: field_agreement(gold, values, name) for name in FIELDS}
    if gold.values.get("event_type") == "Battles":
        other = _swapped(values)
        alt = {name: field_agreement(gold, other, name) for name in ("actor1", "actor2", "inter1")}
        if sum(bool(v) for v in alt.values()) > sum(bool(verdicts[n]) for n in alt):
            verdicts.update(alt)
            values = other
    return verdicts, values


def pair_score(verdicts: dict[str, bool | None]) -> int:
    return sum(1 for v in verdicts.values() if v)


# -- pairing and counting --------------------------------------------------------------------------
def _days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    try:
        return abs((date.fromisoformat(str(a)[:10]) - date.fromisoformat(str(b)[:10])).days)
    except ValueError:
        return None


def _candidates(gold: AcledGold, predictions: Sequence[dict[str, Any]],
                by_article: dict[str, list[int]]) -> list[int]:  # fmt: skip
    if gold.article is not None:
        return by_article.get(gold.article, [])
    out = []
    g = gold.values
    for i, p in enumerate(predictions):
        apart = _days_apart(gold.event_date, p.get("event_date"))
        if apart is None or apart > DATE_DAYS:
            continue
        lat, lon = p.get("latitude"), p.get("longitude")
        if None in (lat, lon, g.get("latitude"), g.get("longitude")):
            continue
        if haversine_km(lat, lon, g["latitude"], g["longitude"]) <= PAIR_KM:
            out.append(i)
    return out


def pair(gold: Sequence[AcledGold], predictions: Sequence[dict[str, Any]]) -> dict[int, int]:
    """Gold row index -> prediction index, one to one, best agreement first.

    A prediction is a dict of event fields with `articles`: the keys of the articles it cites."""
    by_article: dict[str, list[int]] = {}
    for i, p in enumerate(predictions):
        for key in p.get("articles") or ():
            by_article.setdefault(key, []).append(i)
    scored = []
    for gi, g in enumerate(gold):
        for pi in _candidates(g, predictions, by_article):
            verdicts, _ = compare(g, predictions[pi])
            scored.append((pair_score(verdicts), gi, pi))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    taken: dict[int, int] = {}
    used: set[int] = set()
    for _s, gi, pi in scored:
        if gi not in taken and pi not in used:
            taken[gi] = pi
            used.add(pi)
    return taken


def _shown(value: Any) -> str:
    return NONE if value is None or value == "" else str(value)


def score_acled(gold: Sequence[AcledGold], predictions: Sequence[dict[str, Any]]) -> AcledReport:
    """Pair predictions with gold rows and count agreement per field."""
    report = AcledReport(rows=len(gold), disagreements={name: Counter() for name in FIELDS})
    # events beside the gold's articles: only those citing them, when every gold row names one
    articles = {g.article for g in gold if g.article} if all(g.article for g in gold) else set()
    report.predicted = sum(1 for p in predictions if not articles or set(p.get("articles") or ()) & articles)
    pairs = pair(gold, predictions)
    for gi, g in enumerate(gold):
        violent = g.values.get("event_type") in VIOLENT_TYPES
        report.violent_rows += violent
        pi = pairs.get(gi)
        values = predictions[pi] if pi is not None else {}
        report.confusion[(_shown(g.values.get("event_type")), _shown(values.get("event_type")))] += 1
        if pi is None:
            for name in FIELDS:
                if field_agreement(g, {}, name) is not None:
                    report.scored_all[name] += 1
            continue
        report.found += 1
        report.violent_found += violent
        verdicts, values = compare(g, values)
        for name, ok in verdicts.items():
            if ok is None:
                continue
            report.scored[name] += 1
            report.scored_all[name] += 1
            report.right[name] += ok
            if not ok:
                report.disagreements[name][_disagreement(g, values, name)] += 1
    return report


def _disagreement(gold: AcledGold, values: dict[str, Any], name: str) -> tuple[str, str]:
    g = gold.values
    if name == "location":
        lat, lon = values.get("latitude"), values.get("longitude")
        far = (
            f"{haversine_km(lat, lon, g['latitude'], g['longitude']):.0f} km"
            if lat is not None and lon is not None
            else "no point"
        )
        return (_shown(g.get("location")), f"{_shown(values.get('location'))} ({far})")
    if name == "country":
        return (_shown(g.get("country")), _shown(values.get("iso3") or values.get("country")))
    if name == "fatalities":
        return (_shown(g.get("fatalities")), _shown(values.get("fatalities") or 0))
    if name == "event_date":
        return (_shown(gold.event_date), _shown(values.get("event_date")))
    return (_shown(g.get(name)), _shown(values.get(name)))


# -- printing --------------------------------------------------------------------------------------
def figure_rows(report: AcledReport, targets: dict[str, float] | None = None,
                before: dict[str, float] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The per-field table: agreement on found rows and on all rows, beside targets and a
    previous run's figures when given."""
    figs = report.figures()
    targets, before = targets or {}, before or {}
    rows = []
    for name in ("detection", "violent_detection", *FIELDS):
        if name not in figs:
            continue
        label = LABELS.get(name, name.replace("_", " "))
        rows.append({
            "field": label,
            "found": figs[name],
            "all": figs.get(name + "_all", figs[name]),
            "n": report.scored[name] if name in FIELDS else (
                report.violent_rows if name == "violent_detection" else report.rows),
            "before": before.get(name),
            "target": targets.get(name),
        })  # fmt: skip
    return rows


def confusion_rows(report: AcledReport) -> list[dict[str, Any]]:
    gold_types = sorted({g for g, _ in report.confusion})
    pred_types = sorted({p for _, p in report.confusion})
    return [{"gold": g, **{p: report.confusion.get((g, p), 0) for p in pred_types}} for g in gold_types]


def top_disagreements(report: AcledReport, name: str, n: int = 20) -> list[tuple[tuple[str, str], int]]:
    return report.disagreements.get(name, Counter()).most_common(n)


def predictions_from_events(
    events: Iterable[Event], key_of_article: dict[str, str | Sequence[str]]
) -> list[dict[str, Any]]:
    """Fused events as predictions: their fields, and the keys of the articles they cite (an
    article may answer to several keys: its id, the input's own id, its address)."""
    out = []
    for ev in events:
        values = ev.to_dict()
        keys: list[str] = []
        for src in values.get("sources") or ():
            found = key_of_article.get(src.get("article_id", "")) or ()
            for key in [found] if isinstance(found, str) else found:
                if key and key not in keys:
                    keys.append(key)
        values["articles"] = keys
        out.append(values)
    return out


__all__ = [
    "AcledGold", "AcledReport", "FIELDS", "VIOLENT_TYPES", "compare", "confusion_rows", "figure_rows",
    "gold_from_row", "pair", "parse_acled_date", "predictions_from_events", "read_acled_csv",
    "score_acled", "top_disagreements",
]  # fmt: skip

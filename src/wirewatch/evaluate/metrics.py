"""Match predicted events to gold events and count per-field agreement.

Matching: a predicted event is a candidate for a gold event when one of its source
articles is one of the gold event's sources. Candidates are scored by how many fields
agree; pairs are taken greedily, best first, one to one.

Counting (slot-filling style): for each field a gold event constrains, a matched
prediction with the right value is a true positive; a wrong value is both a false positive
and a false negative; no value is a false negative. An unmatched required gold event is a
false negative for every field it constrains; an unmatched prediction (an extra event) is a
false positive for every field it fills. Predictions that only code an `optional_event` are
neither rewarded nor punished; those that code a `not_event` are extras and are also listed.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pycountry

from wirewatch.evaluate.gold import Gold, GoldEvent, GoldText
from wirewatch.evaluate.report import EvalReport, FieldScore, NotEventHit
from wirewatch.records import Event, EventMention
from wirewatch.resolve.geo import haversine_km

if TYPE_CHECKING:  # pragma: no cover
    from wirewatch.store import Store

# Fields scored, in the order the report prints them. "found" is the event itself.
SCORED_FIELDS = (
    "event_type", "sub_event_type", "actor1", "actor2", "country", "admin1", "location",
    "event_date", "fatalities",
)  # fmt: skip
LOCATION_KM = 25.0
PREDICTED_FIELDS = (
    "event_type", "sub_event_type", "actor1", "actor2", "country", "iso3", "admin1", "location",
    "latitude", "longitude", "event_date", "date_low", "date_high", "time_precision", "fatalities",
)  # fmt: skip
# Words that name the kind of an admin unit rather than the unit ("Anbar province").
_ADMIN_WORDS = {
    "province", "governorate", "state", "region", "district", "oblast", "krai", "department",
    "division", "territory", "county", "prefecture", "muhafazat", "wilayah", "city", "kray",
}  # fmt: skip
_ARTICLES = {"al", "el", "an", "ar", "as", "ad", "ash", "the"}


@dataclass(slots=True)
class Prediction:
    """One predicted event as the evaluation sees it."""

    pred_id: str
    values: dict[str, Any]
    articles: list[str]  # gold keys (file names) of the articles it came from
    sentences: list[str] = field(default_factory=list)
    span_texts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"pred_id": self.pred_id, "articles": self.articles, **self.values}


# -- reading predictions ---------------------------------------------------------------------------
def gold_key_for(source: str | None, keys: Iterable[str]) -> str | None:
    """The gold key a stored article's source names: the source ends with the key (file name)."""
    if not source:
        return None
    keys = keys if isinstance(keys, set | frozenset | dict) else set(keys)
    base = re.split(r"[/\\]", source)[-1]
    if base in keys:
        return base
    for key in sorted(keys, key=len, reverse=True):
        if source.endswith(key):
            head = source[: -len(key)]
            if not head or head[-1] in "/\\:":
                return key
    return None


def _values(record: Event | EventMention) -> dict[str, Any]:
    return {name: getattr(record, name, None) for name in PREDICTED_FIELDS}


def predictions_from_records(
    events: Sequence[Event], mentions: Sequence[EventMention], sources: dict[str, str], keys: Iterable[str],
) -> list[Prediction]:  # fmt: skip
    """Predictions from fused events, or from mentions (one event each) when there are no events.

    `sources` maps article_id -> Article.source; `keys` are the gold's article file names.
    """
    keys = set(keys)
    key_of = {aid: gold_key_for(src, keys) for aid, src in sources.items()}
    by_mention = {m.mention_id: m for m in mentions}
    out: list[Prediction] = []
    if events:
        for ev in events:
            arts, sentences, spans = [], [], []
            for src in ev.sources:
                key = key_of.get(src.article_id)
                if key and key not in arts:
                    arts.append(key)
                m = by_mention.get(src.mention_id or "")
                if m is not None:
                    sentences.append(m.sentence)
                    spans.extend(s.text for s in m.spans)
                spans.extend(s.text for s in src.spans if s.text)
            out.append(Prediction(ev.event_id, _values(ev), arts, sentences, spans))
        return out
    for m in mentions:
        key = key_of.get(m.article_id)
        out.append(
            Prediction(
                m.mention_id, _values(m), [key] if key else [], [m.sentence], [s.text for s in m.spans]
            )
        )
    return out


def predictions_from_store(store: Store, gold: Gold) -> list[Prediction]:
    sources = {a.article_id: a.source for a in store.iter_articles()}
    events = list(store.iter_events())
    mentions = list(store.iter_mentions())
    return predictions_from_records(events, mentions, sources, gold.article_keys())


# -- comparing values --------------------------------------------------------------------------------
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def norm(text: Any, *, drop_parens: bool = False) -> str:
    """Lowercase, accents and apostrophes gone, punctuation to spaces."""
    s = _fold(str(text)).lower()
    if drop_parens:
        s = re.sub(r"\([^)]*\)", " ", s)
    else:
        s = re.sub(r"\([^)]*\d[^)]*\)", " ", s)  # "(2014-)" period suffixes of ACLED actor names
    s = re.sub(r"['’‘`ʼ]", "", s)
    s = re.sub(r"[^a-z0-9()]+", " ", s)
    return " ".join(s.split())


def _place_norm(text: Any) -> str:
    words = norm(text, drop_parens=True).split()
    while words and words[0] in _ARTICLES and len(words) > 1:
        words = words[1:]
    kept = [w for w in words if w not in _ADMIN_WORDS] or words
    return " ".join(kept).replace(" ", "")


def options(constraint: Any) -> list[Any]:
    if isinstance(constraint, dict) and "any_of" in constraint:
        return list(constraint["any_of"])
    return [constraint]


def _text_ok(constraint: Any, value: Any, normalise: Any = norm) -> bool:
    opts = [o for o in options(constraint) if o is not None]
    return normalise(value) in {normalise(o) for o in opts}


def actor_ok(constraint: Any, value: Any) -> bool:
    if value is None:
        return False
    if _text_ok(constraint, value):
        return True
    # "Civilians (Iraq)" vs "Civilians", "Islamic State (Syria)" vs "Islamic State"
    return _text_ok(constraint, value, functools.partial(norm, drop_parens=True))


@functools.lru_cache(maxsize=512)
def country_code(name: str) -> str | None:
    """ISO alpha-3 for a country name, offline through pycountry (None when unknown)."""
    text = name.strip()
    if not text:
        return None
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        pass
    try:
        hits = pycountry.countries.search_fuzzy(text)
    except LookupError:
        return None
    return hits[0].alpha_3 if hits else None


def country_ok(constraint: Any, value: Any, iso3: Any = None) -> bool:
    opts = options(constraint)
    if value is None and iso3 is None:
        return None in opts
    names = [o for o in opts if o is not None]
    if value is not None and names and _text_ok({"any_of": names}, value):
        return True
    codes = {country_code(str(o)) for o in names} - {None}
    mine = {str(iso3).upper()} if iso3 else set()
    if value is not None:
        mine.add(country_code(str(value)) or "")
    return bool(codes & mine)


def _in_range(constraint: dict[str, Any], value: Any) -> bool:
    try:
        return constraint["low"] <= value <= constraint["high"]
    except TypeError:
        return False


def date_ok(constraint: Any, value: Any) -> bool:
    if value is None:
        return False
    day = str(value)[:10]
    if isinstance(constraint, dict) and "low" in constraint:
        return _in_range({"low": str(constraint["low"])[:10], "high": str(constraint["high"])[:10]}, day)
    return day in {str(o)[:10] for o in options(constraint) if o is not None}


def fatalities_ok(constraint: Any, value: Any) -> bool:
    if constraint is None:
        return value in (None, 0)
    if isinstance(constraint, dict) and "low" in constraint:
        number = 0 if value is None and constraint["low"] == 0 else value
        return number is not None and _in_range(constraint, number)
    return value is not None and value in options(constraint)


def _nearest_in(constraint: Any, value: float) -> float | None:
    """The point of a gold coordinate constraint closest to `value` (clamped into its range)."""
    if isinstance(constraint, dict) and "low" in constraint:
        return min(max(value, constraint["low"]), constraint["high"])
    opts = [o for o in options(constraint) if isinstance(o, int | float)]
    return min(opts, key=lambda o: abs(o - value)) if opts else None


def location_verdict(fields: dict[str, Any], values: dict[str, Any]) -> str | None:
    """ok / wrong / missing for the place, or None when the gold says nothing about it."""
    has_coords = "latitude" in fields and "longitude" in fields
    has_names = "location" in fields and any(o is not None for o in options(fields["location"]))
    if not has_coords and not has_names:
        return None
    lat, lon, name = values.get("latitude"), values.get("longitude"), values.get("location")
    if has_coords and lat is not None and lon is not None:
        glat, glon = _nearest_in(fields["latitude"], lat), _nearest_in(fields["longitude"], lon)
        if glat is not None and glon is not None:
            return "ok" if haversine_km(lat, lon, glat, glon) <= LOCATION_KM else "wrong"
    if name is None:
        return "missing"
    if has_names and _text_ok(fields["location"], name, _place_norm):
        return "ok"
    return "wrong"


def _admin_ok(constraint: Any, value: Any) -> bool:
    return value is not None and _text_ok(constraint, value, _place_norm)


def field_verdict(gold: GoldEvent, values: dict[str, Any], name: str, *, swap: bool = False) -> str | None:
    """ok / wrong / missing for one field of one matched pair; None when the gold is silent."""
    f = gold.fields
    if name == "location":
        return location_verdict(f, values)
    if name not in f:
        return None
    constraint = f[name]
    if name in ("actor1", "actor2") and swap:
        value = values.get("actor2" if name == "actor1" else "actor1")
    else:
        value = values.get(name)
    if name == "country":
        if country_ok(constraint, value, values.get("iso3")):
            return "ok"
        return "missing" if value is None and values.get("iso3") is None else "wrong"
    if name == "fatalities":
        if fatalities_ok(constraint, value):
            return "ok"
        return "missing" if value is None else "wrong"
    if name == "event_date":
        value = value or values.get("date_low")
        if date_ok(constraint, value):
            return "ok"
        return "missing" if value is None else "wrong"
    if constraint is None:  # the gold says: no value
        return "ok" if value is None else "wrong"
    if value is None:
        return "missing"
    if name in ("actor1", "actor2"):
        return "ok" if actor_ok(constraint, value) else "wrong"
    if name == "admin1":
        return "ok" if _admin_ok(constraint, value) else "wrong"
    return "ok" if _text_ok(constraint, value) else "wrong"


def _battle(gold: GoldEvent) -> bool:
    return any(norm(o) == "battles" for o in options(gold.fields.get("event_type")) if o is not None)


def verdicts(gold: GoldEvent, values: dict[str, Any]) -> dict[str, str | None]:
    """Per-field verdicts; for Battles the actor order may be either way round (sides are symmetric)."""
    out = {name: field_verdict(gold, values, name) for name in SCORED_FIELDS}
    if _battle(gold):
        swapped = {n: field_verdict(gold, values, n, swap=True) for n in ("actor1", "actor2")}
        if sum(v == "ok" for v in swapped.values()) > sum(out[n] == "ok" for n in ("actor1", "actor2")):
            out.update(swapped)
    return out


def match_score(v: dict[str, str | None]) -> int:
    """How well a pair agrees; country alone (same article, same country) is not enough."""
    return sum(1 for name, verdict in v.items() if verdict == "ok" and name != "country")


# -- text overlap for not_events / optional_events ------------------------------------------------
def _flat(text: str) -> str:
    return " ".join(_fold(text).lower().replace("’", "'").replace("“", '"').replace("”", '"').split())


def text_overlaps(gold_text: str, pred: Prediction) -> bool:
    """The prediction's sentence (or a span of it) holds the gold text, or lies inside it."""
    parts = [p for p in (_flat(x) for x in re.split(r"\s*\.\.\.\s*|…", gold_text)) if len(p) >= 4]
    if not parts:
        return False
    whole = _flat(gold_text)
    for sentence in pred.sentences:
        s = _flat(sentence)
        if not s:
            continue
        if all(p in s for p in parts) or (len(s) >= 20 and s in whole):
            return True
    return any(len(t) >= 12 and _flat(t) in whole for t in pred.span_texts)


def _applies(item: GoldText, pred: Prediction) -> bool:
    return not item.sources or bool(set(item.sources) & set(pred.articles))


# -- scoring ---------------------------------------------------------------------------------------------
def score(gold: Gold, predictions: Sequence[Prediction]) -> EvalReport:
    keys = gold.article_keys()
    preds = [p for p in predictions if set(p.articles) & keys]  # only articles the gold speaks about
    pairs: list[tuple[int, bool, int, int, dict[str, str | None]]] = []
    for gi, g in enumerate(gold.events):
        src = set(g.sources)
        for pi, p in enumerate(preds):
            if not src & set(p.articles):
                continue
            v = verdicts(g, p.values)
            s = match_score(v)
            if s > 0:
                pairs.append((s, g.required, gi, pi, v))
    pairs.sort(key=lambda t: (-t[0], not t[1], t[2], t[3]))
    gold_match: dict[int, tuple[int, dict[str, str | None]]] = {}
    pred_taken: set[int] = set()
    for _s, _req, gi, pi, v in pairs:
        if gi in gold_match or pi in pred_taken:
            continue
        gold_match[gi] = (pi, v)
        pred_taken.add(pi)

    counts = {name: [0, 0, 0] for name in ("found", *SCORED_FIELDS)}  # tp, fp, fn
    details = []
    for gi, g in enumerate(gold.events):
        if gi in gold_match:
            pi, v = gold_match[gi]
            counts["found"][0] += 1
            for name, verdict in v.items():
                if verdict == "ok":
                    counts[name][0] += 1
                elif verdict == "wrong":
                    counts[name][1] += 1
                    counts[name][2] += 1
                elif verdict == "missing":
                    counts[name][2] += 1
            details.append({"key": g.key, "required": g.required, "found": True, "prediction": preds[pi].pred_id,
                            "fields": {k: x for k, x in v.items() if x is not None}})  # fmt: skip
        elif g.required:
            counts["found"][2] += 1
            for name in SCORED_FIELDS:
                if field_verdict(g, {}, name) is not None:
                    counts[name][2] += 1
            details.append({"key": g.key, "required": True, "found": False, "prediction": None, "fields": {}})
        else:
            details.append(
                {"key": g.key, "required": False, "found": False, "prediction": None, "fields": {}}
            )

    extras: list[str] = []
    hits: list[NotEventHit] = []
    optional_hits = 0
    for pi, p in enumerate(preds):
        if pi in pred_taken:
            continue
        bad = [n for n in gold.not_events if _applies(n, p) and text_overlaps(n.text, p)]
        for n in bad:
            hits.append(NotEventHit(n.text, p.pred_id, p.articles[0] if p.articles else None))
        if not bad and any(_applies(o, p) and text_overlaps(o.text, p) for o in gold.optional_events):
            optional_hits += 1
            continue
        extras.append(p.pred_id)
        counts["found"][1] += 1
        for name in SCORED_FIELDS:
            if _fills(p.values, name):
                counts[name][1] += 1

    rows = [FieldScore(name, *counts[name]) for name in ("found", *SCORED_FIELDS)]
    coded = {h.text for h in hits}
    return EvalReport(
        gold_path=gold.path, fields=rows,
        gold_events=len(gold.events), required_events=sum(g.required for g in gold.events),
        predicted_events=len(preds), matched=len(gold_match), extra_events=len(extras),
        optional_events_coded=optional_hits, not_events=len(gold.not_events), not_events_coded=len(coded),
        not_event_hits=hits, events=details,
    )  # fmt: skip


def story_pairs(gold: Gold, story_of: dict[str, str | None]) -> FieldScore | None:
    """Pairwise agreement on which gold articles are copies of one story.

    `story_of` maps gold article keys to the story id the system gave them. Articles the gold
    lists in no story are stories of their own. None when the gold lists no stories.
    """
    if not gold.stories:
        return None
    gold_story: dict[str, int] = {}
    for i, st in enumerate(gold.stories):
        for m in st["members"]:
            gold_story[m] = i
    keys = sorted(k for k in gold.article_keys() if k in story_of)
    row = FieldScore("stories")
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            same_gold = a in gold_story and gold_story.get(a) == gold_story.get(b)
            same_pred = story_of[a] is not None and story_of[a] == story_of[b]
            if same_gold and same_pred:
                row.tp += 1
            elif same_pred:
                row.fp += 1
            elif same_gold:
                row.fn += 1
    return row


def stories_from_store(store: Store, gold: Gold) -> dict[str, str | None]:
    keys = gold.article_keys()
    out: dict[str, str | None] = {}
    for a in store.iter_articles():
        key = gold_key_for(a.source, keys)
        if key is not None:
            out[key] = a.story_id
    return out


def _fills(values: dict[str, Any], name: str) -> bool:
    if name == "location":
        return values.get("location") is not None or values.get("latitude") is not None
    if name == "fatalities":
        return bool(values.get("fatalities"))
    if name == "country":
        return values.get("country") is not None or values.get("iso3") is not None
    return values.get(name) is not None

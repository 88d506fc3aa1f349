"""Article -> EventMention list: typed, located, dated, with the words behind every field.

Steps: split sentences (rules) -> trigger pre-filter (regex lexicons) -> modality and
non-event filters -> spaCy parse of the surviving sentences only -> per-sentence event
groups with actors, place, date and tolls -> article-level merging of sentences that
describe the same event ("the strike", same toll, same place) -> one EventMention each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from wirewatch.config import ExtractOptions
from wirewatch.extract.actors import ActorChoice, find_roles
from wirewatch.extract.case import one_case, recase
from wirewatch.extract.lexicon import alternation, load
from wirewatch.extract.modality import apply_modality, sentence_modality
from wirewatch.extract.nlp import get_nlp
from wirewatch.extract.places import PlaceChoice, place_candidates
from wirewatch.extract.sentences import Sentence, split_sentences
from wirewatch.extract.tolls import Toll, find_tolls
from wirewatch.extract.triggers import (
    Trigger,
    article_subjects,
    drop_for_subjects,
    find_triggers,
    has_trigger,
    raw_triggers,
)
from wirewatch.extract.victims import Victim, find_victim
from wirewatch.records import Article, EventMention, Span, content_id
from wirewatch.resolve.actors import load_actor_dictionary, state_forces
from wirewatch.resolve.countries import country_table
from wirewatch.resolve.dates import DateWindow, find_date_expressions, resolve_date
from wirewatch.resolve.places import Place, resolve_place

EXTRACTOR_VERSION = "wirewatch-extract/0.7"

# Relative dates are compared between mentions even without a publication date, by
# resolving them against this arbitrary base; such dates are never emitted.
_COMPARE_BASE = "2001-06-15"
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w.'’ -]{1,40}?)(?:,\s*[A-Z][\w'’ -]{2,30}?)?(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?::|--|—|–|\s-)\s+"
)
_DATELINE_NO_COLON = re.compile(
    r"^(?P<place>[A-Z][\w.'’ -]{1,40}?),\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s+(?=[A-Z\"“])"
)


@dataclass(slots=True)
class DateChoice:
    window: DateWindow | None
    compare: tuple[str, str] | None  # (low, high) for merging decisions
    expression: str
    start: int
    end: int
    soft: bool
    sent: Any = None  # the Sentence the expression is in (a borrowed date's span points there)


@dataclass(slots=True)
class Group:
    """The triggers of one event in one sentence, and the facts attached to them."""

    sent: Sentence
    triggers: list[Trigger]
    modality: str
    tolls: list[Toll] = field(default_factory=list)
    places: list[PlaceChoice] = field(default_factory=list)
    date: DateChoice | None = None
    actor1: ActorChoice | None = None
    actor2: ActorChoice | None = None
    victim: Victim | None = None  # armed people hit (soldiers, police, guards, militants)
    anaphoric: bool = False
    after_separator: bool = False  # split from an earlier event by "after", "in response to", ...
    backref: bool = False  # named in passing after "after", "since", ...
    definite: bool = False  # "the strike ...": refers back, even with new facts
    date_borrowed: bool = False

    @property
    def start(self) -> int:
        return self.triggers[0].start

    @property
    def end(self) -> int:
        return self.triggers[-1].end

    def place(self) -> PlaceChoice | None:
        """The best-attached place: resolved ones need a positive score, unresolved words a
        locative preposition ("in X")."""
        usable = [p for p in self.places if (p.score > 0.5 if p.place is not None else p.score >= 1.5)]
        return max(usable, key=lambda p: p.score) if usable else None

    def iso3(self) -> str | None:
        p = self.place()
        return p.place.iso3 if p is not None and p.place is not None else None

    def fatality(self) -> Toll | None:
        tolls = [t for t in self.tolls if t.field == "fatalities"]
        if not tolls:
            return None
        strong = [t for t in tolls if not t.weak and not t.vague]
        return (strong or tolls)[0]


@dataclass(slots=True)
class Cluster:
    groups: list[Group] = field(default_factory=list)


@cache
def _coref() -> dict[str, Any]:
    data = load("coref")
    return {
        "sep": re.compile(
            r"(?<![\w-])(?:" + alternation([re.escape(s) for s in data["separators"]]) + r")(?![\w-])", re.I
        ),
        "det": set(data["anaphor_determiners"]),
        "heads": set(data["anaphor_heads"]),
        "anaphor_np": re.compile(
            r"\b(?:"
            + "|".join(data["anaphor_determiners"])
            + r")\s+(?:[\w-]+\s+){0,2}?(?:"
            + "|".join(data["anaphor_heads"])
            + r")\b",
            re.I,
        ),
        "backref": re.compile(
            r"(?:"
            + alternation([re.escape(w) for w in data["back_reference_separators"]["words"]])
            + r")\s+(?:\S+\s+){0,4}$",
            re.I,
        ),
        "soft": re.compile(r"\b(?:" + "|".join(data["soft_date_expressions"]["patterns"]) + r")\b", re.I),
        "gap": int(data["max_date_gap_days"]),
        "cause": {
            "sep": re.compile(
                r"\s*,?\s*(?:"
                + alternation([re.escape(w) for w in data["casualty_cause"]["separators"]])
                + r")\s+(?:[\w'’-]+\s+){0,4}",
                re.I,
            ),
            "kinds": set(data["casualty_cause"]["cause_kinds"]),
        },
        "kind_rank": data["context_place_kinds_rank"],
    }


@cache
def _sub_types() -> dict[str, dict[str, str]]:
    return load("event_types")["sub_event_types"]


@cache
def _protest_modifiers() -> list[tuple[str, re.Pattern[str]]]:
    mods = load("triggers")["protest_modifiers"]
    out = []
    for sub in ("Excessive force against protesters", "Protest with intervention"):
        out.append((sub, re.compile(r"\b(?:" + alternation(mods[sub]) + r")\b", re.I)))
    return out


@cache
def _riot_patterns() -> re.Pattern[str]:
    return re.compile(
        r"\b(?:" + alternation(load("triggers")["riot_from_protest"]["patterns"]) + r")\b", re.I
    )


def _strip_dateline(s: Sentence, article: Article) -> int:
    """Characters at the start of the article's first sentence that are its dateline."""
    if s.index > 1:
        return 0
    m = _DATELINE.match(s.text) or _DATELINE_NO_COLON.match(s.text)
    if not m:
        return 0
    place = m.group("place").strip()
    if article.dateline_place and place.lower() != article.dateline_place.lower() and len(place.split()) > 3:
        return 0
    return m.end()


def _group_triggers(sentence: str, triggers: list[Trigger], modality: str, s: Sentence) -> list[Group]:
    groups: list[Group] = []
    sep = _coref()["sep"]
    for t in triggers:
        if groups:
            g = groups[-1]
            prev = g.triggers[-1]
            between = sentence[prev.end : t.start]
            same_family = (t.kind == "strategic") == (prev.kind == "strategic") and not (
                t.kind == "strategic" and t.sub_event_type != prev.sub_event_type
            )
            if same_family and not sep.search(between):
                g.triggers.append(t)
                continue
            cause = _coref()["cause"]
            if (
                t.kind in cause["kinds"]
                and all(x.kind == "casualty" for x in g.triggers)
                and cause["sep"].fullmatch(between)
            ):
                g.triggers.append(t)  # "14 dead after a bomber struck": the toll of that attack
                continue
        g = Group(s, [t], modality, after_separator=bool(groups))
        g.backref = bool(_coref()["backref"].search(sentence[max(0, t.start - 60) : t.start]))
        groups.append(g)
    return groups


def _attach(groups: list[Group], pos: int) -> Group:
    """The group an item at `pos` belongs to: the nearest trigger group at or before it,
    else the first group after it."""
    best = None
    for g in groups:
        if g.start <= pos:
            best = g
    return best or groups[0]


def _resolve_dates(expr: str, published_at: str | None) -> tuple[Any, tuple[str, str] | None]:
    window = resolve_date(expr, published_at) if published_at else None
    cmp_window = resolve_date(expr, published_at or _COMPARE_BASE)
    compare = None
    if cmp_window is not None and cmp_window.date_low and cmp_window.date_high:
        compare = (cmp_window.date_low, cmp_window.date_high)
    return window, compare


# what an event left behind: "nine were killed and houses were burned" tells more of the event before
_FOLLOW_UP_KINDS = ("casualty", "damage", "arson", "looting")


def _is_anaphoric(g: Group) -> bool:
    text = g.sent.text
    first = g.triggers[0]
    words_before = re.findall(r"[\w'’-]+", text[max(0, first.start - 30) : first.start].lower())
    det = _coref()["det"]
    has_facts = bool(g.place() or g.date or [t for t in g.tolls if not t.weak] or (g.actor1 and g.actor2))
    if has_facts:
        return False
    if words_before and (words_before[-1] in det or (len(words_before) > 1 and words_before[-2] in det)):
        return True
    if _coref()["anaphor_np"].search(text[: g.end]):
        return True  # "The colonel died in the raid"
    return all(t.kind in _FOLLOW_UP_KINDS for t in g.triggers) or not (g.actor1 or g.actor2 or g.tolls)


def _days(d: str) -> int:
    return date.fromisoformat(d[:10]).toordinal()


def _cluster_value(c: Cluster, getter: Any) -> Any:
    for g in c.groups:
        v = getter(g)
        if v is not None:
            return v
    return None


def _family(g: Group) -> str | None:
    subs = [t for t in g.triggers if t.sub_event_type]
    if not subs:
        return None
    best = max(subs, key=lambda t: t.rank)
    if best.rank <= 12:
        return None  # a bare strike or attack: any violent family
    return _sub_types()[best.sub_event_type]["event_type"]  # type: ignore[index]


def _strategic(g: Group) -> bool:
    return all(t.kind == "strategic" for t in g.triggers)


def _compare(c: Cluster, g: Group) -> int | None:
    """Agreement score between an event so far and a new group; None when they conflict."""
    score = 0
    gi = g.iso3()
    c_isos = {x.iso3() for x in c.groups if x.iso3()}
    if gi and c_isos:
        if gi not in c_isos:
            return None
        score += 1
        gp, names = g.place(), {x.place().text.lower() for x in c.groups if x.place()}
        if gp is not None and gp.text.lower() in names:
            score += 1
    elif not g.place() and c.groups[-1].sent.paragraph == g.sent.paragraph:
        score += 1  # a sentence with no place of its own continues its paragraph's event
    if _strategic(g) != all(_strategic(x) for x in c.groups):
        return None  # an arrest or a truce is never the same event as an attack
    gf = _family(g)
    c_fams = {_family(x) for x in c.groups} - {None}
    if gf and c_fams and gf not in c_fams:
        if "Strategic developments" in c_fams | {gf}:
            return None
    gt = g.fatality()
    for x in c.groups:
        xt = x.fatality()
        if gt and xt and not gt.weak and not xt.weak and not gt.vague and not xt.vague:
            if gt.best != xt.best:
                return None
            score += 2
    ga = g.actor1.name if g.actor1 else None
    c_a1 = {x.actor1.name for x in c.groups if x.actor1}
    if ga and c_a1:
        # a different actor lowers the score but does not veto: parses mislabel reporters as actors
        score += 1 if ga in c_a1 else -1
    if g.date and g.date.compare:
        gap = _coref()["gap"]
        for x in c.groups:
            if x.date and x.date.compare and not x.date_borrowed and not g.date_borrowed:
                lo, hi = g.date.compare
                xlo, xhi = x.date.compare
                apart = max(_days(lo) - _days(xhi), _days(xlo) - _days(hi))
                if apart > gap:
                    if not (g.date.soft or x.date.soft):
                        return None
                else:
                    score += 2 if g.date.expression.lower() == x.date.expression.lower() else 1
    return score


def _merge_into(clusters: list[Cluster], g: Group) -> None:
    best: tuple[int, int] | None = None
    for idx in range(len(clusters) - 1, -1, -1):
        s = _compare(clusters[idx], g)
        if s is None:
            continue
        recency = idx
        casualty_only = all(t.kind in _FOLLOW_UP_KINDS for t in g.triggers) and not g.actor1
        if g.anaphoric or (g.definite and not g.place()) or (casualty_only and not g.place()):
            need = 0  # "the strike ...", "eight were injured": more about the event just reported
        elif g.definite or not g.place():
            need = 1
        else:
            need = 2
        if s >= need and (best is None or s > best[0] or (s == best[0] and recency > best[1])):
            best = (s, recency)
        if g.anaphoric and best is not None:
            break  # "the strike": the most recent compatible event
    if best is not None:
        clusters[best[1]].groups.append(g)
    elif (
        clusters
        and g.modality in ("claimed", "alleged")
        and not g.place()
        and (g.date is None or g.date_borrowed)
    ):
        return  # a side's unverified counter-claim ("only four of its men died") about the event so far
    elif not g.anaphoric or not clusters:
        clusters.append(Cluster([g]))  # "a shoot-out broke out" with nothing before it: the event itself


def _sub_event(c: Cluster, title_sub: str | None, is_lead: bool, dominant: list[str]) -> str | None:
    triggers = [t for g in c.groups for t in g.triggers if t.sub_event_type]
    best = max(triggers, key=lambda t: t.rank) if triggers else None
    if best is not None and best.rank > 12:
        sub = best.sub_event_type
    elif is_lead and title_sub:
        sub = title_sub
    elif best is not None:
        sub = best.sub_event_type
    else:
        sub = None
    if sub is None and _property_only(c):
        sub = "Looting/property destruction"  # a fire set on purpose that hurt nobody
    if sub is None:
        a1 = _cluster_value(c, lambda g: g.actor1)
        a2 = _cluster_value(c, lambda g: g.actor2)
        iso = _cluster_value(c, lambda g: g.iso3()) or (dominant[0] if dominant else None)
        armed_target = (a2 is not None and a2.inter in (1, 2, 3, 4, 8)) or (
            a2 is None and _cluster_value(c, lambda g: g.victim) is not None
        )
        foreign = a1 is not None and a1.inter == 1 and a1.iso3 and iso and a1.iso3 != iso
        if foreign and not _guns_fired(c):
            sub = "Air/drone strike"  # foreign state forces killing abroad, no fighting told: remote violence
        elif armed_target and (a1 is None or a1.inter in (1, 2, 3, 4, 8)):
            sub = "Armed clash"  # soldiers, police or fighters hit: a fight, not an attack on civilians
        else:
            sub = "Attack"
    elif sub in _DIRECT_FIRE_OVERRIDES and _direct_fire(c):
        sub = "Armed clash"  # small arms at an armed side's positions, with heavier weapons too
    if sub in ("Armed clash", "Attack") and _crowd_acting(c):
        sub = "Violent demonstration" if _demonstrating(c) else "Mob violence"
    if sub == "Peaceful protest":
        text = " ".join(g.sent.text for g in c.groups)
        if _riot_patterns().search(text):
            return "Violent demonstration"
        for name, rx in _protest_modifiers():
            if rx.search(text):
                return name
    return sub


_DIRECT_FIRE_OVERRIDES = {"Grenade", "Shelling/artillery/missile attack"}


@cache
def _direct_fire_words() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + alternation(load("triggers")["direct_fire"]["patterns"]) + r")\b", re.I)


def _guns_fired(c: Cluster) -> bool:
    return any(_direct_fire_words().search(g.sent.text) for g in c.groups)


def _direct_fire(c: Cluster) -> bool:
    """Guns fired at an armed side: an armed clash even when launchers or mortars join in."""
    armed = any(g.victim or (g.actor2 and g.actor2.inter in (1, 2, 3, 4)) for g in c.groups)
    return armed and _guns_fired(c)


@cache
def _crowd_words() -> re.Pattern[str]:
    nouns = load("actor_roles")["crowds"]["nouns"]
    return re.compile(r"(?<![\w-])(?:" + alternation(nouns) + r")(?![\w-])", re.I)


_ORGANISED = (1, 2, 3, 4, 8)


def _crowd_acting(c: Cluster) -> bool:
    """Unorganised people (youths, residents, prisoners, a mob) who fight or attack: a riot.
    The actor is the parsed actor1, else the words before the first trigger (not a passive
    subject, which is the victim)."""
    for g in c.groups:
        a1 = g.actor1
        if a1 is not None:
            if a1.inter in _ORGANISED:
                return False
            if a1.inter in (5, 6):
                return True
    g = c.groups[0]
    before = g.sent.text[: g.start]
    clause = (
        before[max(before.rfind(x) for x in ",;:") + 1 :]
        if not re.search(r"^\W*(?:on|in|around)\b", before, re.I)
        else before
    )
    if re.search(r"\b(?:was|were|been|being)\s+(?:\w+ly\s+)?$", before):
        return False
    return bool(_crowd_words().search(clause or before))


def _demonstrating(c: Cluster) -> bool:
    kinds = {t.kind for g in c.groups for t in g.triggers}
    text = " ".join(g.sent.text for g in c.groups)
    return "protest" in kinds or "riot" in kinds or bool(re.search(r"\b(?:demonstrat|protest)", text, re.I))


def _property_only(c: Cluster) -> bool:
    """Arson or damage with no attack, fight or casualty word and nobody hurt."""
    kinds = {t.kind for g in c.groups for t in g.triggers}
    hurt = any(t.best for g in c.groups for t in g.tolls)
    return "arson" in kinds and kinds <= {"arson", "damage", "casualty"} and not hurt


def _title_sub(title: str | None) -> str | None:
    if not title:
        return None
    triggers = [
        t for t in find_triggers(title) if not t.dropped and t.sub_event_type and t.kind == "instrument"
    ]
    return max(triggers, key=lambda t: t.rank).sub_event_type if triggers else None


def _span(fieldname: str, s: Sentence, start: int, end: int) -> Span:
    return Span(fieldname, s.start + start, s.start + end, s.text[start:end])


def _interaction(i1: int | None, i2: int | None) -> int | None:
    if i1 is None:
        return None
    if i2 is None:
        return 10 * i1
    return 10 * min(i1, i2) + max(i1, i2)


_PART_OF = re.compile(r"^(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s+of\s+(?P<place>[A-Z].*)$")


@cache
def _place_words() -> tuple[re.Pattern[str], frozenset[str]]:
    data = load("places")
    leading = re.compile(rf"^(?:(?:{alternation(data['leading_words'])})\s+)+", re.IGNORECASE)
    return leading, frozenset(data["in_town"])


def _put_place(m: EventMention, place: Place, geo_precision: int | None) -> None:
    m.location, m.country, m.iso, m.iso3 = place.name, place.country, place.iso, place.iso3
    m.admin1, m.admin2, m.latitude, m.longitude = place.admin1, place.admin2, place.latitude, place.longitude
    m.geonameid, m.geo_precision = place.geonameid, geo_precision


def _unresolved_place(
    m: EventMention, text: str, dominant: list[str], town: str | None, notes: list[str]
) -> None:
    """A place phrase the gazetteer does not know: the town in "the Port of Mombasa" when it
    knows that, or the article's town for a street or site ("Kenyatta Avenue"), both as part of
    the town (precision 2); else the name as given with the country of the article's context,
    so the event is at least in the right country."""
    leading, in_town = _place_words()
    name = leading.sub("", text).strip() or text
    near = name != text and not text.lower().startswith("the ")
    country = resolve_place(dominant[0]) if dominant else None
    if country is not None and country.kind != "country":
        country = None
    context = [country.iso3] if country is not None and country.iso3 else []
    part = _PART_OF.match(name)
    inner = resolve_place(part.group("place"), context_iso3=context) if part else None
    if inner is None and town and name.split()[-1].lower().strip(".") in in_town:
        inner = resolve_place(town, context_iso3=context)
        if inner is not None and country is not None and inner.iso3 != country.iso3:
            inner = None  # the town is in another country than the article's events
    if inner is not None and inner.kind in ("city", "admin2"):
        _put_place(m, inner, 2)
        notes.append(f"place '{name}' not in the gazetteer: coded to {inner.name}, the town it is in")
        return
    m.location = name
    if country is not None:
        m.country, m.iso, m.iso3 = country.country, country.iso, country.iso3
        notes.append(f"place '{name}' not in the gazetteer: country from the article's context")
    else:
        notes.append(f"place '{name}' not in the gazetteer")
    if near:
        m.geo_precision = 2


def _time_frame(c: Cluster, dated: list[Group]) -> Group | None:
    """For an event none of whose sentences is dated: another event of its own sentence ("on
    Friday a mob burned houses, while two volunteers were killed"), else the article's first
    dated event, since a report covers one time frame ("Demonstrations were also held in
    Mombasa"). None for an event named in passing after "after", "since" (an earlier one)."""
    if any(g.date for g in c.groups) or all(g.backref for g in c.groups):
        return None
    own = {g.sent.index for g in c.groups}
    return next((x for x in dated if x.sent.index in own), dated[0] if dated else None)


@dataclass(slots=True)
class _Draft:
    """A mention being built: the record, the spans behind its fields, the notes that go into its
    text, and its confidence so far (each missing or doubtful fact takes some off)."""

    m: EventMention
    spans: list[Span]
    notes: list[str] = field(default_factory=list)
    confidence: float = 0.75


def _build(
    article: Article,
    c: Cluster,
    sub: str,
    dominant: list[str],
    frame: Group | None = None,
    town: str | None = None,
) -> EventMention:
    """The mention of cluster `c`; `frame` is the dated event whose date stands in when none of
    its own sentences gives one (see _time_frame); `town` is the article's town (its dateline,
    else the first town it names), where its streets and sites are."""
    groups = c.groups
    main = max(
        groups,
        key=lambda g: (not g.anaphoric, bool(g.places) + bool(g.tolls) + bool(g.actor1) + bool(g.date)),
    )
    m = EventMention(
        mention_id="", article_id=article.article_id, sentence=main.sent.text, sentence_start=main.sent.start
    )
    info = _sub_types()[sub]
    m.sub_event_type, m.event_type, m.disorder_type = sub, info["event_type"], info["disorder_type"]
    draft = _Draft(m, [_span("trigger", g.sent, t.start, t.end) for g in groups for t in g.triggers])
    _fill_place(draft, groups, dominant, town)
    _fill_actors(draft, groups)
    _fill_tolls(draft, groups)
    _fill_date(draft, article, groups, frame)
    _fill_modality(draft, groups)
    draft.confidence += min(0.1, 0.05 * (len({g.sent.index for g in groups}) - 1))
    m.confidence = round(max(0.05, min(0.99, draft.confidence)), 3)
    m.spans = sorted(draft.spans, key=lambda sp: (sp.start, sp.field))
    m.notes = _note(m) + (" [" + "; ".join(draft.notes) + "]" if draft.notes else "")
    m.mention_id = _mention_id(article, main, groups, m)
    m.story_id = article.story_id
    return m


def _best_place(groups: list[Group]) -> tuple[PlaceChoice, Group] | None:
    """The most specific resolved place of the event; a country-level place gives way to one
    inside it, words the gazetteer does not know to any resolved place."""
    kinds = _coref()["kind_rank"]
    choice: tuple[PlaceChoice, Group] | None = None
    for g in groups:
        p = g.place()
        if p is None:
            continue
        if choice is None:
            choice = (p, g)
            continue
        cur = choice[0]
        if cur.place is None and p.place is not None:
            choice = (p, g)
        elif cur.place is not None and p.place is not None and p.place.iso3 == cur.place.iso3:
            if kinds.get(p.place.kind, 0) > kinds.get(cur.place.kind, 0):
                choice = (p, g)
    return choice


def _fill_place(draft: _Draft, groups: list[Group], dominant: list[str], town: str | None) -> None:
    """Where: the best place its sentences name, else the country the article is about."""
    m = draft.m
    choice = _best_place(groups)
    if choice is not None:
        p, g = choice
        draft.spans.append(_span("location", p.sentence or g.sent, p.start, p.end))
        if p.place is not None:
            _put_place(m, p.place, p.place.geo_precision)
        else:
            _unresolved_place(m, p.text, dominant, town, draft.notes)
            draft.confidence -= 0.15
    elif dominant:
        country = resolve_place(dominant[0])
        if country is not None:
            m.location, m.country, m.iso, m.iso3 = country.name, country.country, country.iso, country.iso3
            m.admin1, m.latitude, m.longitude = country.admin1, country.latitude, country.longitude
            m.geonameid, m.geo_precision = country.geonameid, 3
        draft.confidence -= 0.15
        draft.notes.append("place taken from the article's country context")
    else:
        draft.confidence -= 0.25


def _actor_groups(groups: list[Group]) -> tuple[Group | None, Group | None]:
    """The groups that name actor1 (the name most groups give as actor1, by a group's own words
    twice a reference back, and rather one no group gives as actor2) and actor2 (the first other,
    named before unnamed)."""
    votes: dict[str, int] = {}
    for g in groups:
        if g.actor1:
            votes[g.actor1.name] = votes.get(g.actor1.name, 0) + (1 if g.anaphoric else 2)
    a2_names = {g.actor2.name for g in groups if g.actor2}
    ranked = sorted(votes, key=lambda n: (n in a2_names, -votes[n]))
    a1g = next((g for g in groups if g.actor1 and ranked and g.actor1.name == ranked[0]), None)
    a1 = a1g.actor1 if a1g is not None else None
    others = [g for g in groups if g.actor2 and (a1 is None or g.actor2.name != a1.name)]
    # a side some sentence names beats the unnamed one another gives ("militant groups")
    a2g = min(
        others, key=lambda g: g.actor2 is not None and g.actor2.name.startswith("Unidentified"), default=None
    )
    return a1g, a2g


def _fill_actors(draft: _Draft, groups: list[Group]) -> None:
    """Who: the actors the groups name, then ACLED's defaults for the rest (_default_actors)."""
    m = draft.m
    a1g, a2g = _actor_groups(groups)
    country_name = m.country or ""
    if a1g is not None and a1g.actor1 is not None:
        a1 = a1g.actor1
        m.actor1, m.inter1 = a1.name, a1.inter
        draft.spans.append(_span("actor1", a1g.sent, a1.start, a1.end))
    else:
        draft.confidence -= 0.1
    if a2g is not None and a2g.actor2 is not None:
        a2 = a2g.actor2
        m.actor2, m.inter2 = a2.name, a2.inter
        draft.spans.append(_span("actor2", a2g.sent, a2.start, a2.end))
    elif m.event_type == "Battles":
        _victim_as_actor2(draft, groups)
    if m.iso3 is None:
        _country_of_actors(draft, [g.actor1 if g is a1g else g.actor2 for g in (a1g, a2g) if g is not None])
        country_name = m.country or ""
    if m.inter1 in (None, 7) and m.iso3:
        _forces_by_cue(m, groups)
    _default_actors(m, country_name)


@cache
def _country_names() -> dict[str, str]:
    return {iso3: name for iso3, name, _n, _a in country_table()}


def _country_of_actors(draft: _Draft, actors: list[ActorChoice | None]) -> None:
    """No place told the country: the home of a named actor, armed groups and police before an
    army (armies fight abroad), at country precision."""
    homes = [a for a in actors if a is not None and a.iso3]
    homes.sort(key=lambda a: a.inter == 1 and a.name.startswith("Military Forces"))
    country = resolve_place(_country_names().get(homes[0].iso3 or "", "")) if homes else None
    if country is None or country.kind != "country":
        return
    m = draft.m
    m.country, m.iso, m.iso3 = country.country, country.iso, country.iso3
    if m.location is None:
        m.location, m.admin1, m.geonameid, m.geo_precision = (
            country.name,
            country.admin1,
            country.geonameid,
            3,
        )
        m.latitude, m.longitude = country.latitude, country.longitude
    draft.notes.append(f"country taken from {homes[0].name}, whom the text names")


@cache
def _agent_cues() -> list[tuple[str, re.Pattern[str]]]:
    pats = load("actor_roles")["agent_cues"]["patterns"]
    return [(kind, re.compile(r"\b(?:" + alternation(p) + r")\b", re.I)) for kind, p in pats.items()]


def _forces_by_cue(m: EventMention, groups: list[Group]) -> None:
    """'Died in police firing', 'shot dead by soldiers': the country's forces, when the parse
    named nobody (or only the victims)."""
    text = " ".join(dict.fromkeys(g.sent.text for g in groups))
    for kind, rx in _agent_cues():
        if rx.search(text) and m.iso3:
            forces = state_forces(m.iso3, kind)
            m.actor1, m.inter1 = forces.name, forces.inter
            return


def _victim_as_actor2(draft: _Draft, groups: list[Group]) -> None:
    """The armed side that was hit, named by ACLED's conventions for unnamed forces."""
    m = draft.m
    g = next((g for g in groups if g.victim is not None), None)
    if g is None or g.victim is None:
        return
    v, country = g.victim, m.country or ""
    iso3 = v.iso3 or m.iso3
    if v.kind in ("military", "police") and iso3:
        forces = state_forces(iso3, v.kind)
        m.actor2, m.inter2 = forces.name, forces.inter
    elif v.kind == "private_security":
        m.actor2, m.inter2 = (
            f"Private Security Forces ({country})" if country else "Private Security Forces",
            8,
        )
    elif v.kind == "armed":
        m.actor2, m.inter2 = (
            f"Unidentified Armed Group ({country})" if country else "Unidentified Armed Group",
            3,
        )
    else:
        return
    draft.spans.append(_span("actor2", g.sent, v.start, v.end))


@cache
def _country_named() -> frozenset[str]:
    return frozenset(load("actor_roles")["country_named"]["names"])


_POLITICAL_VIOLENCE = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def _default_actors(m: EventMention, country_name: str) -> None:
    """Unnamed actors the way ACLED codes them: "Civilians (Country)", protesters and rioters of
    the country, civilian targeting, and the interaction code."""
    for attr in ("actor1", "actor2"):
        v = getattr(m, attr)
        if v and v.endswith(" ()"):
            v = v[:-3]
        if v and v in _country_named() and country_name:
            v = f"{v} ({country_name})"
        setattr(m, attr, v)
    if m.actor1 is None and m.event_type in _POLITICAL_VIOLENCE:
        # nobody named: ACLED's unidentified armed group of the country
        m.actor1 = (
            f"Unidentified Armed Group ({country_name})" if country_name else "Unidentified Armed Group"
        )
        m.inter1 = 3
    if m.event_type in ("Protests", "Riots") and m.inter1 in (None, 5, 6, 7):
        who = "Protesters" if m.event_type == "Protests" else "Rioters"
        m.actor1, m.inter1 = (
            (f"{who} ({country_name})" if country_name else who),
            6 if who == "Protesters" else 5,
        )
    if m.sub_event_type == "Attack" and m.actor2 is None:
        m.actor2, m.inter2 = (f"Civilians ({country_name})" if country_name else "Civilians"), 7
    if m.inter2 == 7 and m.event_type in ("Violence against civilians", "Explosions/Remote violence"):
        m.civilian_targeting = "Civilian targeting"
    m.interaction = _interaction(m.inter1, m.inter2)


def _fill_tolls(draft: _Draft, groups: list[Group]) -> None:
    """How many: explicit figures beat implied ones; among explicit ones the lowest (ACLED)."""
    group_of = {id(t): g for g in groups for t in g.tolls}
    fatal = [t for g in groups for t in g.tolls if t.field == "fatalities"]
    if fatal:
        _fill_fatalities(draft, fatal, group_of)
    hurt = [t for g in groups for t in g.tolls if t.field == "injuries"]
    if hurt:
        pick = next((t for t in hurt if t.best is not None), hurt[0])
        draft.m.injuries = pick.best
        draft.spans.append(_span("injuries", group_of[id(pick)].sent, pick.start, pick.end))


def _fill_fatalities(draft: _Draft, fatal: list[Toll], group_of: dict[int, Group]) -> None:
    m = draft.m
    strong = [t for t in fatal if not t.weak and not t.vague]
    pick = (
        min(strong, key=lambda t: t.best or 0)
        if strong
        else max(fatal, key=lambda t: (not t.weak, t.best or 0))
    )
    m.fatalities, m.fatalities_low, m.fatalities_high = pick.best, pick.low, pick.high
    if strong:
        m.fatalities_high = (
            max((t.high if t.high is not None else t.best or 0) for t in strong)
            if pick.high is not None
            else None
        )
    draft.spans.append(_span("fatalities", group_of[id(pick)].sent, pick.start, pick.end))
    if pick.vague:
        draft.notes.append(
            f"toll not given ('{pick.text}'): coded {pick.best} by ACLED's rule for unspecified tolls"
        )


def _fill_date(draft: _Draft, article: Article, groups: list[Group], frame: Group | None) -> None:
    """When: the first date of the event's own words, else a borrowed one, else the frame's."""
    dg = next((g for g in groups if g.date and not g.date_borrowed), None) or next(
        (g for g in groups if g.date), frame
    )
    if dg is None or dg.date is None:
        draft.confidence -= 0.1
        return
    d = dg.date
    draft.m.date_expression = d.expression
    draft.spans.append(_span("date", d.sent or dg.sent, d.start, d.end))
    if d.window is not None and d.window.event_date:
        from_article = dg is frame and frame.sent.index not in {g.sent.index for g in groups}
        _fill_window(draft, article, d, from_article)
    else:
        draft.confidence -= 0.15
        draft.notes.append(f"date '{d.expression}' kept unresolved: no publication date")
    if dg.date_borrowed or dg is frame:
        draft.confidence -= 0.05


def _fill_window(draft: _Draft, article: Article, d: DateChoice, from_article: bool) -> None:
    m, w = draft.m, d.window
    assert w is not None
    m.event_date, m.date_low, m.date_high, m.time_precision = (
        w.event_date,
        w.date_low,
        w.date_high,
        w.time_precision,
    )
    if from_article:  # not said of this event: the article's time frame, loosely
        m.time_precision = max(w.time_precision, 2)  # type: ignore[type-var]
        if w.date_high:
            m.date_high = (date.fromisoformat(w.date_high) + timedelta(days=1)).isoformat()
        draft.notes.append(f"date not given for this event: the article's '{d.expression}'")
    if w.inferred:
        draft.confidence -= 0.05
    if article.published_at_source in ("file", "none"):
        draft.confidence -= 0.05


def _fill_modality(draft: _Draft, groups: list[Group]) -> None:
    """Reported if any sentence reports it, else alleged, else claimed (the doubt costs)."""
    modalities = {g.modality for g in groups}
    draft.m.modality = (
        "reported" if "reported" in modalities else ("alleged" if "alleged" in modalities else "claimed")
    )
    if draft.m.modality != "reported":
        draft.confidence -= 0.1


def _mention_id(article: Article, main: Group, groups: list[Group], m: EventMention) -> str:
    """Stable across runs: the article, the main sentence, the type and the first trigger."""
    first = min(groups, key=lambda g: (g.sent.start, g.start))
    return content_id(
        article.article_id,
        str(main.sent.start),
        m.event_type or "",
        m.sub_event_type or "",
        str(first.sent.start + first.start),
    )


def _note(m: EventMention) -> str:
    when = (
        f"On {m.event_date}"
        if m.event_date
        else (f"On '{m.date_expression}'" if m.date_expression else "On an unknown date")
    )
    where = (
        ", ".join(x for x in (m.location, m.country) if x and x != m.location or x == m.location)
        if m.location
        else "an unknown place"
    )
    if m.country and m.location and m.country != m.location:
        where = f"{m.location}, {m.country}"
    who = m.actor1 or "an unidentified actor"
    against = f" against {m.actor2}" if m.actor2 else ""
    toll = f" {m.fatalities} fatalities." if m.fatalities is not None else ""
    return f"{when}, {who}: {(m.sub_event_type or '').lower()}{against} in {where}.{toll}"


def extract_mentions(article: Article, options: ExtractOptions) -> list[EventMention]:
    """Every event an article reports, one EventMention each (see module doc). Text in one case
    is read with its names' capitals restored; the mentions quote the text as it is."""
    result = extract_many([article], options)[0]
    if isinstance(result, Exception):
        raise result
    return result


def extract_many(articles: list[Article], options: ExtractOptions) -> list[list[EventMention] | Exception]:
    """extract_mentions of each article, with the model run once over all their candidate
    sentences (in larger batches the model costs about a third less per sentence). An article
    whose extraction fails gets its exception in place of its mentions; the others go on."""
    prepared: list[_Prepared | Exception | None] = []
    for article in articles:
        try:
            prepared.append(_prepare(article, options))
        except Exception as exc:  # a bug in one article must not lose the others
            prepared.append(exc)
    texts = [t for p in prepared if isinstance(p, _Prepared) for t in p.texts()]
    docs = iter(list(get_nlp(options.spacy_model).pipe(texts)) if texts else [])
    out: list[list[EventMention] | Exception] = []
    for p in prepared:
        if not isinstance(p, _Prepared):
            out.append(p if isinstance(p, Exception) else [])
            continue
        own = [next(docs) for _ in range(len(p.candidates) + len(p.leads))]
        try:
            out.append(p.quote_original(_finish(p, own, options)))
        except Exception as exc:
            out.append(exc)
    return out


@dataclass(slots=True)
class _Prepared:
    """An article's sentences for the model: those with triggers, and its paragraphs' leads."""

    article: Article  # the article as read (its names' capitals restored when in one case)
    candidates: list[_Candidate]
    leads: list[Sentence]
    original: str | None = None  # the text as given, when it was recased

    def texts(self) -> list[str]:
        return [c.sent.text for c in self.candidates] + [s.text for s in self.leads]

    def quote_original(self, mentions: list[EventMention]) -> list[EventMention]:
        """Mentions of recased text quote the text as it is."""
        text = self.original
        if text is not None:
            for m in mentions:
                m.sentence = text[m.sentence_start : m.sentence_start + len(m.sentence)]
                for span in m.spans:
                    span.text = text[span.start : span.end]
        return mentions


def _prepare(article: Article, options: ExtractOptions) -> _Prepared | None:
    """The sentences the model must read, or None when the article has no candidate sentence."""
    original = article.text or ""
    recased = one_case(original)
    if recased:
        article = replace(article, text=recase(original))
    text = article.text or ""
    if not text or not has_trigger(text):
        return None
    if options.actor_files:
        load_actor_dictionary(options.actor_files)
    candidates = _candidate_sentences(article, text)
    if not candidates:
        return None
    return _Prepared(article, candidates, _paragraph_leads(text, candidates), original if recased else None)


def _finish(p: _Prepared, docs: list[Any], options: ExtractOptions) -> list[EventMention]:
    """The article's mentions from the parses of its candidate sentences and leads."""
    article, candidates, leads = p.article, p.candidates, p.leads
    docs, lead_docs = docs[: len(candidates)], docs[len(candidates) :]
    dateline = _Dateline.of(article)
    context = _country_context(candidates, docs, dateline)
    found = _find_groups(article, candidates, docs, context, dateline)
    _borrow_paragraph_places(found, leads, lead_docs, dateline, context, article)
    _borrow_paragraph_dates(found.groups)
    _mark_references(found.groups)
    return _mentions(article, _clusters(found.groups), found, dateline, options)


def _mentions(
    article: Article, clusters: list[Cluster], found: _Found, dateline: _Dateline, options: ExtractOptions
) -> list[EventMention]:
    """One mention per reportable event, typed (the first event may take the headline's type)."""
    groups = found.groups
    # for events left with no date: the dated events, in text order (see _time_frame)
    dated = [
        x for x in groups if x.date and not x.date_borrowed and x.date.window and x.date.window.event_date
    ]
    dominant = found.dominant()
    # the countries the article's places are in, else its dateline's
    countries = [found.country_names[i] for i in dominant] or ([dateline.country] if dateline.country else [])
    town = _article_town(groups, article)
    title_sub = _title_sub(article.title)
    out: list[EventMention] = []
    for i, c in enumerate(clusters):
        if not _reportable(c):
            continue
        sub = _sub_event(c, title_sub, is_lead=(i == 0), dominant=dominant)
        if sub is None or sub not in _sub_types():
            continue
        m = _build(article, c, sub, countries, _time_frame(c, dated), town)
        if m.confidence >= options.min_confidence:
            out.append(m)
    return out


def _mark_references(groups: list[Group]) -> None:
    """Which groups refer back to an event already reported ("the strike", "the attack")."""
    for g in groups:
        g.anaphoric = _is_anaphoric(g)
        g.definite = bool(_coref()["anaphor_np"].search(g.sent.text[: g.end]))


@dataclass(slots=True)
class _Candidate:
    """A sentence with event triggers, and where its own words start (after a dateline)."""

    sent: Sentence
    triggers: list[Trigger]
    skip: int


def _reference_year(article: Article, text: str) -> int | None:
    """The publication year; without one, the latest year the article names stands in for it."""
    published = article.published_at
    if published and published[:4].isdigit():
        return int(published[:4])
    years = [int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", text)]
    return max(years) if years else None


def _published_day(article: Article) -> date | None:
    try:
        return date.fromisoformat((article.published_at or "")[:10])
    except ValueError:
        return None


def _candidate_sentences(article: Article, text: str) -> list[_Candidate]:
    """The sentences whose triggers survive the modality, non-event and subject filters."""
    year, published = _reference_year(article, text), _published_day(article)
    subjects = article_subjects(text)
    candidates = []
    for s in split_sentences(text):
        if not raw_triggers(s.text):
            continue
        skip = _strip_dateline(s, article)
        triggers = [
            t
            for t in drop_for_subjects(
                s.text, apply_modality(s.text, find_triggers(s.text), year, published), subjects
            )
            if not t.dropped and t.start >= skip
        ]
        if triggers:
            candidates.append(_Candidate(s, triggers, skip))
    return candidates


@dataclass(slots=True)
class _Dateline:
    place: str | None
    iso3: str | None = None
    country: str | None = None

    @classmethod
    def of(cls, article: Article) -> _Dateline:
        place = article.dateline_place
        resolved = resolve_place(place) if place else None
        if resolved is None:
            return cls(place)
        return cls(place, resolved.iso3, resolved.country)


def _country_context(candidates: list[_Candidate], docs: list[Any], dateline: _Dateline) -> list[str]:
    """The (up to three) countries the article is about, to break ties between same-named places
    (Hyderabad PAK vs IND): its places resolved without context first, the dateline's a little."""
    counts: dict[str, float] = {}
    for c, doc in zip(candidates, docs, strict=True):
        for p in place_candidates(doc, dateline.place, [], skip_until=c.skip):
            if p.place is not None and p.score > 0.5:
                # a province or country name is rarely ambiguous; a city name often is
                counts[p.place.iso3] = counts.get(p.place.iso3, 0) + p.weight
    if dateline.iso3:
        counts[dateline.iso3] = counts.get(dateline.iso3, 0) + 0.5
    return sorted(counts, key=lambda k: -counts[k])[:3]


@dataclass(slots=True)
class _Found:
    """Every sentence's trigger groups with their facts, and how often each country's places
    were named (in the order first named)."""

    groups: list[Group] = field(default_factory=list)
    place_counts: dict[str, float] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)  # iso3 -> country name

    def dominant(self) -> list[str]:
        """The countries named, the most named first."""
        return sorted(self.place_counts, key=lambda k: -self.place_counts[k])


def _find_groups(
    article: Article, candidates: list[_Candidate], docs: list[Any], context: list[str], dateline: _Dateline
) -> _Found:
    """Per sentence: its trigger groups, and the places, tolls, dates and actors attached to them."""
    found = _Found()
    for c, doc in zip(candidates, docs, strict=True):
        s = c.sent
        groups = _group_triggers(s.text, c.triggers, sentence_modality(s.text), s)
        _attach_places(found, groups, doc, dateline.place, context, c.skip)
        _attach_tolls(groups, s, c.skip)
        _attach_dates(groups, s, c.skip, article.published_at)
        for g in groups:  # after the places: the place's country says whose forces "troops" are
            g.actor1, g.actor2 = find_roles(doc, _trigger_tokens(doc, g), None, g.iso3() or dateline.iso3)
            g.victim = find_victim(s.text, g.triggers, g.tolls)
        found.groups.extend(groups)
    return found


def _attach_places(
    found: _Found, groups: list[Group], doc: Any, dateline: str | None, context: list[str], skip: int
) -> None:
    for p in place_candidates(doc, dateline, context, skip_until=skip):
        if p.place is not None:
            found.place_counts[p.place.iso3] = found.place_counts.get(p.place.iso3, 0) + p.weight
            found.country_names[p.place.iso3] = p.place.country
        _attach(groups, p.start).places.append(p)


def _attach_tolls(groups: list[Group], s: Sentence, skip: int) -> None:
    """A toll belongs to the group whose triggers surround its casualty word, else the nearest."""
    for t in find_tolls(s.text):
        if t.start < skip:
            continue
        inside = next((g for g in groups if g.start <= t.anchor < g.end), None)
        (inside or _attach(groups, t.anchor)).tolls.append(t)


def _attach_dates(groups: list[Group], s: Sentence, skip: int, published_at: str | None) -> None:
    """The first date expression attached to a group is its date."""
    for ds, de, expr in find_date_expressions(s.text):
        if ds < skip:
            continue
        g = _attach(groups, ds)
        if g.date is None:
            window, compare = _resolve_dates(expr, published_at)
            g.date = DateChoice(window, compare, expr, ds, de, bool(_coref()["soft"].search(expr)), s)


def _trigger_tokens(doc: Any, g: Group) -> list[Any]:
    """The parse tokens (span roots) of a group's trigger words."""
    tokens = []
    for t in g.triggers:
        span = doc.char_span(t.start, t.end, alignment_mode="expand")
        if span is not None:
            tokens.append(span.root)
    return tokens


def _paragraph_leads(text: str, candidates: list[_Candidate]) -> list[Sentence]:
    """The first sentence of each paragraph whose events come later in it ("On 9 May, in X,
    police raided a house. A shoot-out broke out."): where and when its events happened."""
    by_para = {c.sent.paragraph for c in candidates}
    taken = {c.sent.index for c in candidates}
    leads, seen = [], set()
    for s in split_sentences(text):
        if s.paragraph in by_para and s.paragraph not in seen:
            seen.add(s.paragraph)
            if s.index not in taken:
                leads.append(s)
    return leads


def _borrow_paragraph_places(
    found: _Found,
    leads: list[Sentence],
    docs: list[Any],
    dateline: _Dateline,
    context: list[str],
    article: Article,
) -> None:
    """A group with no place or date of its own takes what its paragraph's lead names."""
    for lead, doc in zip(leads, docs, strict=True):
        places = [
            p for p in place_candidates(doc, dateline.place, context, skip_until=_strip_dateline(lead, article))
            if p.place is not None and p.score >= 1.5
        ]  # fmt: skip
        if places:
            best = max(places, key=lambda p: p.score)
            best.sentence = lead
            for g in found.groups:
                if g.sent.paragraph == lead.paragraph and g.place() is None:
                    g.places.append(best)
        _borrow_lead_date(found.groups, lead, article.published_at)


def _borrow_lead_date(groups: list[Group], lead: Sentence, published_at: str | None) -> None:
    """Groups of the lead's paragraph with no date of their own take the lead's first date."""
    dates = find_date_expressions(lead.text)
    if not dates:
        return
    ds, de, expr = dates[0]
    window, compare = _resolve_dates(expr, published_at)
    choice = DateChoice(window, compare, expr, ds, de, bool(_coref()["soft"].search(expr)), lead)
    for g in groups:
        if g.sent.paragraph == lead.paragraph and g.date is None:
            g.date, g.date_borrowed = choice, True


def _borrow_paragraph_dates(groups: list[Group]) -> None:
    """A group with no date borrows one from its paragraph (the previous sentences first)."""
    for g in groups:
        if g.date is None and not g.after_separator:
            same_para = [
                x
                for x in groups
                if x.sent.paragraph == g.sent.paragraph
                and x.date
                and not x.date_borrowed
                and x.sent.index != g.sent.index
            ]
            before = [x for x in same_para if x.sent.index < g.sent.index]
            src = before[-1] if before else (same_para[0] if same_para else None)
            if src is not None and src.date is not None:
                g.date, g.date_borrowed = src.date, True


def _clusters(groups: list[Group]) -> list[Cluster]:
    """The article's events: groups merged where they describe the same one (_merge_into)."""
    clusters: list[Cluster] = []
    for g in groups:
        if g.backref and not g.tolls and (g.date is None or g.date_borrowed):
            continue  # "talks suspended after an ELN offensive": an earlier event named in passing
        _merge_into(clusters, g)
    return clusters


def _article_town(groups: list[Group], article: Article) -> str | None:
    """The article's town for its streets and sites: the first town it names where events are,
    else its dateline (a bureau's city, "CAIRO" for a Darfur story, is the weaker guess)."""
    return next(
        (p.place.name for g in groups for p in g.places if p.place is not None and p.place.kind == "city"),
        article.dateline_place,
    )


def _reportable(c: Cluster) -> bool:
    """An event with some fact of its own, and not a casualty word with no event behind it."""
    has_facts = any(g.place() or g.actor1 or g.tolls or (g.date and not g.date_borrowed) for g in c.groups)
    if not has_facts:
        return False
    return not (
        all(t.kind in ("casualty", "damage") for g in c.groups for t in g.triggers)
        and not any(t.field == "fatalities" for g in c.groups for t in g.tolls)
        and not any(g.actor2 or (g.actor1 and g.actor1.inter in _ORGANISED) for g in c.groups)
    )  # "the slain commander"

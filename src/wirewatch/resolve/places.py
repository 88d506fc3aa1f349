"""Offline place resolution: a place string from an article -> a gazetteer entry.

The gazetteer is our own compact GeoNames-derived file (`data/gazetteer.tsv.gz`, built by
`data/build_gazetteer.py`; countries, admin1, admin2, cities). Matching, in order:
named regions (`data/regions.json`) and country short forms (`data/country_names.json`),
exact normalised names and aliases, a consonant "skeleton" for transliteration variants
(Deir ez-Zor = Dayr az Zawr = Deir al-Zour; Baluchistan = Balochistan), then a strict fuzzy
fallback. Ties go to the country context: `country_hint` > the dateline's country >
`context_iso3` (the article's countries) > population.

geo_precision follows ACLED: 1 the town itself; 2 near or part of a town, or a district;
3 only a province, country or larger region is known (coded to its capital / centre).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from wirewatch.resolve.actor_dictionary import is_named_group, on_reload
from wirewatch.resolve.countries import country_name_forms, country_table, is_place_form
from wirewatch.resolve.gazetteer_cache import cached_file, fingerprint, package_bytes
from wirewatch.resolve.gazetteer_index import StoredGazetteer, write_index

__all__ = [
    "Place",
    "resolve_place",
    "resolve_within",
    "place_patterns",
    "country_of_name",
    "country_table",
    "normalise_place",
]


@dataclass(slots=True)
class Place:
    name: str  # canonical display name: "Baghdad", "Sistan and Baluchestan", "Iraq"
    kind: str  # "city" | "admin1" | "admin2" | "country" | "region"
    country: str  # "Iraq"
    iso: int  # ISO 3166-1 numeric, 368
    iso3: str  # "IRQ"
    admin1: str | None
    admin2: str | None
    latitude: float
    longitude: float
    geonameid: int | None
    geo_precision: int  # ACLED: 1 the place itself, 2 near it / part of a region, 3 larger region
    matched: str  # the text that was looked up


@dataclass(slots=True)
class _Entry:
    kind: str
    geonameid: int | None
    name: str
    aliases: tuple[str, ...]
    alpha2: str
    iso3: str
    iso: int
    admin1: str
    admin2: str
    latitude: float
    longitude: float
    population: int


# ---------------------------------------------------------------- data loading


def _data_text(name: str) -> str:
    return resources.files("wirewatch.resolve.data").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _words() -> dict:
    return json.loads(_data_text("place_words.json"))


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


_CONNECTOR = re.compile(r"(?<=\w)-(?:o|e|va|wa)-(?=\w)|\s+(?:va|wa|&)\s+", re.IGNORECASE)
# apostrophes and ayn/hamza marks vanish ("Kata'ib", "Ma`arrat"); separators become spaces
_FOLD_TABLE = str.maketrans(
    {**{c: None for c in "\u2018\u2019\u02bb\u02bc\u02be\u02bf`\u00b4'"}, **{c: " " for c in "-_/.,()\t\n"}}
)


@lru_cache(maxsize=1 << 16)
def normalise_place(text: str) -> str:
    """Casefold, strip diacritics and apostrophes, hyphens to spaces, '-o-'/'&'/'va' to 'and'.
    Remembered: resolution normalises the same gazetteer names and lexicon words again and again
    (150,000 calls over 300 ACLED notes)."""
    if "&" in text or "-" in text or " va " in text or " wa " in text:
        text = _CONNECTOR.sub(" and ", text)
    if not text.isascii():
        text = ascii_fold(text.translate(_FOLD_TABLE))
    return " ".join(text.translate(_FOLD_TABLE).casefold().split())


@lru_cache(maxsize=1)
def _skeleton_articles() -> frozenset[str]:
    return frozenset(_words()["skeleton_articles"]["words"])


def _without_articles(norm: str) -> str:
    return " ".join(t for t in norm.split() if t not in _skeleton_articles())


_VOWELS = str.maketrans("", "", "aeiouyw ")
_DOUBLE = re.compile(r"(.)\1+")


def _skeleton(norm: str) -> str:
    """Consonant skeleton of a normalised name, for transliteration variants."""
    articles = _skeleton_articles()
    joined = "".join(t for t in norm.split() if t not in articles)
    joined = joined.replace("ou", "u").replace("ph", "f").replace("kh", "k").replace("q", "k")
    return _DOUBLE.sub(r"\1", joined.translate(_VOWELS))


@lru_cache(maxsize=1)
def _suffix_words() -> dict[str, str]:
    """Normalised kind word ("governorate", "regional state") -> the kind it asks for."""
    admin = _words()["admin_suffixes"]
    return {normalise_place(w): kind for kind in ("city", "admin2", "admin1") for w in admin[kind]}


def _strip_admin_suffix(norm: str) -> tuple[str, str | None]:
    """'idlib governorate' -> ('idlib', 'admin1'); 'hyderabad district' -> ('hyderabad', 'admin2')."""
    words = norm.split(" ")
    if len(words) < 2:
        return norm, None
    suffixes = _suffix_words()
    if len(words) >= 3:
        two = words[-2] + " " + words[-1]
        if two in suffixes:
            return " ".join(words[:-2]), suffixes[two]
    if words[-1] in suffixes:
        return " ".join(words[:-1]), suffixes[words[-1]]
    return norm, None


class _Gazetteer:
    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.by_name: dict[str, list[int]] = {}
        self.country_by_iso3: dict[str, int] = {}
        self._fuzzy_cache: dict[tuple[str, frozenset[str]], list[str]] = {}
        self._skeleton_cache: dict[frozenset[str], dict[str, list[int]]] = {}
        raw = resources.files("wirewatch.resolve.data").joinpath("gazetteer.tsv.gz").read_bytes()
        reader = csv.reader(
            io.StringIO(gzip.decompress(raw).decode("utf-8")),
            delimiter="\t",
            quoting=csv.QUOTE_NONE,
            escapechar="\\",
        )
        next(reader)
        for row in reader:
            kind, gid, name, aliases, alpha2, iso3, iso, admin1, admin2, lat, lon, pop = row
            entry = _Entry(
                kind=kind,
                geonameid=int(gid) if gid.isdigit() else None,
                name=name,
                aliases=tuple(a for a in aliases.split("|") if a),
                alpha2=alpha2,
                iso3=iso3,
                iso=int(iso) if iso.isdigit() else 0,
                admin1=admin1,
                admin2=admin2,
                latitude=float(lat),
                longitude=float(lon),
                population=int(pop or 0),
            )
            self._add(entry)
        self.country_names = {e.iso3: e.name for e in self.entries if e.kind == "country"}
        for iso3, forms in country_name_forms().items():
            idx = self.country_by_iso3.get(iso3)
            if idx is None:
                continue
            for form in forms:
                if is_place_form(form):
                    self._index(normalise_place(form), idx)
        for region in json.loads(_data_text("regions.json"))["regions"]:
            iso3 = region.get("iso3")
            country = self.entries[self.country_by_iso3[iso3]] if iso3 in self.country_by_iso3 else None
            entry = _Entry(
                kind="region",
                geonameid=None,
                name=region["name"],
                aliases=tuple(region.get("aliases", ())),
                alpha2=country.alpha2 if country else "",
                iso3=iso3 or "",
                iso=country.iso if country else 0,
                admin1=region.get("admin1", ""),
                admin2="",
                latitude=float(region["latitude"]),
                longitude=float(region["longitude"]),
                population=10**8,  # a named region wins over a village of the same name
            )
            self._add(entry)
        self.keys = list(self.by_name)

    def _add(self, entry: _Entry) -> None:
        idx = len(self.entries)
        self.entries.append(entry)
        if entry.kind == "country":
            self.country_by_iso3[entry.iso3] = idx
        for form in (entry.name, *entry.aliases):
            norm = normalise_place(form)
            if not norm:
                continue
            self._index(norm, idx)
            first, _, rest = norm.partition(" ")
            if rest and first in _LEADING_ARTICLES and len(rest) >= 4:
                self._index(rest, idx)  # "El-Hodeidah" is also "Hodeidah", "Ar Raqqah" "Raqqah"
            if entry.kind in {"admin1", "admin2", "region"}:
                stripped, _ = _strip_admin_suffix(norm)
                if stripped != norm and len(stripped) >= 3 and stripped not in _not_places():
                    self._index(
                        stripped, idx
                    )  # "Balochistan Province" -> "balochistan", not "First Governorate" -> "first"
                # Slavic adjectival forms: "khersonska oblast" -> "kherson"
                stem = re.sub(r"(s[']?ka|skaya|skyi|skiy|skij)$", "", stripped)
                if stem != stripped and len(stem) >= 4:
                    self._index(stem, idx)

    def _index(self, norm: str, idx: int) -> None:
        bucket = self.by_name.setdefault(norm, [])
        if idx not in bucket:
            bucket.append(idx)

    def fuzzy_keys(self, first: str, allowed_iso3: frozenset[str]) -> list[str]:
        """Names to compare a misspelling with: those of the context countries when known,
        else those with the same first letter (a misspelt first letter is rare and costly)."""
        cache_key = (first, allowed_iso3) if not allowed_iso3 else ("", allowed_iso3)
        keys = self._fuzzy_cache.get(cache_key)
        if keys is None:
            if allowed_iso3:
                keys = [
                    k
                    for k, ids in self.by_name.items()
                    if any(self.entries[i].iso3 in allowed_iso3 for i in ids)
                ]
            else:
                keys = [k for k in self.by_name if k[:1] == first]
            self._fuzzy_cache[cache_key] = keys
        return keys

    def skeletons(self, allowed_iso3: frozenset[str] = frozenset()) -> dict[str, list[int]]:
        """Skeleton index, built on first use (only lookups that miss every exact name need
        it): of the context countries' names when known (small, quick), else of all names."""
        index = self._skeleton_cache.get(allowed_iso3)
        if index is None:
            index = {}
            keys = self.fuzzy_keys("", allowed_iso3) if allowed_iso3 else self.by_name
            for norm in keys:
                skel = _skeleton(norm)
                if len(skel) >= 2:
                    sb = index.setdefault(skel, [])
                    sb.extend(i for i in self.by_name[norm] if i not in sb)
            self._skeleton_cache[allowed_iso3] = index
        return index


def _gazetteer_key() -> str:
    """What the gazetteer's index is built from: its data files and the code that builds it."""
    data = package_bytes(
        "wirewatch.resolve.data", "gazetteer.tsv.gz", "regions.json", "place_words.json", "country_names.json"
    )
    code = package_bytes("wirewatch.resolve", "places.py", "countries.py", "gazetteer_index.py")
    return fingerprint([*data, *code])


def _write_gazetteer(path: Path) -> None:
    write_index(path, _Gazetteer(), _skeleton)


def _read_gazetteer(path: Path) -> StoredGazetteer:
    return StoredGazetteer(path, _Entry)


@lru_cache(maxsize=1)
def _gazetteer() -> StoredGazetteer:
    """The gazetteer's look-up index, read from the user's cache (built there from the data files
    at first use, which takes a few seconds, instead of at every start)."""
    gaz = cached_file("gazetteer", _gazetteer_key(), ".sqlite", _write_gazetteer, _read_gazetteer)
    assert isinstance(gaz, StoredGazetteer)
    return gaz


# ---------------------------------------------------------------- parsing a place phrase


@dataclass(slots=True)
class _Query:
    core: str  # normalised name to look up
    near: bool = False  # "near X", "X outskirts", "north of X"
    direction: bool = False  # "eastern X"
    kind_pref: str | None = None  # from a suffix word: "X province" -> admin1
    qualifier: str | None = None  # "Jenin, West Bank" -> "west bank"


@dataclass(frozen=True, slots=True)
class _ParseWords:
    """place_words.json's modifiers, normalised once, in the order they are tried."""

    near_phrases: tuple[str, ...]  # longest first
    leading_fillers: tuple[tuple[str, str | None], ...]  # longest first, with the kind they name
    province_near_prefixes: tuple[str, ...]
    province_near_suffixes: tuple[str, ...]
    direction_modifiers: frozenset[str]
    near_suffixes: tuple[str, ...]


@lru_cache(maxsize=1)
def _parse_words() -> _ParseWords:
    words = _words()
    fillers = []
    for filler in sorted(words["leading_fillers"], key=len, reverse=True):
        f = normalise_place(filler)
        fillers.append((f, _strip_admin_suffix("x " + f.split()[-1])[1] if len(f.split()) > 1 else None))
    return _ParseWords(
        near_phrases=tuple(
            normalise_place(p) for p in sorted(words["near_phrases"]["words"], key=len, reverse=True)
        ),
        leading_fillers=tuple(fillers),
        province_near_prefixes=tuple(normalise_place(p) for p in words["province_near_prefixes"]["words"]),
        province_near_suffixes=tuple(words["province_near_suffixes"]["words"]),
        direction_modifiers=frozenset(normalise_place(w) for w in words["direction_modifiers"]["words"]),
        near_suffixes=tuple(words["near_suffixes"]["words"]),
    )


def _parse(text: str) -> _Query:
    words = _parse_words()
    t = re.sub(r"[’']s$", "", text.strip().strip('.,;:"“”()[]'))
    qualifier = None
    if "," in t:
        head, _, tail = t.partition(",")
        t, qualifier = head.strip(), normalise_place(tail) or None
    norm = normalise_place(t)
    query = _Query(core=norm, qualifier=qualifier)
    gaz = _gazetteer()
    changed = True
    while changed:
        changed = False
        for p in words.near_phrases:
            if query.core.startswith(p + " "):
                query.core, query.near, changed = query.core[len(p) + 1 :], True, True
                break
        for f, kind in words.leading_fillers:
            if query.core.startswith(f + " "):
                query.core, changed = query.core[len(f) + 1 :], True
                if kind and kind != "city":
                    query.kind_pref = kind
                break
        for p in words.province_near_prefixes:
            if query.core.startswith(p + " "):
                query.core, query.near, changed = query.core[len(p) + 1 :], True, True
                query.kind_pref = query.kind_pref or "admin1"
        if query.core in gaz.by_name:
            break  # "West Bank", "North Kivu", "Eastern Province" are names, not modifiers
        for suffix in words.province_near_suffixes:
            if query.core.endswith(" " + suffix):
                query.core, query.near, changed = query.core[: -len(suffix) - 1], True, True
                query.kind_pref = query.kind_pref or "admin1"
        first, _, rest = query.core.partition(" ")
        if rest and first in words.direction_modifiers:
            query.core, query.direction, changed = rest, True, True
        for suffix in words.near_suffixes:
            if query.core.endswith(" " + suffix):
                query.core, query.near, changed = query.core[: -len(suffix) - 1], True, True
        stripped, kind = _strip_admin_suffix(query.core)
        if kind:
            query.core, query.kind_pref, changed = stripped, kind, True
        if query.core.startswith("occupied "):
            query.core, changed = query.core[len("occupied ") :], True
    return query


@lru_cache(maxsize=1)
def _not_places() -> frozenset[str]:
    return frozenset(normalise_place(w) for w in _words()["not_places"]["words"])


def _names_no_place(text: str) -> bool:
    """A demonym ("Pakistani") or a named armed group ("Hamas") is not a place, though a loose
    match may find a town that looks like it."""
    norm = normalise_place(re.sub(r"[’']s$", "", text.strip()))
    if norm in _demonyms():
        return True
    return is_named_group(text)


@lru_cache(maxsize=1)
def _demonyms() -> frozenset[str]:
    forms = country_name_forms()
    return frozenset(normalise_place(f) for names in forms.values() for f in names if not is_place_form(f))


# ---------------------------------------------------------------- choosing a candidate

_LEADING_ARTICLES = frozenset({"al", "el", "ar", "as", "ad", "ash", "at", "az", "an", "ez", "es", "ed", "er"})
LOOSE_MIN_POPULATION = 100_000  # without country context, variant spellings only for places this big
SMALL_FOREIGN_PLACE = 100_000  # population under which a place outside the article's countries is doubted
_KIND_BONUS = {"country": 3.0, "region": 2.0, "city": 1.5, "admin1": 1.0, "admin2": -0.5}


def _score(
    entry: _Entry,
    query: _Query,
    *,
    exact_name: bool,
    via: str,
    country_hint: str | None,
    dateline_iso3: str | None,
    context: Sequence[str],
    qualifier_hits: set[int],
    idx: int,
) -> float:
    # provinces count their whole population; discount it so that a same-named city wins
    # ("Baghdad", "Washington", "Idlib" name the city unless the text says province/state)
    population = entry.population / 30 if entry.kind in {"admin1", "admin2"} else entry.population
    score = math.log10(population + 10) + _KIND_BONUS.get(entry.kind, 0.0)
    if exact_name:
        score += 1.0
    if via == "skeleton":
        score -= 2.0
    elif via == "fuzzy":
        score -= 3.0
    if query.kind_pref:
        wanted = {query.kind_pref} | ({"region"} if query.kind_pref == "admin1" else set())
        score += 6.0 if entry.kind in wanted else -4.0
    if country_hint and entry.iso3 == country_hint:
        score += 8.0
    elif country_hint and entry.iso3 and entry.kind != "country":
        score -= 2.0
    if dateline_iso3 and entry.iso3 == dateline_iso3:
        score += 3.0
    if context:
        if entry.iso3 in context:
            score += 4.0 - min(list(context).index(entry.iso3), 3) * 0.5
    if qualifier_hits:
        score += 8.0 if idx in qualifier_hits else -3.0
    return score


def _candidates(core: str, allowed_iso3: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    """Exact names first; variant spellings (skeleton, fuzzy) only within the article's
    countries when those are known, since a loose match abroad is usually wrong."""
    gaz = _gazetteer()
    hits = [(i, "exact") for i in gaz.by_name.get(core, [])]
    first, _, rest = core.partition(" ")
    if not hits and rest and first in _LEADING_ARTICLES:
        hits = [(i, "exact") for i in gaz.by_name.get(rest, [])]  # "al-Raqqah" -> "raqqah"
    if hits:
        return hits
    skel = _skeleton(core)
    if len(skel) >= 4 or (len(skel) >= 2 and allowed_iso3):
        from rapidfuzz import fuzz

        # short skeletons collide more: ask for a closer spelling (with no country context,
        # _loose_ok also wants a prominent place with the same first letter)
        threshold = 85 if len(skel) < 4 else 70 if allowed_iso3 else 80
        bare = _without_articles(core)
        for i in gaz.skeletons(allowed_iso3).get(skel, []):
            entry = gaz.entries[i]
            best = max(
                fuzz.ratio(bare, _without_articles(normalise_place(f))) for f in (entry.name, *entry.aliases)
            )
            if best >= threshold and _loose_ok(entry, core, allowed_iso3):
                hits.append((i, "skeleton"))
        if hits:
            return hits
    if len(core) >= 6:
        from rapidfuzz import fuzz, process

        keys = gaz.fuzzy_keys(core[0], allowed_iso3)
        for key, _score, _ in process.extract(core, keys, scorer=fuzz.ratio, score_cutoff=90, limit=5):
            hits.extend(
                (i, "fuzzy") for i in gaz.by_name[key] if _loose_ok(gaz.entries[i], core, allowed_iso3)
            )
    return hits


def _loose_ok(entry: _Entry, core: str, allowed_iso3: frozenset[str]) -> bool:
    """May a variant spelling stand for `entry`? Inside the article's countries, yes; with no
    country context only for prominent places with the same first letter, since news words
    ("Shelling", "Leader") look like small towns somewhere ("Shelleng", "Leander")."""
    if allowed_iso3:
        return entry.iso3 in allowed_iso3 or entry.kind == "country"
    prominent = entry.kind in {"country", "admin1", "region"} or entry.population >= LOOSE_MIN_POPULATION
    return prominent and normalise_place(entry.name)[:1] == core[:1]


def _qualifier_hits(qualifier: str | None, candidates: list[tuple[int, str]]) -> set[int]:
    """'Jenin, West Bank' / 'Hyderabad, Pakistan': candidates inside the qualifier place."""
    if not qualifier:
        return set()
    gaz = _gazetteer()
    quals = [gaz.entries[i] for i, _ in _candidates(_parse(qualifier).core)]
    hits = set()
    for i, _ in candidates:
        entry = gaz.entries[i]
        for q in quals:
            if q.kind == "country" and entry.iso3 == q.iso3:
                hits.add(i)
            elif (
                q.kind in {"admin1", "region"}
                and entry.iso3 == q.iso3
                and (normalise_place(entry.admin1) == normalise_place(q.admin1 or q.name))
            ):
                hits.add(i)
    return hits


def _precision(entry: _Entry, query: _Query) -> int:
    if entry.kind in {"country", "region", "admin1"}:
        return 3
    if entry.kind == "admin2":
        return 2
    return 2 if (query.near or query.direction) else 1


@lru_cache(maxsize=20000)
def _resolve_cached(
    text: str, country_hint: str | None, context: tuple[str, ...], dateline: str | None
) -> Place | None:
    query = _parse(text)
    if not query.core or len(query.core) < 2 or query.core in _not_places() or _names_no_place(text):
        return None
    gaz = _gazetteer()
    dateline_iso3 = None
    if dateline:
        where = _resolve_cached(dateline, None, (), None)
        dateline_iso3 = where.iso3 if where else None
    allowed = frozenset(x for x in (country_hint, *context) if x)
    candidates = _candidates(query.core, allowed)
    if not candidates:
        return None
    exact = query.core
    qual = _qualifier_hits(query.qualifier, candidates)
    best_idx, best_score = None, -1e9
    for i, via in candidates:
        entry = gaz.entries[i]
        s = _score(
            entry,
            query,
            exact_name=normalise_place(entry.name) == exact,
            via=via,
            country_hint=country_hint,
            dateline_iso3=dateline_iso3,
            context=context,
            qualifier_hits=qual,
            idx=i,
        )
        if s > best_score:
            best_idx, best_score = i, s
    assert best_idx is not None
    entry = gaz.entries[best_idx]
    if (
        allowed
        and entry.iso3 not in allowed
        and entry.kind in {"city", "admin2"}
        and entry.population < SMALL_FOREIGN_PLACE
    ):
        # an article about Syria that names "Al Qahirah" means a Syrian village missing from
        # the gazetteer, not Cairo; small places abroad are named with their country
        return None
    return _place_of(entry, _precision(entry, query), text)


def _place_of(entry: _Entry, geo_precision: int, text: str) -> Place:
    gaz = _gazetteer()
    country = gaz.country_names.get(entry.iso3, "") if entry.iso3 else ""
    return Place(
        name=entry.name,
        kind=entry.kind,
        country=country,
        iso=entry.iso,
        iso3=entry.iso3,
        admin1=entry.admin1 or (entry.name if entry.kind == "admin1" else None) or None,
        admin2=entry.admin2 or (entry.name if entry.kind == "admin2" else None) or None,
        latitude=entry.latitude,
        longitude=entry.longitude,
        geonameid=entry.geonameid,
        geo_precision=geo_precision,
        matched=text,
    )


on_reload(_resolve_cached.cache_clear)  # a user's group name is never a place: answers change


def resolve_place(
    text: str,
    *,
    country_hint: str | None = None,
    context_iso3: Sequence[str] = (),
    dateline: str | None = None,
) -> Place | None:
    """Resolve a place phrase ("eastern Baghdad", "Siestan-o-Baluchistan") to a gazetteer entry."""
    if not text or not text.strip():
        return None
    place = _resolve_cached(text.strip(), country_hint or None, tuple(context_iso3 or ()), dateline or None)
    if place is None:
        return None
    return replace(place, matched=text)


# ---------------------------------------------------------------- names as written

NAMED_IN_NEWS_POPULATION = 50_000  # towns this big are named in news; smaller ones may be words


def known_place_forms(min_population: int = NAMED_IN_NEWS_POPULATION) -> list[str]:
    """Place names as usually written: countries, provinces and regions, towns of at least
    `min_population`, and the country name forms."""
    gaz = _gazetteer()
    forms: list[str] = []
    for e in gaz.entries:
        if e.kind in ("country", "admin1", "admin2", "region") or e.population >= min_population:
            forms.extend(f for f in (e.name, *e.aliases) if f.isascii())
    for names in country_name_forms().values():
        forms.extend(names)
    return forms


# ---------------------------------------------------------------- populations


def population_of(geonameid: int | None, name: str | None = None, iso3: str | None = None) -> int:
    """The population of a gazetteer place, by id or else by its name in its country (0 when
    unknown: a village the gazetteer lacks)."""
    if geonameid is not None:
        return _gazetteer().population_of_id(geonameid)
    if not name or not iso3:
        return 0
    gaz = _gazetteer()
    pops = [
        gaz.entries[i].population
        for i in gaz.by_name.get(normalise_place(name), [])
        if gaz.entries[i].iso3 == iso3
    ]
    return max(pops, default=0)


# ---------------------------------------------------------------- a place inside named places

_AREA_KINDS = {"country", "admin1", "admin2", "region"}
_SURENESS = {"country": 0, "admin1": 1, "region": 1, "admin2": 2, "city": 3}
_NEAR_AREA_KM = 60.0  # a place "in" a named town is within this distance of it
_LIST_MIN_POPULATION = 50_000  # "Kabul, Kandahar": a big town beside a province is a list, not a part


@lru_cache(maxsize=20000)
def _area_entry(text: str, context: tuple[str, ...]) -> int | None:
    """A containing place ("Michoacan", "Seno", "Tillabery", "France"): regions before towns of
    the same name, the article's countries first, variant spellings within them."""
    query = _parse(text)
    if not query.core or query.core in _not_places() or _names_no_place(text):
        return None
    gaz = _gazetteer()
    candidates = _candidates(query.core, frozenset(context))
    if not candidates:
        return None
    best_idx, best_score = None, -1e9
    for i, via in candidates:
        entry = gaz.entries[i]
        s = _score(entry, query, exact_name=normalise_place(entry.name) == query.core, via=via,
                   country_hint=None, dateline_iso3=None, context=context, qualifier_hits=set(), idx=i)  # fmt: skip
        s += 5.0 if entry.kind in _AREA_KINDS else 0.0
        if s > best_score:
            best_idx, best_score = i, s
    return best_idx


def _inside(entry: _Entry, area: _Entry) -> bool:
    if entry.iso3 != area.iso3:
        return False
    if area.kind == "country":
        return True
    if area.kind in ("admin1", "region"):
        return normalise_place(entry.admin1) == normalise_place(area.admin1 or area.name)
    if area.kind == "admin2":
        same_district = normalise_place(entry.admin2) == normalise_place(area.name)
        return same_district or (
            bool(area.admin1) and normalise_place(entry.admin1) == normalise_place(area.admin1)
        )
    from wirewatch.resolve.geo import haversine_km

    return haversine_km(entry.latitude, entry.longitude, area.latitude, area.longitude) <= _NEAR_AREA_KM


def _within_choice(core: str, areas: list[_Entry]) -> _Entry | None:
    """The entry named `core` inside every area; else a big town of that name in the areas'
    country (the names were a list, "Kabul, Kandahar"); else none."""
    gaz = _gazetteer()
    iso3 = areas[0].iso3
    hits = [gaz.entries[i] for i, _via in _candidates(core, frozenset({iso3}))]
    inside = [e for e in hits if all(_inside(e, a) for a in areas)]
    if inside:
        return max(inside, key=lambda e: (e.kind == "city", normalise_place(e.name) == core, e.population))
    exact_big = [
        e for e in hits
        if e.iso3 == iso3 and normalise_place(e.name) == core and e.population >= _LIST_MIN_POPULATION
    ]  # fmt: skip
    return max(exact_big, key=lambda e: (e.kind == "city", e.population)) if exact_big else None


def resolve_within(text: str, within: Sequence[str], *, context_iso3: Sequence[str] = ()) -> Place | None:
    """Resolve a place named with the places that contain it ("Bambofa (Dori, Seno)",
    "Zamora, Michoacan", "Z in Kirkuk province"): the entry of that name inside them, else, for
    a village the gazetteer lacks, the most specific of them, with the village's own name and
    ACLED's precision for it (2 inside a district or town, 3 inside a province or country)."""
    gaz = _gazetteer()
    context = tuple(context_iso3)
    idxs = [_area_entry(w, context) for w in within if w and w.strip()]
    areas = [gaz.entries[i] for i in idxs if i is not None]
    if areas:  # the surest of them (a country, then a province) says the country
        surest = min(areas, key=lambda a: _SURENESS.get(a.kind, 4))
        areas = [a for a in areas if a.iso3 == surest.iso3]
    query = _parse(text)
    if not areas or not query.core or query.core in _not_places() or _names_no_place(text):
        return resolve_place(text, context_iso3=context) if not areas else _fallback(text, areas)
    entry = _within_choice(query.core, areas)
    if entry is not None:
        return _place_of(entry, _precision(entry, query), text)
    return _fallback(text, areas)


def _fallback(text: str, areas: list[_Entry]) -> Place:
    """A place the gazetteer lacks, coded to the most specific place named around it."""
    rank = {"city": 0, "admin2": 1, "admin1": 2, "region": 2, "country": 3}
    area = min(areas, key=lambda a: rank.get(a.kind, 3))
    precision = 2 if area.kind in ("city", "admin2") else 3
    name = re.sub(
        r"\s+(?:village|town|city|area|neighbou?rhood|district|community)$", "", text.strip(), flags=re.I
    )
    place = _place_of(area, precision, text)
    return replace(place, name=name, kind="unlisted", geonameid=None)


# ---------------------------------------------------------------- country names and patterns


@lru_cache(maxsize=1)
def _country_forms() -> dict[str, str]:
    forms: dict[str, str] = {}
    for iso3, names in country_name_forms().items():
        for form in names:
            forms[normalise_place(form)] = iso3
    for iso3, name, _iso, aliases in country_table():
        for form in (name, *aliases):
            forms.setdefault(normalise_place(form), iso3)
        forms.setdefault(iso3.casefold(), iso3)
    return forms


def country_of_name(text: str) -> str | None:
    """'Iranian', 'Pakistani', 'US', 'U.S.', 'American', 'Iraq' -> ISO alpha-3, else None."""
    if not text:
        return None
    raw = re.sub(r"[’']s$", "", text.strip())
    if raw.upper() == raw and len(raw.replace(".", "")) <= 3 and raw.replace(".", "").isalpha():
        # acronyms must match in upper case: "US" yes, "us" no
        pass
    elif raw.casefold() in {"us", "uk"} and raw not in {"US", "UK"}:
        return None
    norm = normalise_place(raw)
    forms = _country_forms()
    if norm in forms:
        return forms[norm]
    if norm.startswith("the "):
        return forms.get(norm[4:])
    return None


def _token_pattern(text: str) -> list[dict]:
    return [{"LOWER": tok.casefold()} for tok in re.findall(r"\w+|[^\w\s]", text)]


@lru_cache(maxsize=1)
def place_patterns_key() -> str:
    """A hash of what place_patterns() is made from (for caches of things built from them)."""
    return fingerprint([_gazetteer_key(), *package_bytes("wirewatch.resolve.data", "place_patterns.json")])


@lru_cache(maxsize=1)
def _place_patterns() -> tuple[dict, ...]:
    """The patterns, from the user's cache (built with the gazetteer's index at first use)."""
    patterns = cached_file(
        "place-patterns", place_patterns_key(), ".json", _write_place_patterns, _read_place_patterns
    )
    assert isinstance(patterns, list)
    return tuple(patterns)


def _write_place_patterns(path: Path) -> None:
    path.write_text(json.dumps(_build_place_patterns()), encoding="utf-8")


def _read_place_patterns(path: Path) -> list[dict]:
    patterns = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(patterns, list) or not all(isinstance(p, dict) for p in patterns):
        raise ValueError("not a list of patterns")
    return patterns


def _build_place_patterns() -> list[dict]:
    gaz = _gazetteer()
    patterns: list[dict] = list(json.loads(_data_text("place_patterns.json"))["patterns"])
    seen: set[str] = set()
    for entry in gaz.entries:
        if entry.kind not in {"admin1", "region"} and not (
            entry.kind == "city" and entry.population >= 100000
        ):
            continue
        for form in (entry.name, *entry.aliases):
            if not form.isascii() or not (" " in form or "-" in form) or len(form) > 40:
                continue
            key = form.casefold()
            if key in seen:
                continue
            seen.add(key)
            patterns.append({"label": "GPE", "id": entry.name, "pattern": _token_pattern(form)})
    return patterns


def place_patterns() -> list[dict]:
    """spaCy EntityRuler patterns (label "GPE") for multi-word and hyphenated place names."""
    return [dict(p) for p in _place_patterns()]

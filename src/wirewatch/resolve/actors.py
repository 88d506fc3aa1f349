"""Actor dictionary: canonical actor names, ACLED inter codes, aliases folded.

The built-in dictionary is `data/actors.json` (named armed groups in every region, plus extra
aliases for some state forces); "Military Forces of X" and "Police Forces of X" are generated
for every country of the gazetteer from templates in the same file. Users extend it with
their own JSON files (`load_actor_dictionary`), merged over the built-in one.

Alias folding ignores case, diacritics, punctuation and apostrophes (Kata'ib = Kataib =
Kata’ib), except for short all-capital acronyms (KH, SDF, IS), which must match in capitals.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from wirewatch.errors import WirewatchError

__all__ = [
    "Actor",
    "lookup_actor",
    "state_forces",
    "actor_patterns",
    "load_actor_dictionary",
    "fold_actor_name",
]

KINDS = {
    "military", "police", "government", "rebel", "political_militia", "identity_militia",
    "civilians", "protesters", "rioters", "external", "unknown",
}  # fmt: skip
_MAX_ALIAS_TOKENS = 10


@dataclass(slots=True)
class Actor:
    name: str  # canonical: "Military Forces of the United States", "Kata'ib Hezbollah"
    inter: int  # ACLED inter code 1..8
    iso3: str | None  # home country, if any
    kind: str  # see KINDS
    aliases: tuple[str, ...]


_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bb\u02bc\u02be\u02bf`´'\"]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold_actor_name(text: str) -> str:
    """'Kata’ib Hezbollah' -> 'kataib hezbollah'; 'U.S.' -> 'us'."""
    text = _APOSTROPHES.sub("", text)
    text = text.replace(".", "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    return _NON_WORD.sub(" ", text).strip()


def _is_acronym(alias: str) -> bool:
    bare = alias.replace(".", "").replace("-", "")
    return len(bare) <= 5 and bare.isalnum() and bare.upper() == bare and any(c.isalpha() for c in bare)


@dataclass
class _Dictionary:
    actors: dict[str, Actor] = field(default_factory=dict)  # canonical name -> actor
    folded: dict[str, list[str]] = field(default_factory=dict)  # folded alias -> canonical names
    acronyms: dict[str, list[str]] = field(default_factory=dict)  # exact acronym (no dots) -> names
    generic: dict[str, str] = field(default_factory=dict)  # folded generic term -> "military"/"police"
    state_names: dict[tuple[str, str], str] = field(default_factory=dict)  # (iso3, kind) -> name

    def add(self, actor: Actor) -> None:
        old = self.actors.get(actor.name)
        if old is not None:  # same name: merge aliases, later values win
            aliases = tuple(dict.fromkeys((*old.aliases, *actor.aliases)))
            actor = Actor(actor.name, actor.inter, actor.iso3 or old.iso3, actor.kind, aliases)
        self.actors[actor.name] = actor
        for alias in (actor.name, *actor.aliases):
            if _is_acronym(alias):
                bucket = self.acronyms.setdefault(alias.replace(".", ""), [])
            else:
                key = fold_actor_name(alias)
                if not key:
                    continue
                bucket = self.folded.setdefault(key, [])
            if actor.name in bucket:
                bucket.remove(actor.name)
            bucket.insert(0, actor.name)  # the latest file wins ties


_STATE: dict[str, _Dictionary | None] = {"dictionary": None}
_EXTRA_FILES: list[str] = []


def _builtin_json() -> dict:
    text = resources.files("wirewatch.resolve.data").joinpath("actors.json").read_text(encoding="utf-8")
    return json.loads(text)


def _actor_from_dict(item: dict, source: str) -> Actor:
    try:
        name = str(item["name"]).strip()
        inter = int(item["inter"])
    except (KeyError, TypeError, ValueError) as exc:
        raise WirewatchError(
            "W021", f"{source}: actor entry needs 'name' and an integer 'inter': {item!r}"
        ) from exc
    if not name or not 1 <= inter <= 8:
        raise WirewatchError("W021", f"{source}: actor {name!r}: inter must be 1..8")
    kind = str(item.get("kind") or "unknown")
    if kind not in KINDS:
        raise WirewatchError("W021", f"{source}: actor {name!r}: unknown kind {kind!r}")
    aliases = item.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [a for a in aliases.split("|") if a]
    iso3 = item.get("iso3") or None
    return Actor(name=name, inter=inter, iso3=iso3, kind=kind, aliases=tuple(str(a) for a in aliases))


def _state_forces(data: dict, d: _Dictionary) -> None:
    from wirewatch.resolve.places import _DEMONYM_END, country_table

    forms = json.loads(
        resources.files("wirewatch.resolve.data").joinpath("country_names.json").read_text("utf-8")
    )
    with_article = set(data.get("countries_with_article", []))
    for iso3, name, _iso, _aliases in country_table():
        extra = forms["names"].get(iso3, [])
        demonyms = [f for f in extra if _DEMONYM_END.search(f) and not f.endswith(("s", "'s", "’s"))]
        short = [f for f in extra if f not in demonyms and not f.endswith(("'s", "’s", "s"))]
        display = f"the {name}" if name in with_article else name
        for kind, template in data["state_force_templates"].items():
            canonical = template["name"].format(country=display)
            aliases: list[str] = []
            for pattern in template["aliases"]:
                if "{demonym}" in pattern:
                    aliases.extend(pattern.format(demonym=dem) for dem in demonyms)
                else:
                    aliases.extend(pattern.format(country=c) for c in (name, *short))
            d.add(Actor(canonical, 1, iso3, kind, tuple(dict.fromkeys(aliases))))
            d.state_names[(iso3, kind)] = canonical


def _load_file(path: str) -> list[Actor]:
    p = Path(path)
    if not p.is_file():
        raise WirewatchError("W001", f"{path}: actor dictionary not found")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WirewatchError("W002", f"{path}: actor dictionary not readable: {exc}") from exc
    if p.suffix.lower() in {".tsv", ".tab"}:
        # name<TAB>inter<TAB>iso3<TAB>kind<TAB>alias|alias ; '#' comments
        items = []
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t") + [""] * 5
            if cells[0] == "name" and cells[1] == "inter":
                continue
            items.append(
                {
                    "name": cells[0],
                    "inter": cells[1],
                    "iso3": cells[2],
                    "kind": cells[3] or None,
                    "aliases": cells[4],
                }
            )
    else:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise WirewatchError("W006", f"{path}: malformed JSON: {exc.msg} (line {exc.lineno})") from exc
        items = parsed.get("actors", []) if isinstance(parsed, dict) else parsed
        if not isinstance(items, list):
            raise WirewatchError("W021", f"{path}: expected a JSON list of actors")
    return [_actor_from_dict(item, path) for item in items]


def _build() -> _Dictionary:
    data = _builtin_json()
    d = _Dictionary()
    _state_forces(data, d)
    for item in data["actors"]:
        d.add(_actor_from_dict(item, "actors.json"))
    for kind, terms in data["generic_state_terms"].items():
        if kind == "about":
            continue
        for term in terms:
            d.generic[fold_actor_name(term)] = kind
    for path in _EXTRA_FILES:
        for actor in _load_file(path):
            d.add(actor)
    return d


def _dictionary() -> _Dictionary:
    d = _STATE["dictionary"]
    if d is None:
        d = _STATE["dictionary"] = _build()
    return d


def load_actor_dictionary(extra_files: Sequence[str] = ()) -> None:
    """(Re)load the built-in dictionary with the user's files merged over it, in order.

    Each file is a JSON list of {name, inter, iso3, kind, aliases} (or {"actors": [...]}), or a
    TSV with columns name, inter, iso3, kind, aliases (|-separated). Same name = same actor:
    aliases are added, other fields replaced. Problems raise a one-line WirewatchError.
    """
    files = [str(f) for f in extra_files]
    for path in files:
        _load_file(path)  # validate before replacing the current dictionary
    _EXTRA_FILES[:] = files
    _STATE["dictionary"] = None
    _dictionary()
    import sys

    places = sys.modules.get("wirewatch.resolve.places")
    if places is not None:  # a group name is never a place: cached place answers may change
        places._resolve_cached.cache_clear()  # noqa: SLF001


def _pick(d: _Dictionary, names: list[str], context_iso3: str | None) -> Actor:
    if context_iso3 and len(names) > 1:
        for name in names:
            if d.actors[name].iso3 == context_iso3:
                return d.actors[name]
    return d.actors[names[0]]


def state_forces(iso3: str, kind: str = "military") -> Actor:
    """'Pakistan launched missiles' -> Military Forces of Pakistan; kind 'police' for police."""
    d = _dictionary()
    kind = "police" if kind == "police" else "military"
    name = d.state_names.get((iso3.upper(), kind))
    if name is None:
        name = f"{'Police' if kind == 'police' else 'Military'} Forces of {iso3.upper()}"
        d.add(Actor(name, 1, iso3.upper(), kind, ()))
        d.state_names[(iso3.upper(), kind)] = name
    return d.actors[name]


_TOKEN = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:[\u2018\u2019'`.&-][A-Za-z0-9\u00c0-\u024f]+)*\.?")


def lookup_actor(text: str, *, context_iso3: str | None = None) -> Actor | None:
    """An actor named by `text`: an alias ("KH", "Kataib Hezbollah", "CENTCOM"), a description
    containing one ("Iran-backed militia group Kata'ib Hezbollah"; the longest alias wins), or a
    generic state term ("troops", "police") when `context_iso3` says whose. None if unknown."""
    if not text or not text.strip():
        return None
    d = _dictionary()
    whole = fold_actor_name(text)
    if whole in d.folded:
        return _pick(d, d.folded[whole], context_iso3)
    bare = text.strip().replace(".", "")
    if bare in d.acronyms:
        return _pick(d, d.acronyms[bare], context_iso3)
    # longest alias inside the text (by folded tokens); acronyms by exact token
    raw_tokens = [re.sub(r"[’']s$", "", t) for t in _TOKEN.findall(text)]  # "Coalition's" -> "Coalition"
    folded_tokens = [fold_actor_name(t) for t in raw_tokens]
    best: tuple[int, int, list[str]] | None = None  # (length, -start, names)
    n = len(folded_tokens)
    for i in range(n):
        for j in range(min(n, i + _MAX_ALIAS_TOKENS), i, -1):
            if best is not None and j - i <= best[0]:
                break
            key = " ".join(t for t in folded_tokens[i:j] if t)
            names = d.folded.get(key)
            if names:
                best = (j - i, -i, names)
                break
    if best is None:
        for tok in raw_tokens:
            names = d.acronyms.get(
                tok.replace(".", "").rstrip("s")
                if tok.endswith("s") and tok[:-1].isupper()
                else tok.replace(".", "")
            )
            if names:
                return _pick(d, names, context_iso3)
    if best is not None:
        return _pick(d, best[2], context_iso3)
    kind = d.generic.get(whole)
    if kind is None:
        # "Pakistani troops" is covered by aliases; "the troops", "security forces there": last words
        for size in (3, 2, 1):
            tail = " ".join(folded_tokens[-size:]) if len(folded_tokens) >= size else ""
            if tail in d.generic:
                kind = d.generic[tail]
                break
    if kind and context_iso3:
        return state_forces(context_iso3, kind)
    return None


def is_named_group(text: str) -> bool:
    """True when `text` is exactly an alias of a named non-state actor ("Hamas", "Kataib
    Hezbollah"); state forces and generic words ("army") are not counted."""
    d = _dictionary()
    names = d.folded.get(fold_actor_name(text)) or d.acronyms.get(text.strip().replace(".", "")) or []
    generated = set(d.state_names.values())
    return any(
        d.actors[n].kind not in {"civilians", "protesters", "rioters"} and n not in generated for n in names
    )


def _token_pattern(alias: str) -> list[dict]:
    tokens = re.findall(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]", alias)
    if _is_acronym(alias):
        return [{"ORTH": t} for t in tokens]
    return [{"LOWER": t.casefold()} for t in tokens]


def actor_patterns() -> list[dict]:
    """spaCy EntityRuler patterns (label "ACTOR", id = canonical name) for every alias of every
    named actor. Generated state-force aliases and generic terms are left to the extractor."""
    d = _dictionary()
    generated = set(d.state_names.values())
    builtin_named = {item["name"] for item in _builtin_json()["actors"]}
    patterns = []
    for actor in d.actors.values():
        if actor.name in generated and actor.name not in builtin_named:
            continue
        if actor.kind in {"civilians", "protesters", "rioters", "unknown"}:
            continue
        forms = {actor.name, *actor.aliases}
        for form in list(forms):
            if "'" in form or "’" in form:  # Kata'ib / Kata’ib / Kataib
                forms |= {
                    form.replace("'", "’"),
                    form.replace("’", "'"),
                    form.replace("'", "").replace("’", ""),
                }
        for form in sorted(forms):
            pattern = _token_pattern(form)
            if pattern:
                patterns.append({"label": "ACTOR", "id": actor.name, "pattern": pattern})
    return patterns

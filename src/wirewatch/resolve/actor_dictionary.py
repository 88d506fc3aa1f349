"""The actor dictionary: canonical actor names, ACLED inter codes, aliases folded.

The built-in dictionary is `data/actors.json` (named armed groups in every region, plus extra
aliases for some state forces); "Military Forces of X" and "Police Forces of X" are generated
for every country of the gazetteer from templates in the same file. Users extend it with
their own JSON files (`load_actor_dictionary`), merged over the built-in one.

Alias folding ignores case, diacritics, punctuation and apostrophes (Kata'ib = Kataib =
Kata’ib), except for short all-capital acronyms (KH, SDF, IS), which must match in capitals.
Look-ups are in actors.py; the place resolver asks `is_named_group` (a group is never a place).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.resolve.countries import DEMONYM_END, country_name_forms, country_table

KINDS = {
    "military", "police", "government", "rebel", "political_militia", "identity_militia",
    "civilians", "protesters", "rioters", "external", "unknown",
}  # fmt: skip


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


def is_acronym(alias: str) -> bool:
    bare = alias.replace(".", "").replace("-", "")
    return len(bare) <= 5 and bare.isalnum() and bare.upper() == bare and any(c.isalpha() for c in bare)


@dataclass
class ActorDictionary:
    """Every actor by canonical name, and the indexes look-ups use."""

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
            if is_acronym(alias):
                bucket = self.acronyms.setdefault(alias.replace(".", ""), [])
            else:
                key = fold_actor_name(alias)
                if not key:
                    continue
                bucket = self.folded.setdefault(key, [])
            if actor.name in bucket:
                bucket.remove(actor.name)
            bucket.insert(0, actor.name)  # the latest file wins ties


_STATE: dict[str, ActorDictionary | None] = {"dictionary": None}
_EXTRA_FILES: list[str] = []
_ON_RELOAD: list[Callable[[], None]] = []


def builtin_json() -> dict:
    text = resources.files("wirewatch.resolve.data").joinpath("actors.json").read_text(encoding="utf-8")
    return json.loads(text)


def _actor_from_dict(item: dict, source: str) -> Actor:
    try:
        name = str(item["name"]).strip()
        inter = int(item["inter"])
    except (KeyError, TypeError, ValueError) as exc:
        raise WirewatchError(
            errors.CONFIG_ERROR, f"{source}: actor entry needs 'name' and an integer 'inter': {item!r}"
        ) from exc
    if not name or not 1 <= inter <= 8:
        raise WirewatchError(errors.CONFIG_ERROR, f"{source}: actor {name!r}: inter must be 1..8")
    kind = str(item.get("kind") or "unknown")
    if kind not in KINDS:
        raise WirewatchError(errors.CONFIG_ERROR, f"{source}: actor {name!r}: unknown kind {kind!r}")
    aliases = item.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [a for a in aliases.split("|") if a]
    iso3 = item.get("iso3") or None
    return Actor(name=name, inter=inter, iso3=iso3, kind=kind, aliases=tuple(str(a) for a in aliases))


def _state_forces(data: dict, d: ActorDictionary) -> None:
    forms = country_name_forms()
    with_article = set(data.get("countries_with_article", []))
    for iso3, name, _iso, _aliases in country_table():
        extra = forms.get(iso3, [])
        demonyms = [f for f in extra if DEMONYM_END.search(f) and not f.endswith(("s", "'s", "’s"))]
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
        raise WirewatchError(errors.INPUT_NOT_FOUND, f"{path}: actor dictionary not found")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WirewatchError(
            errors.INPUT_NOT_READABLE, f"{path}: actor dictionary not readable: {exc}"
        ) from exc
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
            raise WirewatchError(
                errors.MALFORMED_JSON, f"{path}: malformed JSON: {exc.msg} (line {exc.lineno})"
            ) from exc
        items = parsed.get("actors", []) if isinstance(parsed, dict) else parsed
        if not isinstance(items, list):
            raise WirewatchError(errors.CONFIG_ERROR, f"{path}: expected a JSON list of actors")
    return [_actor_from_dict(item, path) for item in items]


def _build() -> ActorDictionary:
    data = builtin_json()
    d = ActorDictionary()
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


def dictionary() -> ActorDictionary:
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
    dictionary()
    for callback in _ON_RELOAD:
        callback()


def on_reload(callback: Callable[[], None]) -> None:
    """Call `callback` after every (re)load: answers cached from the old dictionary go stale (a
    group name is never a place, so the place resolver clears its cache)."""
    _ON_RELOAD.append(callback)


def is_named_group(text: str) -> bool:
    """True when `text` is exactly an alias of a named non-state actor ("Hamas", "Kataib
    Hezbollah"); state forces and generic words ("army") are not counted."""
    d = dictionary()
    names = d.folded.get(fold_actor_name(text)) or d.acronyms.get(text.strip().replace(".", "")) or []
    generated = set(d.state_names.values())
    return any(
        d.actors[n].kind not in {"civilians", "protesters", "rioters"} and n not in generated for n in names
    )

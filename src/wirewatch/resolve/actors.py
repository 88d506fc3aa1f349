"""Actor look-ups: a name or a description in an article -> a canonical actor of the dictionary
(actor_dictionary.py), a country's state forces, and spaCy patterns for every named actor.
"""

from __future__ import annotations

import re

from wirewatch.resolve.actor_dictionary import (
    Actor,
    ActorDictionary,
    builtin_json,
    dictionary,
    fold_actor_name,
    is_acronym,
    load_actor_dictionary,
)

__all__ = [
    "Actor",
    "lookup_actor",
    "state_forces",
    "actor_patterns",
    "load_actor_dictionary",
    "fold_actor_name",
    "known_actor_forms",
]

_MAX_ALIAS_TOKENS = 10  # the longest alias, in words, looked for inside a description


def _pick(d: ActorDictionary, names: list[str], context_iso3: str | None) -> Actor:
    if context_iso3 and len(names) > 1:
        for name in names:
            if d.actors[name].iso3 == context_iso3:
                return d.actors[name]
    return d.actors[names[0]]


def state_forces(iso3: str, kind: str = "military") -> Actor:
    """'Pakistan launched missiles' -> Military Forces of Pakistan; kind 'police' for police."""
    d = dictionary()
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
    d = dictionary()
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


def _token_pattern(alias: str) -> list[dict]:
    tokens = re.findall(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]", alias)
    if is_acronym(alias):
        return [{"ORTH": t} for t in tokens]
    return [{"LOWER": t.casefold()} for t in tokens]


def actor_patterns() -> list[dict]:
    """spaCy EntityRuler patterns (label "ACTOR", id = canonical name) for every alias of every
    named actor. Generated state-force aliases and generic terms are left to the extractor."""
    d = dictionary()
    generated = set(d.state_names.values())
    builtin_named = {item["name"] for item in builtin_json()["actors"]}
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


def known_actor_forms() -> list[str]:
    """Every actor name and alias as written (for giving one-case text its capitals back)."""
    d = dictionary()
    return [form for actor in d.actors.values() for form in (actor.name, *actor.aliases)]

"""The resolver functions extract uses (wirewatch.resolve.*), behind one seam.

If a resolver module is not importable the corresponding lookups return nothing, so
extract still yields typed events with the words as found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _module(name: str) -> Any:
    try:
        if name == "places":
            from wirewatch.resolve import places as mod
        elif name == "actors":
            from wirewatch.resolve import actors as mod
        else:
            from wirewatch.resolve import dates as mod
    except ImportError:
        return None
    return mod


def resolve_place(
    text: str,
    *,
    country_hint: str | None = None,
    context_iso3: Sequence[str] = (),
    dateline: str | None = None,
) -> Any:
    mod = _module("places")
    if mod is None or not hasattr(mod, "resolve_place"):
        return None
    return mod.resolve_place(text, country_hint=country_hint, context_iso3=context_iso3, dateline=dateline)


def country_of_name(text: str) -> str | None:
    mod = _module("places")
    if mod is None or not hasattr(mod, "country_of_name"):
        return None
    return mod.country_of_name(text)


def lookup_actor(text: str, *, context_iso3: str | None = None) -> Any:
    mod = _module("actors")
    if mod is None or not hasattr(mod, "lookup_actor"):
        return None
    return mod.lookup_actor(text, context_iso3=context_iso3)


def state_forces(iso3: str, kind: str = "military") -> Any:
    mod = _module("actors")
    if mod is None or not hasattr(mod, "state_forces"):
        return None
    try:
        return mod.state_forces(iso3, kind)
    except (KeyError, ValueError, LookupError):
        return None


def load_actor_files(files: Sequence[str]) -> None:
    mod = _module("actors")
    if files and mod is not None and hasattr(mod, "load_actor_dictionary"):
        mod.load_actor_dictionary(files)


def find_date_expressions(sentence: str) -> list[tuple[int, int, str]]:
    mod = _module("dates")
    if mod is None or not hasattr(mod, "find_date_expressions"):
        return []
    return list(mod.find_date_expressions(sentence))


def resolve_date(expression: str, published_at: str | None) -> Any:
    mod = _module("dates")
    if mod is None or not hasattr(mod, "resolve_date"):
        return None
    return mod.resolve_date(expression, published_at)

"""Gold files: what a careful analyst takes out of a set of articles (format of seeds/gold.json).

A gold file is JSON with `events` (required), and optionally `articles`, `stories`,
`not_events` and `optional_events`. An event field is a plain value, `{"any_of": [...]}`
(any listed value is right) or `{"low": x, "high": y}` (any value in the range is right);
`null` means the article gives no value (for fatalities: no toll, so 0 or none is right).
Events with `"required": false` count for recall only when found. Articles are named by
file name: a stored article belongs to a gold key when its `source` ends with that name.

`load_gold` checks the shape and raises one-line `WirewatchError("W030", ...)` on a
malformed file; `evaluate` (run.py) scores a store's events against it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wirewatch import errors
from wirewatch.errors import WirewatchError

# Event fields a gold event may constrain, and the constraint shapes each accepts.
VALUE_FIELDS = (
    "event_type", "sub_event_type", "actor1", "actor2", "country", "admin1", "location",
    "event_date", "time_precision", "fatalities", "latitude", "longitude",
)  # fmt: skip
RANGE_FIELDS = ("latitude", "longitude", "event_date", "fatalities")
KNOWN_EVENT_KEYS = {"key", "sources", "required", "note", *VALUE_FIELDS}


@dataclass(slots=True)
class GoldEvent:
    key: str
    sources: list[str]
    fields: dict[str, Any]  # field -> constraint as written in the file
    required: bool = True
    note: str | None = None


@dataclass(slots=True)
class GoldText:
    """A not_event or optional_event: a piece of article text and, optionally, where it is."""

    text: str
    sources: list[str] = field(default_factory=list)
    why: str | None = None
    event_type: Any = None


@dataclass(slots=True)
class Gold:
    path: str
    events: list[GoldEvent]
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    stories: list[dict[str, Any]] = field(default_factory=list)
    not_events: list[GoldText] = field(default_factory=list)
    optional_events: list[GoldText] = field(default_factory=list)

    def article_keys(self) -> set[str]:
        """Every article the gold speaks about (its `articles`, or else the sources it names)."""
        keys = set(self.articles)
        for ev in self.events:
            keys.update(ev.sources)
        for t in (*self.not_events, *self.optional_events):
            keys.update(t.sources)
        return keys


def _bad(path: str, where: str, problem: str) -> WirewatchError:
    return WirewatchError(errors.GOLD_FILE_MALFORMED, f"{path}: {where}: {problem}")


def _check_constraint(path: str, where: str, name: str, value: Any) -> None:
    if value is None or isinstance(value, str | int | float | bool):
        return
    if isinstance(value, list):
        raise _bad(path, where, f"'{name}' is a list; write {{\"any_of\": [...]}}")
    if not isinstance(value, dict):
        raise _bad(path, where, f'\'{name}\' must be a value, {{"any_of": [...]}} or {{"low", "high"}}')
    if "any_of" in value:
        if not isinstance(value["any_of"], list) or not value["any_of"]:
            raise _bad(path, where, f"'{name}.any_of' must be a non-empty list")
        return
    if "low" in value or "high" in value:
        if name not in RANGE_FIELDS:
            raise _bad(path, where, f"'{name}' cannot be a low/high range")
        if "low" not in value or "high" not in value:
            raise _bad(path, where, f"'{name}' range needs both 'low' and 'high'")
        low, high = value["low"], value["high"]
        if type(low) is not type(high) and not all(isinstance(v, int | float) for v in (low, high)):
            raise _bad(path, where, f"'{name}' low and high must be of one kind")
        try:
            if low > high:
                raise _bad(path, where, f"'{name}' low is above high")
        except TypeError:
            raise _bad(path, where, f"'{name}' low and high cannot be compared") from None
        return
    raise _bad(path, where, f'\'{name}\' must be a value, {{"any_of": [...]}} or {{"low", "high"}}')


def _texts(path: str, data: dict[str, Any], name: str) -> list[GoldText]:
    items = data.get(name, [])
    if not isinstance(items, list):
        raise _bad(path, name, "must be a list")
    out = []
    for i, item in enumerate(items):
        where = f"{name}[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise _bad(path, where, "needs a non-empty 'text'")
        sources = item.get("sources", [])
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise _bad(path, where, "'sources' must be a list of file names")
        out.append(GoldText(item["text"], list(sources), item.get("why"), item.get("event_type")))
    return out


def parse_gold(data: Any, path: str = "<gold>") -> Gold:
    """Check a decoded gold document and return it as typed records."""
    if not isinstance(data, dict):
        raise _bad(path, "top level", "must be a JSON object")
    if not isinstance(data.get("events"), list):
        raise _bad(path, "top level", "needs an 'events' list")
    articles = data.get("articles", {})
    if not isinstance(articles, dict):
        raise _bad(path, "articles", "must be an object keyed by file name")
    stories = data.get("stories", [])
    if not isinstance(stories, list) or not all(
        isinstance(s, dict) and isinstance(s.get("members"), list) for s in stories
    ):
        raise _bad(path, "stories", "must be a list of objects with a 'members' list")
    events: list[GoldEvent] = []
    seen: set[str] = set()
    for i, ev in enumerate(data["events"]):
        where = f"events[{i}]"
        if not isinstance(ev, dict):
            raise _bad(path, where, "must be an object")
        key = ev.get("key")
        if not isinstance(key, str) or not key:
            raise _bad(path, where, "needs a 'key'")
        where = f"events[{i}] ({key})"
        if key in seen:
            raise _bad(path, where, "duplicate key")
        seen.add(key)
        sources = ev.get("sources")
        if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s for s in sources):
            raise _bad(path, where, "'sources' must be a non-empty list of file names")
        if articles:
            unknown = [s for s in sources if s not in articles]
            if unknown:
                raise _bad(path, where, f"source {unknown[0]!r} is not in 'articles'")
        if "event_type" not in ev:
            raise _bad(path, where, "needs an 'event_type'")
        unknown_keys = sorted(set(ev) - KNOWN_EVENT_KEYS)
        if unknown_keys:
            raise _bad(path, where, f"unknown field {unknown_keys[0]!r}")
        if "required" in ev and not isinstance(ev["required"], bool):
            raise _bad(path, where, "'required' must be true or false")
        fields = {}
        for name in VALUE_FIELDS:
            if name in ev:
                _check_constraint(path, where, name, ev[name])
                fields[name] = ev[name]
        events.append(GoldEvent(key, list(sources), fields, ev.get("required", True), ev.get("note")))
    return Gold(
        path=path, events=events, articles=dict(articles), stories=list(stories),
        not_events=_texts(path, data, "not_events"), optional_events=_texts(path, data, "optional_events"),
    )  # fmt: skip


def load_gold(path: str | Path) -> Gold:
    """Read and check a gold file; a missing or malformed file is a one-line W030 error."""
    name = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WirewatchError(errors.GOLD_FILE_MALFORMED, f"{name}: no such gold file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WirewatchError(errors.GOLD_FILE_MALFORMED, f"{name}: cannot read gold file ({exc})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise WirewatchError(
            errors.GOLD_FILE_MALFORMED, f"{name}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return parse_gold(data, name)

"""What `wirewatch show ID` prints for an event or a story: the record found by its id (or a unique
prefix of it), and its lines for a terminal. An event's fields each stand beside the sentence and
source that support them; then the fatalities each source gives, the sources grouped by story, the
corrections and the history. (An article is shown by the CLI from `views.article_view`.)
"""

from __future__ import annotations

import textwrap
from typing import Any

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.store import Store

# the fields an analyst checks, in the order they read an event (the rest are in --json)
SHOWN_FIELDS = (
    "event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
    "civilian_targeting", "location", "admin1", "admin2", "country", "latitude", "longitude",
    "fatalities", "injuries",
)  # fmt: skip
SENTENCE_CHARS = 110  # a supporting sentence is cut to this on its line (--json has it whole)


def record_kind(store: Store, given: str) -> str:
    """Which kind of record `given` names: "event", "story" or "article" (an exact id first, then a
    unique prefix, events before stories before articles), or a W042 error."""
    if store.get_event(given) is not None:
        return "event"
    if store.get_story_by_prefix(given) is not None:
        return "story"
    if store.get_article(given) is not None:
        return "article"
    raise WirewatchError(errors.NO_SUCH_RECORD, f"no event, story or article with id '{given}'")


def event_show_view(store: Store, event_id: str) -> dict[str, Any]:
    """The event's evidence (`evidence.event_evidence`) and every correction made to it."""
    from wirewatch.evidence import event_evidence
    from wirewatch.store.corrections import correction_log

    view = event_evidence(store, event_id)
    return view | {"corrections": [c.to_dict() for c in correction_log(store, view["event_id"])]}


def story_show_view(store: Store, story_id: str) -> dict[str, Any]:
    """The story's page (`evidence.story_page_view`) and the events its copies report."""
    from wirewatch.evidence import story_page_view

    story = store.get_story_by_prefix(story_id)
    if story is None:
        raise WirewatchError(errors.NO_SUCH_RECORD, f"no story with id '{story_id}'")
    view = story_page_view(store, story.story_id)
    event_ids = sorted({m.event_id for a in story.members for m in store.iter_mentions(article_id=a.article_id)
                        if m.event_id})  # fmt: skip
    events = [e.to_dict() for e in (store.get_event(i) for i in event_ids) if e is not None]
    return view | {"events": [{k: v for k, v in e.items() if k != "sources"} for e in events]}


def _value(value: Any) -> str:
    return "-" if value is None or value == "" else str(value)


def _cut(text: str, width: int = SENTENCE_CHARS) -> str:
    return textwrap.shorten(" ".join(text.split()), width, placeholder=" ...")


def _source_name(item: dict[str, Any]) -> str:
    return f"{item.get('outlet') or 'article'} {item['article_id'][:8]}"


def event_lines(view: dict[str, Any]) -> list[str]:
    """The terminal lines of `event_show_view`."""
    hand_set = set(view.get("hand_set") or [])
    lines = [
        f"event {view['event_id']}  {_value(view.get('sub_event_type') or view.get('event_type'))}, "
        f"{_value(view.get('location'))}, {_value(view.get('country'))}, {_value(view.get('event_date'))}",
        f"  {view.get('source_count', 0)} source(s), {view.get('independent_source_count', 0)} independent; "
        f"confidence {_value(view.get('confidence'))}; review: {view.get('review_status') or 'not reviewed'}"
        + (f"; set by hand: {', '.join(sorted(hand_set))}" if hand_set else ""),
    ]
    lines += [f"  FLAGGED: {flag}" for flag in view.get("review_flags") or []]
    if view.get("notes"):
        lines.append(f"  notes: {view['notes']}")
    lines += ["", "fields (value, then the sentence that supports it and its source)"]
    by_name = {f["field"]: f for f in view.get("fields", [])}
    last_said = None
    for name in SHOWN_FIELDS:
        field = by_name.get(name, {"value": view.get(name), "evidence": []})
        if field.get("value") is None and name not in ("event_date", "event_type", "location", "fatalities"):
            continue
        lines.append(
            f"  {name:18} {_value(field.get('value'))}" + ("   [set by hand]" if name in hand_set else "")
        )
        evidence = field.get("evidence") or []
        if evidence:
            first = evidence[0]
            more = f" (+{len(evidence) - 1} more)" if len(evidence) > 1 else ""
            said = f'"{_cut(first["text"])}" - {_source_name(first)}{more}'
            lines.append(f"  {'':18}   " + ("(the same sentence)" if said == last_said else said))
            last_said = said
    lines += _toll_lines(view.get("fatalities_by_source") or {}, "fatalities" in hand_set)
    lines += _story_lines(view.get("stories") or [])
    lines += _correction_lines(view.get("corrections") or [])
    lines += _history_lines(view.get("history") or [])
    return lines


def _toll_lines(tolls: dict[str, Any], by_hand: bool) -> list[str]:
    if not tolls:
        return []
    low, high = tolls.get("low"), tolls.get("high")
    span = f" (range {_value(low)}-{_value(high)})" if low != high else ""
    lines = ["", f"fatalities: {_value(tolls.get('best'))}{span}" + (", set by hand" if by_hand else "")]
    for item in tolls.get("by_source") or []:
        lines.append(f"  {_source_name(item):30} {_value(item.get('fatalities'))}")
    return lines


def _story_lines(stories: list[dict[str, Any]]) -> list[str]:
    lines = ["", f"sources by story ({len(stories)} independent)"]
    for group in stories:
        copies = group.get("copies") or []
        head = f"  story {group['story_id']}" if group.get("story_id") else "  article on its own"
        lines.append(f"{head}: {_value(group.get('title'))} ({len(group.get('cited') or [])} cited of "
                     f"{len(copies)} copies)")  # fmt: skip
        for copy in copies:
            mark = "*" if copy.get("cited") else " "
            lines.append(f"   {mark} {copy['article_id']}  {_value(copy.get('outlet')):20} "
                         f"{_value(copy.get('published_at'))}")  # fmt: skip
    return lines


def _correction_lines(corrections: list[dict[str, Any]]) -> list[str]:
    if not corrections:
        return []
    lines = ["", "corrections (withdraw with `wirewatch withdraw ID`)"]
    for c in corrections:
        what = ", ".join(
            f"{k}={_value(v)}" for k, v in (c.get("changes") or {}).items() if k in c.get("fields", [])
        )
        state = "" if c.get("active") else f"  [withdrawn by {c.get('withdrawn_by')}]"
        lines.append(f"  {c['correction_id']}  {c['at'][:19]}  {c['action']} {what}".rstrip()
                     + f"  by {c['author']}" + (f": {c['reason']}" if c.get("reason") else "") + state)  # fmt: skip
    return lines


def _history_lines(history: list[dict[str, Any]]) -> list[str]:
    lines = ["", "history"]
    for h in history:
        changes = h.get("changes") or {}
        shown = [f"{k} {_value(v[0])} -> {_value(v[1])}" for k, v in changes.items()
                 if isinstance(v, list) and len(v) == 2 and k not in ("notes", "mention_ids", "hand_set")]  # fmt: skip
        who = (
            f" by {h['author']}" + (f" ({h['reason']})" if h.get("reason") else "") if h.get("author") else ""
        )
        cause = f" (article {h['cause_article_id']})" if h.get("cause_article_id") else ""
        if h["action"] == "created":
            shown = []  # every field: the fields above say it better
        lines.append(f"  r{h['revision']} {str(h['at'])[:19]} {h['action']}{who}{cause}"
                     + (": " + "; ".join(shown[:6]) if shown else ""))  # fmt: skip
    return lines


def story_lines(view: dict[str, Any]) -> list[str]:
    """The terminal lines of `story_show_view`."""
    lines = [f"story {view['story_id']}  {_value(view.get('title'))}",
             f"  agency {_value(view.get('agency'))}; {len(view.get('members') or [])} copies; canonical "
             f"{_value(view.get('canonical_article_id'))}", "", "copies"]  # fmt: skip
    for m in view.get("members") or []:
        mark = "*" if m.get("canonical") else " "
        lines.append(f" {mark} {m['article_id']}  {_value(m.get('outlet')):20} {_value(m.get('published_at')):25} "
                     f"{_value(m.get('title'))}")  # fmt: skip
    lines += ["", f"events ({len(view.get('events') or [])})"]
    for e in view.get("events") or []:
        lines.append(f"  {e['event_id']}  {_value(e.get('event_date'))}  {_value(e.get('sub_event_type'))}  "
                     f"{_value(e.get('location'))}, {_value(e.get('country'))}  fatalities {_value(e.get('fatalities'))}")  # fmt: skip
    return lines

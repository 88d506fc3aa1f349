"""What the faces show, built once: an article with its story and mentions, an event with its
sources and history, pages of events and stories. The CLI and the API call these and only
format the answer, so both show the same thing and report the same problem with the same code.
"""

from __future__ import annotations

from typing import Any

from wirewatch import errors
from wirewatch.dedup import story_of
from wirewatch.errors import WirewatchError
from wirewatch.store import Store
from wirewatch.store.event_filter import EventFilter
from wirewatch.store.events_query import count_events, event_history, event_records, find_event_ids


# -- one record -------------------------------------------------------------------------------------
def article_view(store: Store, article_id: str) -> dict[str, Any]:
    """An article (a unique prefix of its id will do) with its story, the story's other copies and
    its event mentions: what `wirewatch show --json` prints and `GET /articles/{id}` returns.

    The article's fields sit at the top level (as the API has always answered) and under
    "article" (as `show --json` has always printed them)."""
    article = store.get_article(article_id)
    if article is None:
        raise WirewatchError(errors.NO_SUCH_RECORD, f"no article with id '{article_id}'")
    record = article.to_dict()
    mentions = [m.to_dict() for m in store.iter_mentions(article_id=article.article_id)]
    return record | {"article": record} | story_view(store, article.article_id) | {"mentions": mentions}


def story_view(store: Store, article_id: str) -> dict[str, Any]:
    """The story an article belongs to and its other copies, each marked canonical or not
    (`story` is None for an article dedup has not reached yet)."""
    story, siblings = story_of(store, article_id)
    return {"story": story.to_dict() if story else None, "siblings": siblings}


def event_view(store: Store, event_id: str) -> dict[str, Any]:
    """An event with its sources (article, sentence, spans and own values of each) and its
    revision history."""
    event = store.get_event(event_id)
    if event is None:
        raise WirewatchError(errors.NO_SUCH_RECORD, f"no event with id '{event_id}'")
    return event.to_dict() | {"history": event_history(store, event_id)}


# -- pages ------------------------------------------------------------------------------------------
def event_page(store: Store, flt: EventFilter, *, sort: str, limit: int, offset: int) -> dict[str, Any]:
    """One page of the matching events, without their sources (the event view has them), and
    the total that match."""
    ids = find_event_ids(store, flt, sort=sort, limit=limit, offset=offset)
    events = [_without_sources(record) for record in event_records(store, ids)]
    return {"total": count_events(store, flt), "limit": limit, "offset": offset, "events": events}


def _without_sources(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k != "sources"}


def story_page(store: Store, *, limit: int, offset: int) -> dict[str, Any]:
    """One page of stories (copies of one wire text) with their canonical copy and members."""
    stories = [s.to_dict() for s in store.iter_stories(limit=limit, offset=offset)]
    return {"total": store.count("stories"), "limit": limit, "offset": offset, "stories": stories}

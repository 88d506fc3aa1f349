"""Compare a Spark job's output with a database `wirewatch run` filled from the same input.

Stories and events are matched by membership (the article ids of a story, the mention ids of
an event); then their ids and fields are compared. The test suite and bench/spark_bench.py
use it, and so can anyone checking a cluster run against a single-machine run of a sample.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from wirewatch.fuse.fields import TRACKED_FIELDS
from wirewatch.records import Event, Story
from wirewatch.spark import tables
from wirewatch.spark.output import OutputDir
from wirewatch.store import Store

# what is compared once two events hold the same mentions (updated_at is the run's time)
EVENT_COMPARED = (*TRACKED_FIELDS, "sources")


@dataclass(slots=True)
class Comparison:
    articles: tuple[int, int] = (0, 0)  # (spark, single machine)
    same_articles: bool = False
    stories: tuple[int, int] = (0, 0)
    stories_only_spark: list[list[str]] = field(default_factory=list)  # member ids
    stories_only_single: list[list[str]] = field(default_factory=list)
    story_ids_differ: int = 0  # stories with the same members but another id
    mentions: tuple[int, int] = (0, 0)
    same_mentions: bool = False
    events: tuple[int, int] = (0, 0)
    events_only_spark: list[list[str]] = field(default_factory=list)  # mention ids
    events_only_single: list[list[str]] = field(default_factory=list)
    event_ids_differ: int = 0
    event_fields_differ: dict[str, int] = field(default_factory=dict)  # field -> events
    examples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def same_stories(self) -> bool:
        return not self.stories_only_spark and not self.stories_only_single

    @property
    def same_events(self) -> bool:
        return not self.events_only_spark and not self.events_only_single

    @property
    def identical(self) -> bool:
        return (
            self.same_articles and self.same_stories and self.same_mentions and self.same_events
            and not self.event_fields_differ
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"same_stories": self.same_stories, "same_events": self.same_events}

    def lines(self) -> list[str]:
        """A short human-readable report."""
        out = [
            f"articles: spark {self.articles[0]}, single machine {self.articles[1]}, same ids: {self.same_articles}",
            f"stories: spark {self.stories[0]}, single machine {self.stories[1]}, same members: {self.same_stories} "
            f"({len(self.stories_only_spark)} only in spark, {len(self.stories_only_single)} only single; "
            f"{self.story_ids_differ} with another id)",
            f"mentions: spark {self.mentions[0]}, single machine {self.mentions[1]}, same ids: {self.same_mentions}",
            f"events: spark {self.events[0]}, single machine {self.events[1]}, same members: {self.same_events} "
            f"({len(self.events_only_spark)} only in spark, {len(self.events_only_single)} only single; "
            f"{self.event_ids_differ} with another id)",
        ]
        if self.event_fields_differ:
            fields = ", ".join(f"{k} x{n}" for k, n in sorted(self.event_fields_differ.items()))
            out.append(f"events with the same mentions but other values: {fields}")
        return out


def _read(out: OutputDir, name: str) -> list[Any]:
    reader = tables.READERS[name]
    return [reader(row) for batch in out.dataset(name).to_batches() for row in batch.to_pylist()]


def _by_members(items: Iterable[Any], members: Any) -> dict[frozenset[str], Any]:
    return {frozenset(members(x)): x for x in items}


def compare_with_store(out_location: str, store: Store, *, examples: int = 5) -> Comparison:
    """The Spark output at `out_location` against the database of a single-machine run."""
    out = OutputDir(out_location)
    result = Comparison()
    spark_articles = {a.article_id for a in _read(out, "articles")}
    single_articles = {a.article_id for a in store.iter_articles()}
    result.articles = (len(spark_articles), len(single_articles))
    result.same_articles = spark_articles == single_articles

    def story_members(st: Story) -> list[str]:
        return [m.article_id for m in st.members]

    spark_stories = _by_members(_read(out, "stories"), story_members)
    single_stories = _by_members(store.iter_stories(), story_members)
    result.stories = (len(spark_stories), len(single_stories))
    result.stories_only_spark = [sorted(k) for k in spark_stories.keys() - single_stories.keys()]
    result.stories_only_single = [sorted(k) for k in single_stories.keys() - spark_stories.keys()]
    result.story_ids_differ = sum(
        spark_stories[k].story_id != single_stories[k].story_id
        for k in spark_stories.keys() & single_stories.keys()
    )

    spark_mentions = {m.mention_id for m in _read(out, "mentions")}
    single_mentions = {m.mention_id for m in store.iter_mentions()}
    result.mentions = (len(spark_mentions), len(single_mentions))
    result.same_mentions = spark_mentions == single_mentions

    def event_members(ev: Event) -> list[str]:
        return [s.mention_id for s in ev.sources if s.mention_id]

    spark_events = _by_members(_read(out, "events"), event_members)
    single_events = _by_members(store.iter_events(), event_members)
    result.events = (len(spark_events), len(single_events))
    result.events_only_spark = [sorted(k) for k in spark_events.keys() - single_events.keys()]
    result.events_only_single = [sorted(k) for k in single_events.keys() - spark_events.keys()]
    for key in sorted(spark_events.keys() & single_events.keys(), key=sorted):
        mine, theirs = spark_events[key], single_events[key]
        result.event_ids_differ += mine.event_id != theirs.event_id
        for name in EVENT_COMPARED:
            if _value(mine, name) != _value(theirs, name):
                result.event_fields_differ[name] = result.event_fields_differ.get(name, 0) + 1
                if len(result.examples) < examples:
                    result.examples.append({"field": name, "mentions": sorted(key), "spark": _value(mine, name),
                                            "single": _value(theirs, name)})  # fmt: skip
    return result


def _value(ev: Event, name: str) -> Any:
    value = getattr(ev, name)
    return [s.to_dict() for s in value] if name == "sources" else value

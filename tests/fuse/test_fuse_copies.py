"""Fusion of many copies of one story (issue 14, item 2): linear in the copies, the same events as
clustering every copy, and a cap on a story's distinct mentions with a count of what it joined."""

from __future__ import annotations

import pytest

from wirewatch.config import FuseOptions
from wirewatch.fuse import cluster_mentions, fuse_pending
from wirewatch.fuse import events as fuse_events
from wirewatch.store import open_store

LINE = "A US drone strike hit a car in eastern Baghdad, killing three militia officials."


@pytest.fixture
def spy(monkeypatch):  # type: ignore[no-untyped-def]
    """How many mentions each clustering call was given."""
    sizes: list[int] = []
    real = fuse_events.cluster_mentions

    def counting(mentions, *args, **kwargs):  # type: ignore[no-untyped-def]
        sizes.append(len(mentions))
        return real(mentions, *args, **kwargs)

    monkeypatch.setattr(fuse_events, "cluster_mentions", counting)
    return sizes


def test_two_thousand_copies_of_one_story_are_clustered_once(tmp_path, event_world, baghdad_fields, spy):
    store = open_store(str(tmp_path / "copies.db"))
    world = event_world(store)
    for i in range(2000):
        world.article(f"a{i:05d}", [dict(baghdad_fields, sentence=LINE)], outlet=f"Outlet {i % 40}",
                      published_at="2024-02-08T09:15:00+05:30", story_id="st-wire")  # fmt: skip
    result = fuse_pending(store, FuseOptions())
    assert result.events_created == 1 and result.capped_stories == {}
    assert spy == [1]  # before: all 2,000, every pair compared
    (event,) = store.iter_events()
    assert event.source_count == 2000 and event.independent_source_count == 1
    assert all(m.event_id == event.event_id for m in store.iter_mentions())


def test_collapsing_copies_gives_the_events_clustering_every_copy_gives(tmp_path, populated, event_world,
                                                                        baghdad_fields):  # fmt: skip
    store = populated(open_store(str(tmp_path / "same.db")))
    world = event_world(store)
    basra = dict(baghdad_fields, admin1="Basra", location="Basra", latitude=30.5085, longitude=47.7804)
    for i in range(12):  # more copies of the wire story, and of the Basra one, and an edited copy
        world.article(f"c{i:02d}", [dict(baghdad_fields, sentence=LINE)], published_at="2024-02-09", story_id="st-wire")
        world.article(f"b{i:02d}", [dict(basra, sentence="Another strike in Basra.")], published_at="2024-02-11",
                      story_id="st-basra")  # fmt: skip
    world.article("edit", [dict(baghdad_fields, fatalities=4, sentence=LINE)], published_at="2024-02-09",
                  story_id="st-wire")  # fmt: skip
    fuse_pending(store, FuseOptions())
    fused = sorted(sorted(s.mention_id for s in ev.sources) for ev in store.iter_events())
    mentions = list(store.iter_mentions())
    every_copy = sorted(sorted(m.mention_id for m in cl) for cl in cluster_mentions(mentions, FuseOptions()))
    assert fused == every_copy


def test_a_story_with_more_distinct_mentions_than_the_cap(tmp_path, event_world, baghdad_fields, spy):
    store = open_store(str(tmp_path / "cap.db"))
    world = event_world(store)
    for i in range(60):  # 60 edited copies, each with its own toll: 60 distinct mentions of one story
        world.article(f"e{i:03d}", [dict(baghdad_fields, fatalities=i + 1, sentence=LINE)],
                      published_at="2024-02-08", story_id="st-edited")  # fmt: skip
    result = fuse_pending(store, FuseOptions(max_story_variants=20))
    assert result.capped_stories == {"st-edited": 40} and spy == [20]
    assert all(m.event_id for m in store.iter_mentions())  # every copy is in an event: none left pending
    assert fuse_pending(store, FuseOptions(max_story_variants=20)).mentions_fused == 0


def test_the_run_reports_a_capped_story(tmp_path, event_world, baghdad_fields):
    from wirewatch import errors
    from wirewatch.config import Options
    from wirewatch.pipeline import RunSummary, _fuse

    store = open_store(str(tmp_path / "report.db"))
    world = event_world(store)
    for i in range(8):
        world.article(f"r{i}", [dict(baghdad_fields, fatalities=i + 1, sentence=LINE)], story_id="st-many")
    options, summary, seen = Options(), RunSummary("run", []), []
    options.fuse.max_story_variants = 3
    _fuse(store, options, summary, None, seen.append)
    assert [(p.code, p.fatal) for p in seen] == [(errors.PART_SKIPPED, False)]
    assert seen[0].source == "story st-many" and "5 more distinct mentions" in seen[0].message

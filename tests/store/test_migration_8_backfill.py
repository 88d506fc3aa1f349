"""Migration 8's backfill of the review columns (events fused before it): the disputed fields it
finds are those fusion finds, for events with one source and with several that disagree, and
it writes them in a few statements, not one per event. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.conftest import BAGHDAD, EventWorld

from wirewatch.config import FuseOptions
from wirewatch.fuse import fuse_pending
from wirewatch.records import Event
from wirewatch.store import open_store
from wirewatch.store import schema as s


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path, populated):
    db = str(tmp_path / "m8.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    st = populated(open_store(db))
    world = EventWorld(st)  # a strike in Mosul its two reports count differently: disputed
    mosul = dict(BAGHDAD, admin1="Nineveh", location="Mosul", latitude=36.335, longitude=43.1189,
                 geonameid=99072, event_date="2024-02-20", date_low="2024-02-20", date_high="2024-02-20")  # fmt: skip
    world.article("m1", [dict(mosul, fatalities=4)], outlet="A", published_at="2024-02-21", story_id="st-m1")
    world.article("m2", [dict(mosul, fatalities=9)], outlet="B", published_at="2024-02-21", story_id="st-m2")
    fuse_pending(st, FuseOptions(), now="2024-03-01T00:00:00+00:00")
    yield st
    st.close()


def _review_state(store) -> dict[str, tuple]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(s.events.c.event_id, s.events.c.disputed_count,
                                      s.events.c.needs_review, s.events.c.data)).all()  # fmt: skip
    return {r[0]: (r[1], bool(r[2]), Event.from_dict(dict(r[3])).disputed_fields) for r in rows}


def test_backfill_finds_what_fusion_found(store):
    fused = _review_state(store)
    assert any(fields == ["fatalities"] for _c, _n, fields in fused.values())  # the Mosul event
    with store.engine.begin() as conn:  # as an event fused before migration 8 was stored
        for event_id, data in conn.execute(sa.select(s.events.c.event_id, s.events.c.data)).all():
            old = {k: v for k, v in dict(data).items() if k != "disputed_fields"}
            conn.execute(s.events.update().where(s.events.c.event_id == event_id)
                         .values(data=old, disputed_count=None, needs_review=None))  # fmt: skip
    assert all(count is None for count, _n, _f in _review_state(store).values())
    with store.engine.begin() as conn:
        s._backfill_disputed(conn)
    assert _review_state(store) == {k: (len(f), False, f) for k, (_c, _n, f) in fused.items()}

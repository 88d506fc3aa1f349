"""Migrations are applied by number, each once, and a database keeps the list it has had: a
migration merged after a higher-numbered one had reached users (8, after the dashboard's 10) is
still applied to a database made in between. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from wirewatch.store import open_store
from wirewatch.store import schema as s
from wirewatch.store.db import APPLIED_KEY


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> str:
    return str(tmp_path / "late.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")


def test_a_new_database_lists_every_migration(db):
    store = open_store(db)
    with store.engine.connect() as conn:
        listed = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == APPLIED_KEY)).scalar_one()
    assert json.loads(listed) == sorted(v for v, _d, _f in s.MIGRATIONS)
    assert store.schema_version() == s.SCHEMA_VERSION
    store.close()


def test_a_database_made_before_migration_8_landed_gets_it(db):
    store = open_store(db)
    with store.engine.begin() as conn:  # as a wirewatch with migrations 1-7 and 10 left it
        for table in ("corrections", "watch_seen", "watch_sources"):
            conn.execute(sa.text(f"DROP TABLE {table}"))
        conn.execute(s.meta.delete().where(s.meta.c.key == APPLIED_KEY))
    store.close()
    again = open_store(db)
    with again.engine.connect() as conn:
        assert {"corrections", "watch_seen", "watch_sources"} <= set(sa.inspect(conn).get_table_names())
    assert again.schema_version() == s.SCHEMA_VERSION
    again.close()

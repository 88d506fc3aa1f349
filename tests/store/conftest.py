"""A fresh store on each database: a SQLite file, and a PostgreSQL database (skipped when no
server answers, unless WIREWATCH_REQUIRE_PG)."""

from __future__ import annotations

import pytest

from wirewatch.store import open_store


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "w.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    st = open_store(db)
    yield st
    st.close()

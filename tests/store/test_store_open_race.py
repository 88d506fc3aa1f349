"""Several processes opening one new database at once (two runs started together, or a run and a
reader polling for it) all open it: the ones that lose the race to create the schema read the
version again and go on (issue 14: found by the crash-safety test's poller, "table meta already
exists"). SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from wirewatch.store import open_store
from wirewatch.store.schema import SCHEMA_VERSION


@pytest.fixture(params=["sqlite", "postgres"])
def new_database(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return lambda i: str(tmp_path / f"race{i}.db")
    url = request.getfixturevalue("postgres_url")  # one fresh database: one round only
    return lambda i: url


def _open_at_once(db: str, places: int) -> tuple[list[int], list[BaseException]]:
    """Open `db` from `places` threads released together: (schema versions seen, failures)."""
    start = threading.Barrier(places)
    failures: list[BaseException] = []
    versions: list[int] = []

    def open_it() -> None:
        start.wait()
        try:
            store = open_store(db)
            versions.append(store.schema_version())
            store.close()
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            failures.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(places)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return versions, failures


def test_opening_one_new_database_at_once_from_many_places(new_database):  # type: ignore[no-untyped-def]
    rounds = 6 if new_database(0) != new_database(1) else 1
    for i in range(rounds):
        versions, failures = _open_at_once(new_database(i), 4)
        assert not failures, failures
        assert versions == [SCHEMA_VERSION] * 4

"""Shared fixtures: a fresh PostgreSQL database per test (skips when no server answers)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

DEFAULT_PG = "postgresql://wirewatch:wirewatch@127.0.0.1:5432/postgres"


def _admin_connect(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=3)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL to an empty database, created for this test and dropped after it.

    The server comes from WIREWATCH_TEST_PG (default: the CI role on 127.0.0.1:5432).
    """
    server = os.environ.get("WIREWATCH_TEST_PG", DEFAULT_PG)
    try:
        admin = _admin_connect(server)
    except Exception as exc:  # any connection failure means: no server to test against
        reason = f"PostgreSQL not available: {server} ({str(exc).strip().splitlines()[0]})"
        if os.environ.get("WIREWATCH_REQUIRE_PG"):  # CI starts a server: missing it is a failure
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"wirewatch_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = server.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with _admin_connect(server) as admin:
            # end sessions a test left open (engines not disposed) so the drop succeeds
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')

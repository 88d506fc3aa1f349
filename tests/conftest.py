"""Shared fixtures: a fresh PostgreSQL database per test (skips when no server answers), the
event world for fusion tests, and the labelled syndication corpus generator of the dedup bench."""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

DEFAULT_PG = "postgresql://wirewatch:wirewatch@127.0.0.1:5432/postgres"
SYNDICATION = Path(__file__).resolve().parents[1] / "bench" / "synth" / "syndication.py"


@pytest.fixture(scope="session")
def _empty_config_home(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    return tmp_path_factory.mktemp("xdg-config")


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch, _empty_config_home):  # type: ignore[no-untyped-def]
    """Tests never read the developer's own config file or default database."""
    monkeypatch.delenv("WIREWATCH_DB", raising=False)
    monkeypatch.delenv("WIREWATCH_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(_empty_config_home))


@pytest.fixture(scope="session")
def syndication():  # type: ignore[no-untyped-def]
    """bench/synth/syndication.py: labelled copies of our own base articles (the dedup bench's corpus)."""
    spec = importlib.util.spec_from_file_location("syndication", SYNDICATION)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


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


# -- event fixtures shared by the fuse, export and api tests ------------------------------------------
def _article(article_id: str, **fields):  # type: ignore[no-untyped-def]
    from wirewatch.records import Article

    text = fields.pop("text", f"Body of article {article_id}.")
    return Article(article_id=article_id, source=f"{article_id}.txt", text=text, **fields)


def _mention(article_id: str, n: int = 0, **fields):  # type: ignore[no-untyped-def]
    from wirewatch.records import EventMention, content_id

    mention_id = fields.pop("mention_id", None) or content_id(article_id, str(n))
    fields.setdefault("sentence", "")
    return EventMention(mention_id=mention_id, article_id=article_id, **fields)


BAGHDAD = {
    "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
    "disorder_type": "Political violence",
    "actor1": "Military Forces of the United States", "inter1": 8, "actor2": "Kata'ib Hezbollah", "inter2": 3,
    "iso": 368, "iso3": "IRQ", "country": "Iraq", "admin1": "Baghdad", "location": "Baghdad",
    "latitude": 33.3406, "longitude": 44.4009, "geonameid": 98182, "geo_precision": 1,
    "event_date": "2024-02-07", "date_low": "2024-02-07", "date_high": "2024-02-07", "time_precision": 1,
    "fatalities": 3, "modality": "reported", "confidence": 0.7,
}  # fmt: skip


class EventWorld:
    """Builds articles and mentions in a store, the way extract would leave them."""

    def __init__(self, store):  # type: ignore[no-untyped-def]
        self.store = store

    def article(self, article_id: str, mentions: list[dict], **fields):  # type: ignore[no-untyped-def]
        art = _article(article_id, **fields)
        self.store.add_articles([art])
        ms = [_mention(article_id, i, story_id=art.story_id, **m) for i, m in enumerate(mentions)]
        self.store.replace_mentions(article_id, ms, "test-extractor")
        return ms


@pytest.fixture
def event_world():  # type: ignore[no-untyped-def]
    return EventWorld


@pytest.fixture
def baghdad_fields() -> dict:
    return dict(BAGHDAD)


def populate_events(store, now: str = "2024-03-01T00:00:00+00:00"):  # type: ignore[no-untyped-def]
    """A small world of fused events: the wire-copied Baghdad strike, a Basra strike, a
    Balochistan clash, and a protest with no coordinates."""
    from wirewatch.config import FuseOptions
    from wirewatch.fuse import fuse_pending

    world = EventWorld(store)
    line = "A US drone strike hit a car in eastern Baghdad, killing three militia officials."
    world.article("w1", [dict(BAGHDAD, sentence=line)], outlet="Daily Ledger", url="https://ledger.example/w1",
                  published_at="2024-02-08T09:15:00+05:30", story_id="st-wire")  # fmt: skip
    world.article("w2", [dict(BAGHDAD, sentence=line)], outlet="Morning Post", url="https://post.example/w2",
                  published_at="2024-02-08T11:00:00+05:30", story_id="st-wire")  # fmt: skip
    basra = dict(BAGHDAD, admin1="Basra", location="Basra", latitude=30.5085, longitude=47.7804, geonameid=99532,
                 event_date="2024-02-10", date_low="2024-02-10", date_high="2024-02-10", fatalities=1)  # fmt: skip
    world.article("w3", [basra], outlet="Gulf Observer", published_at="2024-02-11", story_id="st-basra")
    clash = {
        "event_type": "Battles", "sub_event_type": "Armed clash", "disorder_type": "Political violence",
        "actor1": "Military Forces of Pakistan", "inter1": 1, "actor2": "Balochistan Liberation Army", "inter2": 2,
        "iso": 586, "iso3": "PAK", "country": "Pakistan", "admin1": "Balochistan", "location": "Quetta",
        "latitude": 30.1841, "longitude": 67.0014, "geonameid": 1167528, "geo_precision": 1,
        "event_date": "2024-01-20", "date_low": "2024-01-20", "date_high": "2024-01-20", "time_precision": 1,
        "fatalities": 7, "modality": "claimed", "confidence": 0.6,
    }  # fmt: skip
    world.article("w4", [clash], outlet="Frontier Times", url="https://frontier.example/w4",
                  published_at="2024-01-21", story_id="st-quetta")  # fmt: skip
    protest = {
        "event_type": "Protests", "sub_event_type": "Peaceful protest", "disorder_type": "Demonstrations",
        "actor1": "Protesters (Pakistan)", "inter1": 6, "iso": 586, "iso3": "PAK", "country": "Pakistan",
        "event_date": "2024-02-02", "date_low": "2024-01-29", "date_high": "2024-02-04", "time_precision": 2,
        "fatalities": 0, "confidence": 0.5,
    }  # fmt: skip
    world.article("w5", [protest], outlet="Frontier Times", published_at="2024-02-05", story_id="st-protest")
    fuse_pending(store, FuseOptions(), now=now)
    return store


@pytest.fixture
def populated():  # type: ignore[no-untyped-def]
    return populate_events


# -- a real server on loopback ----------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

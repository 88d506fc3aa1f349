"""The seed articles in ../shared/seeds: every required gold event found, no not_event coded.

Skips when ../shared is absent (a fresh clone). Reads the seeds, never copies them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wirewatch.config import ExtractOptions
from wirewatch.extract import extract_mentions
from wirewatch.records import Article

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")

pytestmark = pytest.mark.skipif(not (SEEDS / "gold.json").is_file(), reason="../shared/seeds not available")


def _article(name: str) -> Article:
    from wirewatch.clean import clean_document
    from wirewatch.config import CleanOptions
    from wirewatch.records import RawDocument

    raw = RawDocument(
        source=str(SEEDS / name), kind="text", content=(SEEDS / name).read_text(encoding="utf-8")
    )
    article = clean_document(raw, CleanOptions())
    assert isinstance(article, Article), article
    return article


def _ok(gold, value) -> bool:
    if gold is None:
        return value is None
    if isinstance(gold, dict) and "any_of" in gold:
        return value in gold["any_of"]
    if isinstance(gold, dict):
        return value is not None and gold["low"] <= value <= gold["high"]
    return value == gold


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {name: _article(name) for name in _gold()["articles"]}


@pytest.fixture(scope="module")
def mentions(articles) -> dict[str, list]:
    return {name: extract_mentions(a, ExtractOptions()) for name, a in articles.items()}


def _gold():
    return json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "key", [e["key"] for e in _gold()["events"] if e.get("required", True)] if SEEDS.is_dir() else []
)
def test_required_gold_event_found(mentions, key):
    event = next(e for e in _gold()["events"] if e["key"] == key)
    for source in event["sources"]:
        found = []
        for m in mentions[source]:
            checks = {
                f: _ok(event[f], getattr(m, f))
                for f in ("event_type", "sub_event_type", "country", "location", "fatalities")
                if f in event
            }
            if all(checks.values()):
                found.append(m)
        assert found, f"{key} not found in {source}: " + "; ".join(
            f"{m.sub_event_type}/{m.country}/{m.location}/{m.fatalities}" for m in mentions[source]
        )


def test_no_not_event_is_coded(articles, mentions):
    for not_event in _gold()["not_events"]:
        for name, ms in mentions.items():
            text = articles[name].text
            at = text.find(not_event["text"])
            if at < 0:
                continue
            end = at + len(not_event["text"])
            for m in ms:
                inside = [s for s in m.spans if s.field == "trigger" and at <= s.start and s.end <= end]
                assert not inside, (not_event["text"], m.sub_event_type, inside)


def test_targets_are_not_fatalities(mentions):
    for ms in mentions.values():
        for m in ms:
            if m.date_expression == "last week":
                assert m.fatalities is None

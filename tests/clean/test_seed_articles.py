"""The real seed articles in ../shared/seeds meet what gold.json says under "articles".

Reads ../shared at test time only (never copied into the repository); skips when it is absent.
"""

import json
from pathlib import Path

import pytest

from wirewatch.clean import clean_document
from wirewatch.config import CleanOptions
from wirewatch.records import Article, RawDocument

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SEEDS / "gold.json"


def gold_articles() -> dict:
    if not GOLD.exists():
        return {}
    return json.loads(GOLD.read_text(encoding="utf-8"))["articles"]


@pytest.mark.skipif(not GOLD.exists(), reason="../shared/seeds not present")
@pytest.mark.parametrize("name", sorted(gold_articles()) or ["none"])
def test_seed_article_matches_gold(name):
    gold = gold_articles()[name]
    raw = RawDocument(
        source=str(SEEDS / name), kind="text", content=(SEEDS / name).read_text(encoding="utf-8")
    )
    article = clean_document(raw, CleanOptions())
    assert isinstance(article, Article), article
    for field in ("title", "agency", "dateline_place", "published_at"):
        if field in gold:
            assert getattr(article, field) == gold[field], field
    for snippet in gold.get("body_must_include", []):
        assert snippet in article.text, snippet
    for snippet in gold.get("body_must_exclude", []):
        assert snippet not in article.text, snippet
    assert article.language == "en"
    assert "\n\n\n" not in article.text


@pytest.mark.skipif(not GOLD.exists(), reason="../shared/seeds not present")
def test_teaser_repeated_once_in_the_scraped_seed():
    names = [n for n in gold_articles() if n.startswith("000_")]
    if not names:
        pytest.skip("scraped seed not in gold.json")
    raw = RawDocument(source=names[0], kind="text", content=(SEEDS / names[0]).read_text(encoding="utf-8"))
    article = clean_document(raw, CleanOptions())
    assert article.text.count("has said that it killed") == 1

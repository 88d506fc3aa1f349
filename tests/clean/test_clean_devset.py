"""Our dev set (tests/data/devset, articles we wrote in the styles of real ones): every article
cleans, keeps the story sentences its gold names, and loses the chrome its gold names."""

import json
from pathlib import Path

import pytest

from wirewatch.clean import clean_document
from wirewatch.config import CleanOptions
from wirewatch.records import Article, RawDocument

DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset"
GOLD = DEVSET / "gold.json"


def gold_articles() -> dict:
    if not GOLD.exists():
        return {}
    return json.loads(GOLD.read_text(encoding="utf-8")).get("articles", {})


@pytest.mark.skipif(not GOLD.exists(), reason="dev set not present")
@pytest.mark.parametrize("name", sorted(gold_articles()) or ["none"])
def test_devset_article_body(name):
    gold = gold_articles()[name]
    path = DEVSET / "articles" / name
    kind = "html" if path.suffix in (".html", ".htm") else "text"
    article = clean_document(
        RawDocument(source=str(path), kind=kind, content=path.read_text(encoding="utf-8")), CleanOptions()
    )
    assert isinstance(article, Article), article
    for snippet in gold.get("body_must_include", []):
        assert snippet in article.text, snippet
    for snippet in gold.get("body_must_exclude", []):
        assert snippet not in article.text, snippet
    if gold.get("dateline_place"):
        assert article.dateline_place == gold["dateline_place"]
    if gold.get("agency"):
        assert article.agency == gold["agency"]
    if gold.get("published_at"):
        assert (article.published_at or "")[:10] == gold["published_at"][:10]

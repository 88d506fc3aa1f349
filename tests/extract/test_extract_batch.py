"""extract_many (the model run once over a batch's sentences, as `wirewatch run` does) gives each
article exactly the mentions extract_mentions gives it alone; a failing article keeps its error."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.config import ExtractOptions
from wirewatch.extract import extract_mentions
from wirewatch.extract import mentions as mentions_module
from wirewatch.extract.mentions import extract_many
from wirewatch.records import Article

pytest.importorskip("spacy")

DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset" / "articles"


def _articles() -> list[Article]:
    paths = sorted(DEVSET.glob("*.txt"))[::6]
    out = [
        Article(article_id=p.stem, source=str(p), text=p.read_text(encoding="utf-8"), published_at="2025-03-20")
        for p in paths
    ]
    # text in one case is recased before the model reads it; the quiet one never reaches it
    out.append(Article(article_id="upper", source="t", text=out[0].text.upper(), published_at="2025-03-20"))
    out.append(Article(article_id="quiet", source="t", text="The council met on Monday.", published_at=None))
    return out


def test_batched_extraction_equals_article_by_article():
    articles = _articles()
    options = ExtractOptions()
    batched = extract_many(articles, options)
    alone = [extract_mentions(a, options) for a in articles]
    assert [[m.to_dict() for m in ms] for ms in batched] == [[m.to_dict() for m in ms] for ms in alone]
    assert sum(len(ms) for ms in alone) > 5


def test_one_failing_article_does_not_lose_the_batch(monkeypatch):
    articles = _articles()[:3]
    real = mentions_module._finish

    def failing(p, docs, options):  # type: ignore[no-untyped-def]
        if p.article.article_id == articles[1].article_id:
            raise RuntimeError("boom")
        return real(p, docs, options)

    monkeypatch.setattr(mentions_module, "_finish", failing)
    results = extract_many(articles, ExtractOptions())
    assert isinstance(results[1], RuntimeError)
    assert not isinstance(results[0], Exception) and not isinstance(results[2], Exception)
    with pytest.raises(RuntimeError):
        extract_mentions(articles[1], ExtractOptions())

"""Extract: Article -> EventMention list (typed, located, dated, with spans).

Contract: `extract_mentions(article, options) -> list[EventMention]`; `EXTRACTOR_VERSION`
names the behaviour (a new version re-extracts stored articles).
"""

from wirewatch.extract.mentions import EXTRACTOR_VERSION, extract_mentions

__all__ = ["EXTRACTOR_VERSION", "extract_mentions"]

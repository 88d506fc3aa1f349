"""Extraction over a batch of articles, as `wirewatch run` does it and the Spark job reuses it.

The model runs once over the whole batch's candidate sentences (`extract_many`, about a third
cheaper per sentence than article by article) within one article's time budget; when the
batch fails or runs over, each article is extracted alone within its own budget, so one slow
or broken article costs only itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from wirewatch.config import ExtractOptions
from wirewatch.records import Article, EventMention

EXTRACT_BATCH = 100  # articles whose sentences the model reads together
CODED_LANGUAGES = (None, "en")  # extraction reads English; an article of unknown language is tried
_WARMED: set[str] = set()  # spaCy models this process has loaded for extraction
_WARM_UP_TEXT = "Gunmen attacked a police post in Bannu on Monday, killing three officers, police said."


def warm_up_extraction(opts: ExtractOptions) -> None:
    """Load the model, lexicons and gazetteer once, outside any article's time budget: the
    first article of a process must not pay seconds of loading against its own budget."""
    if opts.spacy_model in _WARMED:
        return
    from wirewatch.extract import extract_mentions

    extract_mentions(Article(article_id="warm-up", source="<warm-up>", text=_WARM_UP_TEXT), opts)
    _WARMED.add(opts.spacy_model)


def extract_batch(
    ready: Sequence[tuple[Article, Article]], opts: ExtractOptions
) -> dict[str, list | Exception]:
    """Mentions (or the exception extracting them raised) of each (article, view) pair's view,
    keyed by article id, the model run once over the whole batch within one article's time
    budget; when the batch fails or runs over, nothing: each article is then extracted alone."""
    from wirewatch.budget import OverBudget, time_budget
    from wirewatch.extract.mentions import extract_many

    if not ready:
        return {}
    try:
        with time_budget(opts.time_budget_s):
            found = extract_many([view for _article, view in ready], opts)
    except (OverBudget, Exception):  # one article is slow or breaks the model: find which, alone
        return {}
    return {article.article_id: result for (article, _view), result in zip(ready, found, strict=True)}


def extract_alone(view: Article, opts: ExtractOptions) -> list[EventMention]:
    """One article's mentions within its own time budget (raises OverBudget past it)."""
    from wirewatch.budget import time_budget
    from wirewatch.extract import extract_mentions

    with time_budget(opts.time_budget_s):
        return extract_mentions(view, opts)


def extract_each(
    ready: Sequence[tuple[Article, Article]], opts: ExtractOptions
) -> list[list[EventMention] | BaseException]:
    """Each (article, view) pair's mentions as `wirewatch run` extracts a batch: all at once,
    else each alone; an article that ran over its budget gets its OverBudget, one that failed
    its exception, in place of its mentions."""
    together = extract_batch(ready, opts)
    out: list[list[EventMention] | BaseException] = []
    for article, view in ready:
        found = together.get(article.article_id)
        if found is None:
            try:
                found = extract_alone(view, opts)
            except BaseException as exc:  # OverBudget or a bug: the caller reports it
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                found = exc
        out.append(found)
    return out

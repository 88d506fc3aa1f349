"""What a stage looks at of one input, capped: an article's text for extraction (and a publication
date it can reckon from).

Real articles hold tens of sentences with event words; a hostile or broken one (a 400 KB
paragraph of event sentences, a 5 MB line) holds thousands, and extraction's cost grows faster
than its input. Extraction reads the text up to the sentence that makes `max_event_sentences`
such sentences, and at most `max_chars` characters; the rest is skipped with a W054 warning that
says where it stopped. The text kept is a prefix of the article's, so every span extraction
gives still points into the stored text.
"""

from __future__ import annotations

import dataclasses

from wirewatch import errors
from wirewatch.config import ExtractOptions
from wirewatch.errors import InputProblem
from wirewatch.extract.sentences import split_sentences
from wirewatch.extract.triggers import has_trigger


def extraction_view(article, options: ExtractOptions):  # type: ignore[no-untyped-def]
    """(the article as extraction should see it, a W054 warning or None). The article itself is
    not changed: a capped view is a copy with a shorter text."""
    text = article.text or ""
    if not _reckonable(article.published_at):  # found by fuzzing: "yesterday" of 0001-01-01
        article = dataclasses.replace(article, published_at=None)
    cut = _cut(text, options)
    if cut is None:
        return article, None
    view = dataclasses.replace(article, text=text[:cut])
    warning = InputProblem(
        article.source,
        errors.PART_SKIPPED,
        f"events read from the first {cut:,} of {len(text):,} characters only "
        f"(extract.max_event_sentences {options.max_event_sentences}, extract.max_chars {options.max_chars:,})",
        fatal=False,
    )
    return view, warning


# a publication date extraction can count days and months from (dates near the ends of the
# calendar overflow when "yesterday" or "last month" is resolved against them)
_YEARS = range(1000, 9000)


def _reckonable(published_at: str | None) -> bool:
    year = (published_at or "")[:4]
    return not year.isdigit() or int(year) in _YEARS


def _cut(text: str, options: ExtractOptions) -> int | None:
    """Where extraction's view of `text` ends, or None when it reads all of it."""
    limit = options.max_chars if options.max_chars and options.max_chars > 0 else len(text)
    budget = options.max_event_sentences if options.max_event_sentences > 0 else None
    if len(text) <= limit and (budget is None or len(text) < 1000):
        return None  # short texts hold too few sentences to reach any cap: no need to split
    window = text[: limit + 1]
    seen = 0
    last_end = 0
    for sentence in split_sentences(window):
        if sentence.end > limit:
            break
        last_end = sentence.end
        if budget is not None and has_trigger(sentence.text):
            seen += 1
            if seen >= budget:
                return sentence.end if sentence.end < len(text.rstrip()) else None
    if len(text) <= limit:
        return None
    return last_end or limit  # a cut inside the first sentence only when it alone is over the cap

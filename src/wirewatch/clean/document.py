"""clean_document: RawDocument -> Article (clean body, metadata and where each field came from)."""

from __future__ import annotations

from typing import Any

from wirewatch import errors
from wirewatch.clean.html import HtmlProblem, domain_of, extract_html, looks_like_html
from wirewatch.clean.language import detect_language
from wirewatch.clean.metadata import (
    TextMetadata,
    byline_in_line,
    dateline_date,
    parse_date_text,
    shortened,
    take_dateline,
    take_header,
    take_tail,
    update_time_in_line,
)
from wirewatch.clean.normalize import join_paragraphs, split_units
from wirewatch.clean.ruleset import chrome_rules, metadata_rules
from wirewatch.clean.text import drop_repeats, is_prose, strip_chrome
from wirewatch.config import CleanOptions
from wirewatch.errors import InputProblem
from wirewatch.records import Article, RawDocument, Removed


def clean_document(raw: RawDocument, options: CleanOptions | None = None) -> Article | InputProblem:
    options = options or CleanOptions()
    crules, mrules = chrome_rules(tuple(options.chrome_rule_files)), metadata_rules()
    sources: dict[str, str] = {}
    html = None
    if raw.kind == "html" or looks_like_html(raw.content):
        try:
            html = extract_html(raw.content, raw.url)
        except HtmlProblem as exc:
            return InputProblem(raw.source, errors.NO_TEXT, f"malformed HTML: {exc}")
        units = split_units(html.text)
        sources["text"] = html.method
    else:
        units = split_units(raw.content)
        sources["text"] = "text"

    chrome = strip_chrome(units, crules)
    meta = TextMetadata()
    _harvest_update_lines(chrome.removed, meta)
    units, repeats = drop_repeats(chrome.kept, crules, duplicates=html is None)
    known_titles = [t for t in (raw.given_title, html.title if html else None) if t]
    # HTML: the extractor already found the body, so the header only gives up stamps and bylines
    units = take_header(units, mrules, crules, meta, find_headline=html is None, known_titles=known_titles)
    first = next((i for i, u in enumerate(units[:3]) if is_prose(u)), None)
    if first is not None:
        units[first] = take_dateline(units[first], mrules, meta)
    units = take_tail(units, mrules, crules, meta)
    text = join_paragraphs(units)
    if len(text) < options.min_body_chars:
        return InputProblem(
            raw.source, errors.NO_TEXT, f"no article text found ({len(text)} characters after cleaning)"
        )

    article = Article(
        article_id=raw.raw_id,
        source=raw.source,
        text=text,
        external_id=raw.external_id,
        kind=raw.kind,
        encoding=raw.encoding,
        removed=in_reading_order(chrome.removed + repeats + meta.removed, html.text if html else raw.content),
    )
    _set(article, sources, "url", raw.url, "input")
    if html:
        _set(article, sources, "url", html.url, "html-meta")
    _set_title(article, sources, raw.given_title, html, meta.title)
    if html:
        _set(article, sources, "author", html.author, "html-meta")
    _set(article, sources, "author", meta.author, "byline")
    if html and html.author:
        author_agency = mrules.agency(html.author)
        if author_agency:
            meta.set_agency(author_agency, "html-meta")
    _set(article, sources, "agency", meta.agency, meta.agency_source or "text")
    _set(article, sources, "dateline_place", meta.dateline_place, meta.dateline_source or "dateline")
    _set(article, sources, "dateline_place", meta.byline_place, "byline")
    _set(article, sources, "outlet", raw.given_outlet, "input")
    if html:
        _set(article, sources, "outlet", html.site_name, "html-meta")
    _set(article, sources, "outlet", domain_of(article.url), "url")
    _set_published(article, raw, html, meta, chrome.prefix_values.get("date-field"), options)
    if article.published_at:
        sources["published_at"] = article.published_at_source
    if options.detect_language:
        _set(article, sources, "language", detect_language(text), "detected")
    if html:
        _set(article, sources, "language", html.language, "html-meta")
    article.field_sources = sources
    return article


def in_reading_order(removed: list[Removed], source_text: str) -> list[Removed]:
    """Removed items in the order they stood in the page (items not found keep their order, last)."""
    positions = []
    for i, item in enumerate(removed):
        at = source_text.find(item.text[:80])
        positions.append((at if at >= 0 else len(source_text), i))
    return [removed[i] for _, i in sorted(positions)]


def _set(article: Article, sources: dict[str, str], name: str, value: str | None, source: str) -> None:
    """Fill a field the first time a value turns up; earlier calls are stronger sources."""
    if value and not getattr(article, name):
        setattr(article, name, value.strip())
        sources[name] = source


def _set_title(
    article: Article, sources: dict[str, str], given: str | None, html: Any, header: str | None
) -> None:
    """The given title (a record's, a feed item's), else the page's; a feed item's cut-down
    title never replaces the page's own headline."""
    page = [(html.title, html.title_source or "html-meta")] if html and html.title else []
    page.append((header, "header-line"))
    if any(full and shortened(given, full) for full, _ in page):
        given = None
    _set(article, sources, "title", given, "input")
    for title, source in page:
        _set(article, sources, "title", title, source)


def _harvest_update_lines(removed: list[Removed], meta: TextMetadata) -> None:
    """'By PTI | Updated: March 4, 2025 09:10 IST': byline and time, before the line goes."""
    rules = metadata_rules()
    for item in removed:
        if item.reason != "update-line":
            continue
        by = byline_in_line(item.text, rules)
        if by:
            meta.author = meta.author or by.author
            meta.set_agency(by.agency, "byline")
        when = update_time_in_line(item.text, rules)
        if when and not meta.published_at:
            meta.published_at, meta.published_at_source = when, "header-line"


def _set_published(article, raw, html, meta, date_field, options) -> None:
    """Publication date from the strongest source: input, HTML meta, header line, date field,
    dateline (with a year from elsewhere), the file's mtime when allowed; else none."""
    rules = metadata_rules()
    candidates: list[tuple[str | None, str]] = [
        (raw.given_published_at, "input"),
        (parse_date_text(html.published_at, rules) if html and html.published_at else None, "html-meta"),
        (meta.published_at, meta.published_at_source or "header-line"),
        (parse_date_text(date_field, rules) if date_field else None, "date-field"),
    ]
    for value, source in candidates:
        if value:
            article.published_at, article.published_at_source = value, source
            return
    file_date = raw.file_mtime if options.date_from_file_mtime else None
    hint = raw.fetched_at or file_date
    from_dateline = dateline_date(meta, int(hint[:4]) if hint else None, hint)
    if from_dateline:
        article.published_at, article.published_at_source = from_dateline, "dateline"
    elif file_date:
        article.published_at, article.published_at_source = file_date, "file"

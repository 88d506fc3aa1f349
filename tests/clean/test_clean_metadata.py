"""Metadata from text: dates with their zone, bylines, datelines, and which source wins."""

import pytest

from wirewatch.clean import clean_document
from wirewatch.clean.metadata import TextMetadata, parse_date_text, take_dateline
from wirewatch.clean.ruleset import metadata_rules
from wirewatch.config import CleanOptions
from wirewatch.records import RawDocument

BODY = (
    "Villagers said two men were killed when a landmine exploded under their tractor on a farm track "
    "near the border on Saturday morning, local officials said."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("February 8, 2024 14:45 IST", "2024-02-08T14:45:00+05:30"),
        ("Feb. 8, 2024, 2:45 pm IST", "2024-02-08T14:45:00+05:30"),
        ("8 March 2025, 9:05 am GMT", "2025-03-08T09:05:00+00:00"),
        ("March 3, 2025 18:20 EDT", "2025-03-03T18:20:00-04:00"),
        ("Thursday, 13th June 2024", "2024-06-13"),
        ("June 13, 2024 10:00", "2024-06-13T10:00:00"),
        ("2024-02-07", "2024-02-07"),
        ("2025-05-02T08:30:00+03:00", "2025-05-02T08:30:00+03:00"),
        ("2025-05-02T05:30:00Z", "2025-05-02T05:30:00Z"),
        ("no date here", None),
        ("February 30, 2024", None),
    ],
)
def test_parse_date_text(text, expected):
    assert parse_date_text(text, metadata_rules()) == expected


@pytest.mark.parametrize(
    ("start", "place", "agency"),
    [
        ("BAGHDAD (Reuters) - ", "Baghdad", "Reuters"),
        ("KYIV, Ukraine (AP) — ", "Kyiv", "AP"),
        ("Gaza City (AFP) - ", "Gaza City", "AFP"),
        ("New Delhi: ", "New Delhi", None),
        ("Washington, Feb 8 ", "Washington", None),
        ("Kabul, 8 February: ", "Kabul", None),
        ("Lahore, March 3 (PTI) ", "Lahore", "PTI"),
        ("KHARTOUM — ", "Khartoum", None),
        ("New Delhi [India], Feb 8 (ANI): ", "New Delhi", "ANI"),
        ("Mumbai, Feb 8 (IANS) ", "Mumbai", "IANS"),
        ("UNITED NATIONS (AP) — ", "United Nations", "AP"),
    ],
)
def test_datelines(start, place, agency):
    meta = TextMetadata()
    rest = take_dateline(start + BODY, metadata_rules(), meta)
    assert rest == BODY
    assert meta.dateline_place == place
    assert meta.agency == agency


@pytest.mark.parametrize(
    "start",
    ["Earlier: ", "Operation Dawn: ", "The army said: ", "Meanwhile, Feb 8 ", "BREAKING (file photo) - "],
)
def test_not_datelines(start):
    meta = TextMetadata()
    assert take_dateline(start + BODY, metadata_rules(), meta) == start + BODY
    assert meta.dateline_place is None


def clean(content: str, **given):
    article = clean_document(
        RawDocument(source="t.txt", kind="text", content=content, **given), CleanOptions()
    )
    assert not hasattr(article, "code"), article
    return article


def test_dateline_gives_a_date_only_with_a_year_from_elsewhere():
    without_year = clean("Quetta, Jan 18 " + BODY)
    assert without_year.published_at is None and without_year.published_at_source == "none"
    with_year = clean("Quetta, Jan 18 " + BODY, fetched_at="2024-01-19T06:00:00+00:00")
    assert with_year.published_at == "2024-01-18"
    assert with_year.published_at_source == "dateline"
    # a dateline later in the year than the fetch belongs to the year before
    december = clean("Quetta, Dec 30 " + BODY, fetched_at="2024-01-02T06:00:00+00:00")
    assert december.published_at == "2023-12-30"


def test_date_field_gives_the_publication_date():
    a = clean("date 2025-01-20 Advertisement\n\nPeshawar: " + BODY)
    assert (a.published_at, a.published_at_source) == ("2025-01-20", "date-field")
    assert "Advertisement" not in a.text and "2025-01-20" not in a.text
    assert {"text": "date 2025-01-20", "reason": "date-field"} in a.removed


def test_given_values_win():
    content = (
        "Border clash leaves two dead in hill district\n\nBy IANS | Updated: March 1, 2025 10:00 IST\n\n"
        + BODY
    )
    a = clean(
        content,
        url="https://news.example.org/story/1",
        given_title="Two killed in border landmine blast",
        given_published_at="2025-03-01T04:00:00+00:00",
        given_outlet="Example News",
    )
    assert a.title == "Two killed in border landmine blast"
    assert (a.published_at, a.published_at_source) == ("2025-03-01T04:00:00+00:00", "input")
    assert a.outlet == "Example News"
    assert a.url == "https://news.example.org/story/1"
    assert a.field_sources["title"] == a.field_sources["outlet"] == a.field_sources["url"] == "input"
    assert a.agency == "IANS"


def test_outlet_from_the_url_domain():
    a = clean(BODY, url="https://www.frontier-post.example/news/landmine")
    assert a.outlet == "frontier-post.example"
    assert a.field_sources["outlet"] == "url"


def test_given_title_line_is_taken_out_of_the_body():
    a = clean(
        "Two killed in border landmine blast\n\n" + BODY, given_title="Two killed in border landmine blast"
    )
    assert a.text == BODY
    assert {"text": "Two killed in border landmine blast", "reason": "headline"} in a.removed


def test_file_mtime_is_used_only_when_allowed():
    raw = RawDocument(source="t.txt", kind="text", content=BODY, file_mtime="2025-02-02T10:00:00+00:00")
    assert clean_document(raw, CleanOptions()).published_at is None
    a = clean_document(raw, CleanOptions(date_from_file_mtime=True))
    assert (a.published_at, a.published_at_source) == ("2025-02-02T10:00:00+00:00", "file")


def test_byline_with_author_and_agency():
    a = clean("Militants attack convoy in mountain pass\n\nBy Jane Roe, Reuters\n\n" + BODY)
    assert a.author == "Jane Roe"
    assert a.agency == "Reuters"
    assert a.field_sources["author"] == "byline"
    assert "Jane Roe" not in a.text


def test_credit_line_names_the_agency():
    a = clean(BODY + "\n\n(With inputs from PTI)")
    assert a.agency == "PTI" and a.field_sources["agency"] == "credit"
    assert "inputs from" not in a.text


def test_slug_without_a_signoff_is_kept():
    # "and/or" at the end of a text is not an editor slug when no agency signed off
    a = clean(BODY + "\n\nand/or")
    assert a.text.endswith("and/or")

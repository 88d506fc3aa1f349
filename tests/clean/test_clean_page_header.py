"""What sits above and below a story on a scraped page: mastheads, menus, stamps, slugs."""

from pathlib import Path

import pytest

from wirewatch.clean import clean_document
from wirewatch.config import CleanOptions
from wirewatch.records import Article, RawDocument

FIXTURES = Path(__file__).parent / "fixtures"
STORY = (
    "Police fired tear gas at hundreds of farmers marching on the state capital on Wednesday, and at "
    "least 15 people were hurt in the scuffles that followed, organisers said.\n\n"
    "The farmers are demanding guaranteed prices for their crops."
)


def clean(content: str, kind: str = "text") -> Article:
    article = clean_document(RawDocument(source="page.txt", kind=kind, content=content), CleanOptions())
    assert isinstance(article, Article), article
    return article


def reasons(article: Article) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in article.removed:
        out.setdefault(item["reason"], []).append(item["text"])
    return out


def test_masthead_page():
    a = clean((FIXTURES / "masthead_page.txt").read_text(encoding="utf-8"))
    assert a.title == "Landslide blocks highway to mountain towns, hundreds stranded"
    assert (a.published_at, a.published_at_source) == ("2025-02-04", "header-line")
    assert a.dateline_place == "Muzaffarabad"
    assert a.text.startswith("A landslide set off by two days of heavy rain")
    assert a.text.endswith("residents said.")
    for chrome in (
        "VALLEY HERALD",
        "MENU",
        "Subscribe",
        "HOME > REGION",
        "Staff Reporter",
        "Comments are closed",
    ):
        assert chrome not in a.text, chrome
    found = reasons(a)
    assert "THE VALLEY HERALD" in found["page-header"] and "Staff Reporter" in found["page-header"]
    assert "HOME > REGION" in found["page-menu"]
    assert found["date-line"] == ["Tuesday, 4 February 2025"]
    assert found["comments-closed"] == ["Comments are closed on this story."]


@pytest.mark.parametrize(
    ("header", "published"),
    [
        ("NAIJA TIMES | News | Politics | Sunday, 9 November 2025", "2025-11-09"),
        ("Security Brief — Thursday, 13 February 2025", "2025-02-13"),
        ("Radio Lac | Actualité | 20 mai 2025 (English edition)", "2025-05-20"),
        ("Posted 2025-04-09 | Delta Monitor | Region", "2025-04-09"),
        ("March 25, 2025 1:05 PM GMT", "2025-03-25T13:05:00+00:00"),
        ("Published 6:02 PM GMT, July 3, 2025", "2025-07-03T18:02:00+00:00"),
        ("Updated: 19/03/2025 - 23:40", "2025-03-19T23:40:00"),
        ("Lunes / Monday 23 June 2025", "2025-06-23"),
        ("Mon Nov 3 2025 10:52:07 IST", "2025-11-03T10:52:07+05:30"),
    ],
)
def test_header_date_stamps(header, published):
    a = clean(f"{header}\n\nFarmers march on the state capital\n\n{STORY}")
    assert a.published_at == published
    assert a.published_at_source == "header-line"
    assert a.title == "Farmers march on the state capital"
    assert header not in a.text


def test_outlet_name_above_the_headline_is_not_the_title():
    a = clean(
        f"Plains Chronicle Online\n\nPolice fire tear gas at farmers marching on state capital\n\n{STORY}"
    )
    assert a.title == "Police fire tear gas at farmers marching on state capital"
    assert "Plains Chronicle Online" not in a.text


@pytest.mark.parametrize(
    ("line", "place", "published", "agency"),
    [
        ("Ludhiana, 12 February 2025", "Ludhiana", "2025-02-12", None),
        ("Ludhiana, Feb 12, 2025 (Punjab Wire)", "Ludhiana", "2025-02-12", "Punjab Wire"),
        ("Popayán, 27 November 2025", "Popayán", "2025-11-27", None),
    ],
)
def test_place_and_date_line_under_the_headline(line, place, published, agency):
    a = clean(f"Farmers march on the state capital\n{line}\n\n{STORY}")
    assert (a.dateline_place, a.published_at, a.agency) == (place, published, agency)
    assert a.published_at_source == "dateline"
    assert line not in a.text


def test_byline_with_a_place():
    a = clean(f"Farmers march on the state capital\n\nBy Gurpreet Sandhu, Ludhiana\n\n{STORY}")
    assert a.author == "Gurpreet Sandhu"
    assert a.dateline_place == "Ludhiana" and a.field_sources["dateline_place"] == "byline"


def test_agency_name_alone_under_the_headline():
    a = clean(f"Farmers march on the state capital\n\nReuters\n\n{STORY}")
    assert a.agency == "Reuters" and a.field_sources["agency"] == "byline"
    assert not a.text.startswith("Reuters")


def test_agency_slug_and_trailing_stamp():
    a = clean(
        f"Farmers march on the state capital\n\n{STORY}\n\nPTI KRS DPB\nPublished on: Wednesday, February 12, 2025"
    )
    assert a.agency == "PTI"
    assert a.published_at == "2025-02-12"
    assert "PTI KRS" not in a.text and "Published" not in a.text
    assert reasons(a)["editor-slug"] == ["PTI KRS DPB"]


def test_slug_with_hyphens_after_an_agency_dateline():
    a = clean(f"Gaza City (AFP) - {STORY}\n\nmm-sd/fb")
    assert a.agency == "AFP" and a.dateline_place == "Gaza City"
    assert "mm-sd/fb" not in a.text


def test_dateline_with_region_in_parentheses_and_double_place():
    a = clean(f"Gaza City (Palestinian Territories) (AFP) - {STORY}")
    assert (a.dateline_place, a.agency) == ("Gaza City", "AFP")
    b = clean(f"KHARTOUM/CAIRO, Jan 12 — {STORY}")
    assert b.dateline_place == "Khartoum/Cairo"
    c = clean(f"PORT-AU-PRINCE — {STORY}")
    assert c.dateline_place == "Port-au-Prince"
    d = clean(f"EL FASHER — {STORY}")
    assert d.dateline_place == "El Fasher"


def test_tail_menus_and_share_lines():
    a = clean(
        f"{STORY}\n\nPublicidad\nComparte esta nota: Facebook | X | WhatsApp\n\nRelated: Dam repairs begin | Rice prices rise"
    )
    assert a.text == STORY


def test_read_more_list_at_the_end():
    a = clean(f"{STORY}\n\nRead more:\nBudget committee meets again\nHeatwave to peak on Friday")
    assert a.text == STORY


def test_html_saved_as_text_is_read_as_html():
    page = (
        "<!DOCTYPE html><html><head><title>Farmers march</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in STORY.split("\n\n"))
        + "<div>Get our morning briefing — sign up now</div></article></body></html>"
    )
    a = clean(page, kind="text")
    assert a.field_sources["text"] == "trafilatura"
    assert "<p>" not in a.text and "Police fired tear gas" in a.text
    assert "briefing" not in a.text

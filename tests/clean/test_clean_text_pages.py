"""Scraped pages and agency copy (fixtures written by us in the styles of real ones)."""

from pathlib import Path

import pytest

from wirewatch.clean import clean_document
from wirewatch.config import CleanOptions
from wirewatch.errors import InputProblem
from wirewatch.records import Article, RawDocument

FIXTURES = Path(__file__).parent / "fixtures"


def clean_fixture(name: str, **given) -> Article:
    raw = RawDocument(
        source=name, kind="text", content=(FIXTURES / name).read_text(encoding="utf-8"), **given
    )
    article = clean_document(raw, CleanOptions())
    assert isinstance(article, Article), article
    return article


def reasons(article: Article) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in article.removed:
        out.setdefault(item["reason"], []).append(item["text"])
    return out


def test_scraped_page_drops_chrome_and_keeps_the_story():
    a = clean_fixture("scraped_page.txt")
    for chrome in (
        "E-Paper",
        "Trending",
        "Download App",
        "Share",
        "Print",
        "Advertisement",
        "Disclaimer",
        "Related News",
        "Related Stories",
        "hockey cup",
        "river water sharing",
        "Last Updated",
    ):
        assert chrome not in a.text, chrome
    assert a.text.startswith("Rescue teams on Friday reached three hill villages")
    assert "Road links to the villages are expected to reopen by Sunday" in a.text
    found = reasons(a)
    assert found["section-menu"] == ["Home", "World", "E-Paper", "Trending"]
    assert found["app-prompt"] == ["Download App"]
    assert found["share-label"] == ["Share", "Print"]
    assert found["advertisement"] == ["Advertisement"]
    assert len(found["disclaimer"]) == 1
    assert len(found["related-stories"]) == 6  # the heading, a second heading and four links
    assert found["update-line"] == ["By PTI | Last Updated: March 14, 2025 09:10 IST"]


def test_scraped_page_metadata_and_sources():
    a = clean_fixture("scraped_page.txt")
    assert a.title == "Flash floods cut off three hill villages in northern Kashmir"
    assert a.agency == "PTI"
    assert a.dateline_place == "Srinagar"
    assert a.published_at == "2025-03-14T09:10:00+05:30"
    assert a.published_at_source == "header-line"
    assert a.field_sources["title"] == "header-line"
    assert a.field_sources["agency"] == "byline"
    assert a.field_sources["dateline_place"] == "dateline"
    assert a.field_sources["published_at"] == "header-line"
    assert a.language == "en"


def test_teaser_cut_short_is_kept_once():
    a = clean_fixture("scraped_page.txt")
    assert a.text.count("Rescue teams on Friday reached three hill villages") == 1
    assert "..." not in a.text
    assert len(reasons(a)["teaser-duplicate"]) == 1


def test_paragraphs_are_separated_by_one_blank_line():
    a = clean_fixture("agency_copy_pti.txt")  # has a run of blank lines inside
    assert "\n\n\n" not in a.text
    assert all(p == p.strip() and p for p in a.text.split("\n\n"))
    assert len(a.text.split("\n\n")) == 3


@pytest.mark.parametrize(
    ("name", "agency", "slug", "place"),
    [
        ("agency_copy_pti.txt", "PTI", "abc/rkd", "Kolkata"),
        ("agency_copy_ians.txt", "IANS", "mkb/vnd", "Islamabad"),
    ],
)
def test_agency_signoff_and_editor_slug_are_removed(name, agency, slug, place):
    a = clean_fixture(name)
    assert a.agency == agency
    assert a.field_sources["agency"] == "signoff"
    assert f"--{agency}" not in a.text
    assert slug not in a.text
    assert reasons(a)["editor-slug"] == [slug]
    assert reasons(a)["agency-signoff"] == [f"--{agency}"]
    assert a.dateline_place == place
    assert a.published_at is None and a.published_at_source == "none"


def test_inline_signoff_leaves_the_sentence():
    a = clean_fixture("agency_copy_ians.txt")
    assert a.text.endswith("A search operation is under way in the area, a spokesperson said.")


def test_reuters_wire_copy():
    a = clean_fixture("reuters_wire.txt")
    assert a.agency == "Reuters"
    assert a.dateline_place == "Khartoum"
    assert a.field_sources["agency"] == "dateline"
    assert a.text.startswith("Fighting between the army and a paramilitary force")
    assert "Reporting by" not in a.text
    assert reasons(a)["credit-line"] == ["(Reporting by Jane Roe; Editing by John Doe)"]
    assert reasons(a)["dateline"] == ["KHARTOUM (Reuters) -"]


def test_ap_wire_copy():
    a = clean_fixture("ap_wire.txt")
    assert (a.agency, a.dateline_place) == ("AP", "Kyiv")
    assert "Copyright" not in a.text
    assert a.text.startswith("Air defenses shot down most of the drones")


def test_subheadings_stay_in_the_body():
    a = clean_fixture("subheadings.txt")
    paragraphs = a.text.split("\n\n")
    assert "What the Coast Guard Says" in paragraphs
    assert "Shipping Firms Count the Cost" in paragraphs
    assert a.title == "Harbour authority suspends night shipping after patrol boat clash"
    assert a.title not in a.text
    assert a.dateline_place == "Port Saliya"


def test_non_english_article_is_kept_and_marked():
    a = clean_fixture("espanol.txt")
    assert a.language == "es"
    assert a.field_sources["language"] == "detected"
    assert a.agency == "AFP"  # "Por AFP"
    assert a.title == "Enfrentamientos en la frontera dejan dos soldados heridos"
    assert a.text.startswith("Dos soldados resultaron heridos el martes")


def test_language_detection_can_be_switched_off():
    raw = RawDocument(source="x", kind="text", content=(FIXTURES / "espanol.txt").read_text(encoding="utf-8"))
    a = clean_document(raw, CleanOptions(detect_language=False))
    assert a.language is None and "language" not in a.field_sources


def test_typographic_quotes_are_kept_and_spaces_tidied():
    content = "Officials said the town was \u2018calm\u2019 and \u201cunder control\u201d by evening.   \n\n\n\nA curfew stays in place until Friday, they said.\u00a0 \n"
    a = clean_document(RawDocument(source="q", kind="text", content=content), CleanOptions())
    assert a.text == (
        "Officials said the town was \u2018calm\u2019 and \u201cunder control\u201d by evening.\n\n"
        "A curfew stays in place until Friday, they said."
    )


def test_hard_wrapped_copy_is_joined_into_paragraphs():
    content = (
        "The minister said on Tuesday that the talks would resume next week in the\n"
        "capital, and that both delegations had agreed to a list of topics for the\n"
        "first session.\n"
        "He did not give a date.\n"
    )
    a = clean_document(RawDocument(source="w", kind="text", content=content), CleanOptions())
    assert a.text.split("\n\n") == [
        "The minister said on Tuesday that the talks would resume next week in the capital, and that both "
        "delegations had agreed to a list of topics for the first session.",
        "He did not give a date.",
    ]


def test_too_little_text_is_an_input_problem():
    raw = RawDocument(source="menu.txt", kind="text", content="Home\nWorld\nOpen in App\nAdvertisement\n")
    problem = clean_document(raw, CleanOptions())
    assert isinstance(problem, InputProblem)
    assert problem.code == "W008"
    assert "menu.txt" in problem.line()


def test_min_body_chars_is_an_option():
    raw = RawDocument(source="short.txt", kind="text", content="Two people were hurt in a blast on Sunday.")
    assert isinstance(clean_document(raw, CleanOptions(min_body_chars=200)), InputProblem)
    assert isinstance(clean_document(raw, CleanOptions(min_body_chars=20)), Article)


def test_article_id_is_the_raw_id():
    raw = RawDocument(
        source="a", kind="text", content=(FIXTURES / "reuters_wire.txt").read_text(encoding="utf-8")
    )
    assert clean_document(raw, CleanOptions()).article_id == raw.raw_id


def test_removed_items_are_listed_in_reading_order():
    a = clean_fixture("scraped_page.txt")
    texts = [item["text"] for item in a.removed]
    assert texts[:5] == [
        "Home",
        "World",
        "E-Paper",
        "Trending",
        "Flash floods cut off three hill villages in northern Kashmir",
    ]
    assert texts[-1] == "WorldPort workers end week-long strike after wage deal"

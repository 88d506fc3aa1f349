"""HTML pages: trafilatura body, metadata from tags, fallbacks, and bad pages."""

from pathlib import Path

import pytest

from wirewatch.clean import clean_document, html
from wirewatch.config import CleanOptions
from wirewatch.errors import InputProblem
from wirewatch.records import Article, RawDocument

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = (FIXTURES / "article_page.html").read_text(encoding="utf-8")


def clean_html(content: str, **given) -> Article | InputProblem:
    return clean_document(
        RawDocument(source="page.html", kind="html", content=content, **given), CleanOptions()
    )


def test_html_body_without_page_chrome():
    a = clean_html(PAGE)
    assert isinstance(a, Article)
    assert a.text.startswith("Hundreds of protesters blocked the coastal highway")
    assert "Transport unions have called for a general strike" in a.text
    for chrome in ("Subscribe", "Ferry timetable", "Privacy", "Advertisement", "Disclaimer", "Copyright"):
        assert chrome not in a.text, chrome
    assert "\n\n" in a.text and "\n\n\n" not in a.text
    assert a.field_sources["text"] == "trafilatura"


def test_html_metadata_from_tags():
    a = clean_html(PAGE)
    assert a.title == "Protesters block coastal highway over fuel prices"
    assert a.title not in a.text  # the page's h1 repeats the title
    assert a.author == "Mara Ellison"
    assert a.outlet == "The Harbour Gazette"
    assert a.url == "https://www.harbourgazette.example/news/2025/05/02/highway-protest"
    assert (a.published_at, a.published_at_source) == ("2025-05-02T08:30:00+03:00", "html-meta")
    assert a.language == "en"
    for name in ("title", "author", "outlet", "url", "published_at"):
        assert a.field_sources[name] == "html-meta", name


def test_input_record_values_win_over_html_tags():
    a = clean_html(
        PAGE, url="https://mirror.example.net/p/9", given_published_at="2025-05-02", given_outlet="Mirror"
    )
    assert a.url == "https://mirror.example.net/p/9" and a.field_sources["url"] == "input"
    assert (a.published_at, a.published_at_source) == ("2025-05-02", "input")
    assert a.outlet == "Mirror"


def test_a_feed_items_cut_down_title_never_replaces_the_headline():
    a = clean_html(PAGE, given_title="Protesters block coastal highway…")
    assert a.title == "Protesters block coastal highway over fuel prices"
    assert a.field_sources["title"] == "html-meta"
    full = clean_html(PAGE, given_title="Coastal highway blocked")  # another title altogether: the input's
    assert full.title == "Coastal highway blocked"


def test_a_headline_line_under_a_cut_down_feed_title_is_no_body_text():
    text = (
        "Gunmen kill seven in raid on Katsina village\n\n"
        "KATSINA, Nigeria - Gunmen on motorcycles stormed a village in Katsina state on Tuesday night, "
        "killing seven people, police said.\n\nThe attackers opened fire on residents, a spokesman said."
    )
    a = clean_document(RawDocument(source="item.txt", kind="text", content=text, given_title="Gunmen kill seven in…"),
                       CleanOptions())  # fmt: skip
    assert isinstance(a, Article)
    assert a.title == "Gunmen kill seven in raid on Katsina village"
    assert "Gunmen kill seven" not in a.text


def test_jsonld_metadata():
    page = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "x"},
     {"@type": "NewsArticle", "headline": "Dam breach floods farmland", "datePublished": "2024-09-10T06:00:00Z",
      "author": [{"@type": "Person", "name": "Ravi Menon"}], "publisher": {"@type": "Organization", "name": "Delta Daily"}}]}
    </script></head><body><article>
    <p>A breach in an irrigation dam flooded several thousand acres of farmland overnight, forcing families in four villages to leave their homes before dawn.</p>
    <p>Engineers said the breach was caused by weeks of heavy rain and that repairs would take at least a month.</p>
    </article></body></html>"""
    a = clean_html(page)
    assert a.title == "Dam breach floods farmland"
    assert a.published_at == "2024-09-10T06:00:00Z"
    assert a.author == "Ravi Menon"
    assert a.outlet == "Delta Daily"


def test_text_level_rules_apply_to_html_text():
    page = """<html><body><article>
    <p>KABUL (Reuters) - A roadside bomb hit a minibus carrying government employees in the west of the city on Monday, killing three people, police said.</p>
    <p>No group claimed responsibility for the attack.</p>
    <p>(Reporting by Jane Roe; Editing by John Doe)</p>
    </article></body></html>"""
    a = clean_html(page)
    assert a.agency == "Reuters" and a.dateline_place == "Kabul"
    assert a.text.startswith("A roadside bomb hit a minibus")
    assert "Reporting by" not in a.text


def test_fallback_to_justext_then_lxml(monkeypatch):
    monkeypatch.setattr(html, "_trafilatura", lambda content, url: "")
    a = clean_html(PAGE)
    assert a.field_sources["text"] == "justext"
    assert "Hundreds of protesters blocked the coastal highway" in a.text
    monkeypatch.setattr(html, "_justext", lambda content, stoplist="English": "")
    a = clean_html(PAGE)
    assert a.field_sources["text"] == "lxml"
    assert "Hundreds of protesters blocked the coastal highway" in a.text
    assert "Subscribe" not in a.text and "Privacy" not in a.text  # nav, header and footer dropped


@pytest.mark.parametrize(
    "content", ["", "   ", "<html><body></body></html>", "<html><body><nav>Home</nav></body></html>"]
)
def test_empty_or_textless_html_is_an_input_problem(content):
    problem = clean_html(content)
    assert isinstance(problem, InputProblem)
    assert problem.code == "W008"
    assert problem.line().startswith("error W008: page.html:")


def test_broken_markup_still_gives_text():
    page = "<html><body><div><p>Shelling hit the northern suburbs overnight and at least two houses were destroyed, the regional governor said on Sunday.<p>Nobody was hurt, he said.</div"
    a = clean_html(page)
    assert isinstance(a, Article)
    assert "Shelling hit the northern suburbs overnight" in a.text


def test_compact_pubdate_meta():
    page = PAGE.replace(
        '<meta property="article:published_time" content="2025-05-02T08:30:00+03:00">',
        '<meta name="pubdate" content="20250502">',
    )
    a = clean_html(page)
    assert (a.published_at, a.published_at_source) == ("2025-05-02", "html-meta")


def test_site_name_is_taken_off_the_title():
    page = PAGE.replace(
        '<meta property="og:title" content="Protesters block coastal highway over fuel prices">', ""
    )
    a = clean_html(page)  # falls back to <title>, which carries "| The Harbour Gazette"
    assert a.title == "Protesters block coastal highway over fuel prices"
    assert (
        html.strip_site_suffix("Harbour Gazette - Ferry fares rise", "Harbour Gazette") == "Ferry fares rise"
    )
    assert html.strip_site_suffix("Talks stall - officials", "Harbour Gazette") == "Talks stall - officials"


def test_justext_fallback_uses_the_page_language(monkeypatch):
    monkeypatch.setattr(html, "_trafilatura", lambda content, url: "")
    page = (
        '<html lang="es"><head><title>Cortes de agua</title></head><body><div>'
        "<p>Los vecinos de tres barrios del sur de la ciudad se quedaron sin agua durante dos días "
        "después de que una tubería principal se rompiera el lunes por la noche, informó la empresa, "
        "que pidió a los vecinos que guarden el agua que tengan y que no la usen para regar los jardines.</p>"
        "<p>La empresa dijo que las reparaciones terminarían el jueves y que enviaría camiones cisterna "
        "a los barrios afectados mientras tanto.</p></div></body></html>"
    )
    a = clean_html(page)
    assert a.field_sources["text"] == "justext"
    assert "tubería principal" in a.text
    assert a.language == "es"

"""Every chrome rule is data with a name, and each one does what users rely on."""

import json
from importlib import resources

import pytest

from wirewatch.clean.ruleset import chrome_rules, load_rules_file
from wirewatch.clean.text import drop_repeats, strip_chrome

REAL_SENTENCES = [
    "Police said the crowd had gathered outside the city hall before the shooting began.",
    "Share prices fell sharply after the attack, traders said.",
    "Print media in the region has been under pressure since the coup.",
    "The advertisement campaign was paid for by the ruling party, the commission found.",
    "Updated casualty figures released on Monday showed 14 people had died.",
    "Related stories of abuse were collected by the rights group in three provinces.",
    "Business owners in the market said they would stay closed until Friday.",
    "World leaders condemned the strike, which killed at least nine people.",
    "Email messages seen by reporters showed the order came from the ministry.",
]


def test_every_rule_has_a_name_and_a_reason():
    data = load_rules_file("chrome.json")
    names = [r["name"] for r in data["line_rules"] + data["block_rules"] + data["inline_prefix_rules"]]
    names += [data["teaser"]["name"], data["duplicate_paragraph"]["name"]]
    assert len(names) == len(set(names))
    for rule in data["line_rules"] + data["block_rules"] + data["inline_prefix_rules"]:
        assert rule.get("why"), rule["name"]


def test_rules_files_are_valid_json():
    for name in ("chrome.json", "metadata.json", "html.json"):
        json.loads(resources.files("wirewatch.clean.rules").joinpath(name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("City", "section-menu"),
        ("Epaper", "section-menu"),
        ("Latest News", "section-menu"),
        ("Open in App", "app-prompt"),
        ("Download the App", "app-prompt"),
        ("Share", "share-label"),
        ("Print", "share-label"),
        ("Follow us on Facebook, Twitter", "share-label"),
        ("12 Comments", "share-label"),
        ("Advertisement", "advertisement"),
        ("Story continues below advertisement", "advertisement"),
        ("Disclaimer: This article is generated from a wire feed and carries no edits.", "disclaimer"),
        (
            "(This story has not been edited by our staff and is auto-generated from a syndicated feed.)",
            "disclaimer",
        ),
        ("This copy is auto-generated from a wire feed and shown unchanged.", "disclaimer"),
        ("By PTI | Updated: March 4, 2025 09:10 IST", "update-line"),
        ("Last Updated: 3 March 2025, 10:15 PM", "update-line"),
        ("Published on Jan 4, 2025", "update-line"),
        ("4 min read", "reading-time"),
        ("Sign up for our morning newsletter", "newsletter-prompt"),
        ("Follow us on WhatsApp for the latest updates", "newsletter-prompt"),
        ("Also Read: Floods displace thousands in river delta", "also-read"),
        ("Photo: Staff photographer", "photo-credit"),
        ("BusinessFerry fares rise for the summer season", "glued-category-link"),
        ("InternationalTalks resume on border crossings", "glued-category-link"),
    ],
)
def test_line_rules(line, rule):
    assert chrome_rules().line_rule_for(line) == rule


@pytest.mark.parametrize("sentence", REAL_SENTENCES)
def test_line_rules_leave_article_sentences_alone(sentence):
    assert chrome_rules().line_rule_for(sentence) is None


def test_glued_category_rule_spares_sentences():
    # a sentence that happens to start with a glued-looking word is not a link
    assert (
        chrome_rules().line_rule_for("NationalGrid engineers restored power to most homes by midnight.")
        is None
    )


PROSE = (
    "Security forces cordoned off the area after the explosion, and ambulances took the wounded to the "
    "district hospital, officials said."
)


def test_related_block_drops_the_heading_and_its_links_until_prose():
    units = [
        PROSE,
        "Related Stories",
        "WorldPorts reopen after storm",
        "Three ministers resign over budget row",
        "Rescue teams were still searching the rubble for survivors late on Tuesday, a spokesman said.",
    ]
    result = strip_chrome(units, chrome_rules())
    assert result.kept == [units[0], units[4]]
    assert [r["reason"] for r in result.removed] == ["related-stories"] * 3


def test_related_heading_above_the_story_does_not_eat_the_headline():
    units = ["More Stories", "Curfew imposed in two towns after clashes", PROSE]
    result = strip_chrome(units, chrome_rules())
    assert "Curfew imposed in two towns after clashes" in result.kept


def test_misspelt_related_heading_with_category():
    units = [PROSE, "International Realted Stories", "InternationalCeasefire talks stall again"]
    assert strip_chrome(units, chrome_rules()).kept == [PROSE]


def test_teaser_with_ellipsis_is_dropped_when_the_full_paragraph_follows():
    teaser = "Security forces cordoned off the area after the explosion, and ambulances ..."
    kept, removed = drop_repeats([teaser, PROSE], chrome_rules())
    assert kept == [PROSE]
    assert removed == [{"text": teaser, "reason": "teaser-duplicate"}]


def test_paragraph_ending_in_ellipsis_without_a_repeat_is_kept():
    trailing = "He paused, then said only that the talks would go on ..."
    kept, _ = drop_repeats([PROSE, trailing], chrome_rules())
    assert kept == [PROSE, trailing]


def test_repeated_paragraph_is_dropped_in_text_but_kept_when_asked():
    kept, removed = drop_repeats([PROSE, PROSE], chrome_rules())
    assert kept == [PROSE] and removed[0]["reason"] == "duplicate-paragraph"
    kept, removed = drop_repeats([PROSE, PROSE], chrome_rules(), duplicates=False)
    assert kept == [PROSE, PROSE] and removed == []


def test_date_field_prefix_is_split_from_the_line():
    result = strip_chrome(["date 2024-11-02 Advertisement", PROSE], chrome_rules())
    assert result.kept == [PROSE]
    assert result.prefix_values == {"date-field": "2024-11-02"}
    assert [r["reason"] for r in result.removed] == ["date-field", "advertisement"]

"""extract_mentions on whole articles we wrote in the styles of real ones (uses spaCy)."""

from __future__ import annotations

import pytest

from wirewatch.config import ExtractOptions
from wirewatch.extract import EXTRACTOR_VERSION, extract_mentions
from wirewatch.records import Article

pytest.importorskip("spacy")


def run(text: str, published_at: str | None = "2025-03-12", **kw) -> list:
    article = Article(
        article_id="t-" + str(abs(hash(text)) % 10**8),
        source="test",
        text=text,
        published_at=published_at,
        **kw,
    )
    return extract_mentions(article, ExtractOptions())


AGENCY_COPY = """Mogadishu: A suicide bomber blew himself up at an army checkpoint in Mogadishu on Tuesday, killing seven soldiers, police said.

The attack was the deadliest in the capital this month. "We will hunt down those who planned it," the mayor said.

Al-Shabaab has carried out dozens of attacks in the city since the start of the year.

--Wirewire

abc/xyz"""


def test_agency_copy_suicide_bombing():
    (m,) = run(AGENCY_COPY)
    assert (m.event_type, m.sub_event_type) == ("Explosions/Remote violence", "Suicide bomb")
    assert m.country == "Somalia" and m.location == "Mogadishu"
    assert m.fatalities == 7
    assert m.date_expression == "on Tuesday" and m.event_date == "2025-03-11"
    assert m.disorder_type == "Political violence"
    for span in m.spans:
        assert AGENCY_COPY[span.start : span.end] == span.text
    assert {s.field for s in m.spans} >= {"trigger", "location", "date", "fatalities"}
    assert 0 < m.confidence <= 1


def test_spans_and_ids_are_stable():
    a = run(AGENCY_COPY)
    b = run(AGENCY_COPY)
    assert [m.mention_id for m in a] == [m.mention_id for m in b]
    assert EXTRACTOR_VERSION.startswith("wirewatch-extract/")


FOOTBALL = """Late drama in the derby

The visitors' attack finally broke through in stoppage time when the striker shot low past the keeper.

The coach said his side had killed the game off too late. The league table now has three teams level on points."""


def test_sport_report_has_no_events():
    assert run(FOOTBALL) == []


LABOUR = """Lagos: Thousands of dock workers went on strike on Monday in Lagos, demanding unpaid wages, union leaders said.

The strike halted cargo handling at the port, traders said."""


def test_labour_strike_becomes_a_protest():
    ms = run(LABOUR)
    assert ms, "the strike is a protest event"
    assert all(m.event_type == "Protests" for m in ms)
    assert ms[0].country == "Nigeria"


THREAT = """Ankara: The defence minister vowed on Monday to strike militant hideouts across the border if attacks on outposts continued.

"We will not hesitate to respond with force," he told lawmakers."""


def test_threats_make_no_events():
    assert run(THREAT) == []


STRIKE_ARTICLE = """Kyiv: Russian drones struck an energy facility in Kherson overnight, regional officials said, adding that there were no civilian casualties.

The strike cut power to thousands of homes, the governor said."""


def test_no_civilian_casualties_leaves_the_toll_unknown_and_merges_the_follow_up():
    (m,) = run(STRIKE_ARTICLE)
    assert m.sub_event_type == "Air/drone strike"
    assert m.fatalities is None
    assert m.country == "Ukraine" and m.location == "Kherson"
    assert m.actor1 and "Russia" in m.actor1


def test_without_publication_date_the_expression_is_kept_and_confidence_drops():
    with_date = run(AGENCY_COPY)[0]
    (m,) = run(AGENCY_COPY, published_at=None)
    assert m.date_expression == "on Tuesday"
    assert m.event_date is None and m.date_low is None
    assert m.confidence < with_date.confidence


TWO_EVENTS = """Peshawar: Gunmen on motorbikes shot dead two polio workers in Peshawar on Saturday, police said.

In a separate incident, a roadside bomb struck a police van in Quetta, wounding five officers, officials said."""


def test_two_events_in_two_places():
    ms = sorted(run(TWO_EVENTS), key=lambda m: m.sentence_start)
    assert [m.location for m in ms] == ["Peshawar", "Quetta"]
    assert ms[0].fatalities == 2 and ms[0].event_type == "Violence against civilians"
    assert ms[0].civilian_targeting == "Civilian targeting"
    assert ms[1].sub_event_type == "Remote explosive/landmine/IED"
    assert ms[1].injuries == 5 and ms[1].fatalities is None


AGGREGATE = """Goma: Rebels have attacked army positions more than 50 times since January, the UN said in a report on Thursday.

Over the past year, fighting has displaced hundreds of thousands of people in the province."""


def test_aggregates_make_no_events():
    assert run(AGGREGATE) == []


def test_articles_without_triggers_skip_the_parser():
    text = "The city council approved a new budget for school meals and road repairs on Monday."
    assert run(text) == []


def test_here_means_the_dateline_city():
    text = "Police used batons to disperse hundreds of students protesting outside the university here on Tuesday, officials said."
    (m,) = run("Peshawar: " + text, dateline_place="Peshawar")
    assert m.event_type == "Protests" and m.location == "Peshawar"


FOLLOW_UP = """Kaduna: Gunmen attacked a village in Kaduna state on Monday, police said.

At least nine villagers were killed and several houses were burned, residents said."""


def test_a_casualty_follow_up_joins_the_event():
    (m,) = run(FOLLOW_UP)
    assert m.fatalities == 9
    assert m.country == "Nigeria"
    assert len({s.start for s in m.spans if s.field == "trigger"}) >= 2


CLAIM = """Quetta: A bomb exploded near a police van in Quetta on Friday, killing two officers, officials said.

The Balochistan Liberation Army claimed responsibility for the attack."""


def test_claimed_responsibility_names_actor1():
    (m,) = run(CLAIM)
    assert m.fatalities == 2 and m.location == "Quetta"
    assert m.actor1 and "Balochistan Liberation Army" in m.actor1


ROUNDUP = """NAIROBI: Police fired tear gas at hundreds of traders who marched on the county offices in Nakuru on Thursday to protest against new market fees, witnesses said.

The traders said the fees would double their costs.

Smaller demonstrations were also held in Eldoret and Kisumu, where they passed off peacefully."""


def test_an_undated_event_takes_the_article_time_frame_loosely():
    mentions = run(ROUNDUP, published_at="2025-03-14")
    lead = next(m for m in mentions if m.location == "Nakuru")
    assert lead.event_date == "2025-03-13" and lead.time_precision == 1
    later = [m for m in mentions if m.location in ("Eldoret", "Kisumu")]
    assert later, [(m.location, m.sentence) for m in mentions]
    for m in later:
        # not said of this event: the lead's day, a day more at the top, week precision
        assert (m.event_date, m.date_low, m.date_high, m.time_precision) == (
            "2025-03-13", "2025-03-13", "2025-03-14", 2,
        )  # fmt: skip
        (date_span,) = [s for s in m.spans if s.field == "date"]
        assert ROUNDUP[date_span.start : date_span.end] == date_span.text == "on Thursday"
        assert "date not given for this event" in m.notes
        assert m.confidence < lead.confidence


def test_an_undated_event_takes_the_date_of_its_own_sentence():
    text = (
        "IMPHAL: Violence flared in the hill district on Friday as a mob set fire to a dozen shops in "
        "Churachandpur, while two village guards were killed in a gunfight with armed men near Moirang, "
        "police said."
    )
    by_place = {m.location: m for m in run(text, published_at="2025-06-14")}
    riot, clash = by_place["Churachandpur"], by_place["Moirang"]
    assert riot.event_date == clash.event_date == "2025-06-13"
    assert clash.time_precision == 1  # said in its own sentence: as precise as there
    assert "date not given" not in clash.notes


def test_a_place_the_gazetteer_lacks_still_gets_its_town_or_country():
    text = (
        "MOMBASA, Kenya, March 4 - Cargo ships queued outside the Port of Mombasa on Tuesday as hundreds of "
        "dockworkers held a protest over unpaid wages, union officials said.\n\n"
        "Later in the day about 200 workers staged a sit-in near Kilindini, the union said."
    )
    by_place = {m.location: m for m in run(text, published_at="2025-03-04", dateline_place="Mombasa")}
    port = by_place["Mombasa"]  # "the Port of Mombasa": part of the town
    assert (port.country, port.geo_precision) == ("Kenya", 2) and port.latitude is not None
    sit_in = by_place["Kilindini"]  # unknown: the name without "near", the country from the context
    assert (sit_in.country, sit_in.geo_precision, sit_in.latitude) == ("Kenya", 2, None)
    assert "not in the gazetteer" in sit_in.notes


def test_a_street_the_gazetteer_lacks_is_coded_to_the_article_town():
    text = (
        "Riot police in Kisumu fired tear gas on Monday at traders protesting against a ban on street "
        "hawking, witnesses said.\n\n"
        "Later, a second group of hawkers staged a protest at Angawa Avenue for two hours, witnesses said."
    )
    mentions = run(text, published_at="2025-03-11")
    street = [m for m in mentions if "Angawa Avenue" in m.notes]
    assert street, [(m.location, m.notes) for m in mentions]
    assert (street[0].location, street[0].country, street[0].geo_precision) == ("Kisumu", "Kenya", 2)
    assert "the town it is in" in street[0].notes


def test_a_town_the_small_model_tags_as_a_people_is_still_a_place():
    # en_core_web_sm labels "Aleppo" NORP here; a demonym ("Syrian") stays no place
    (strike,) = run(
        "Warplanes pounded neighbourhoods of Aleppo city overnight, killing four civilians, a monitor said."
    )
    assert (strike.location, strike.country) == ("Aleppo", "Syria")
    (shelling,) = run(
        "Syrian troops shelled rebel positions overnight, killing four fighters, a monitor said."
    )
    assert shelling.location is None or shelling.geo_precision == 3  # never a town called "Syrian"


def test_a_site_is_placed_in_the_town_of_the_events_not_the_bureau_dateline():
    text = (
        "CAIRO, March 4 (Wirewire) - A drone strike hit a market in Nyala in Sudan's South Darfur state on "
        "Monday, killing nine people, medics said.\n\n"
        "Separately, gunmen opened fire at Al-Salam Hospital, killing a guard, the medics said."
    )
    mentions = run(text, published_at="2025-03-04", dateline_place="Cairo")
    assert all(m.country != "Egypt" for m in mentions), [(m.location, m.country) for m in mentions]

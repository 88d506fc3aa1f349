"""The failure classes real text showed (analysts' notes, incident summaries, old wire copy),
one or more sentences each, written by us in the styles of such text. Uses spaCy."""

from __future__ import annotations

import pytest

from wirewatch.config import ExtractOptions
from wirewatch.extract import extract_mentions
from wirewatch.records import Article

pytest.importorskip("spacy")


def run(text: str, published_at: str | None = "2024-06-12", **kw) -> list:
    article = Article(
        article_id="c-" + str(abs(hash(text)) % 10**8),
        source="test",
        text=text,
        published_at=published_at,
        **kw,
    )
    return extract_mentions(article, ExtractOptions())


def one(text: str, **kw):
    mentions = run(text, **kw)
    assert len(mentions) == 1, [(m.sub_event_type, m.sentence) for m in mentions]
    return mentions[0]


# -- who the victims are decides the type -------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "On 10 June 2024, militants ambushed an army patrol near Menaka, killing twelve soldiers.",
        "Gunmen attacked a police checkpoint in Maiduguri on Monday and killed four police officers.",
        "Suspected jihadists killed nine soldiers in an attack on a military post near Djibo on Monday.",
    ],
)
def test_armed_victims_make_a_battle(text):
    m = one(text)
    assert (m.event_type, m.sub_event_type) == ("Battles", "Armed clash")
    assert m.actor2 is not None and not m.actor2.startswith("Civilians")
    assert m.inter2 == 1


def test_civilian_victims_make_violence_against_civilians():
    m = one("Gunmen killed five villagers in an attack on a hamlet near Bunia on Monday.")
    assert (m.event_type, m.sub_event_type) == ("Violence against civilians", "Attack")
    assert m.actor2 == "Civilians (Democratic Republic of Congo)" and m.inter2 == 7


# -- actors in every grammatical shape -----------------------------------------------------------------
def test_passive_agent_is_actor1():
    m = one("On 11 June 2024, three farmers were killed by Boko Haram fighters near Konduga.")
    assert "Boko Haram" in m.actor1
    assert m.actor2 == "Civilians (Nigeria)"


def test_nominal_attack_by_on():
    m = one("An attack by al-Shabaab on a police station in Beledweyne on Tuesday left two officers dead.")
    assert "Shabaab" in m.actor1
    assert m.actor2 == "Police Forces of Somalia"
    assert m.event_type == "Battles"


def test_claimed_by():
    m = one(
        "A roadside bomb that hit a bus in Quetta on Monday was claimed by the Balochistan Liberation Army."
    )
    assert "Balochistan Liberation Army" in m.actor1


@pytest.mark.parametrize(
    "text, actor1, inter1",
    [
        ("Unidentified gunmen shot dead a trader in Kaduna on Monday.", "Unidentified Armed Group (Nigeria)", 3),
        ("Protesters marched through Dakar on Monday demanding lower bread prices.", "Protesters (Senegal)", 6),
        ("Rioters burned tyres and looted shops in Lubumbashi on Monday.", "Rioters (Democratic Republic of Congo)", 5),
        ("Security forces opened fire on a crowd in Conakry on Monday, killing two people.",
         "Military Forces of Guinea", 1),
    ],
)  # fmt: skip
def test_unnamed_actors_by_convention(text, actor1, inter1):
    m = one(text)
    assert (m.actor1, m.inter1) == (actor1, inter1)


# -- places resolved in context ------------------------------------------------------------------------
def test_place_with_its_province_in_brackets():
    m = one("On 9 June 2024, gunmen killed two herders in Tillaberi (Tillaberi, Tillaberi).")
    assert m.country == "Niger"


def test_place_followed_by_its_country():
    m = one("On 9 June 2024, unknown attackers set fire to a mosque in Valence, France.")
    assert m.country == "France"


def test_place_inside_named_province():
    m = one(
        "A bomb exploded at a market in Tuz Khurmatu in Salahuddin province on Monday, killing three people."
    )
    assert m.country == "Iraq" and m.admin1 and "Sala" in m.admin1


def test_unknown_village_falls_back_to_its_district():
    m = one("On 9 June 2024, gunmen killed four civilians in Zzyzxvillage village (Kalehe, Sud-Kivu).")
    assert m.country == "Democratic Republic of Congo"
    assert m.geo_precision in (2, 3)
    assert "Zzyzxvillage" in (m.notes or "")


# -- case ------------------------------------------------------------------------------------------------
CASED = "Gunmen killed five villagers in an attack near Bunia on Monday, local officials said."


@pytest.mark.parametrize("text", [CASED.lower(), CASED.upper()])
def test_lower_and_upper_case_code_the_same(text):
    normal = one(CASED)
    other = one(text)
    assert (other.event_type, other.sub_event_type, other.country, other.location, other.fatalities) == (
        normal.event_type, normal.sub_event_type, normal.country, normal.location, normal.fatalities,
    )  # fmt: skip


# -- missing event kinds ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "On 3 March 2024, unknown persons threw petrol bombs at a school in Bulawayo.",
        "Attackers set fire to three homes in a village near Jos on Monday night.",
        "A man stabbed three people outside a railway station in Marseille on Monday.",
        "A woman was hurt when an assailant threw acid at her in Dhaka on Monday.",
        "Armed men hijacked a passenger bus near Zamfara on Monday and took its 20 passengers hostage.",
        "A driver rammed his car into a crowd at a market in Nice on Monday, injuring nine people.",
        "Gunmen kill three in Katsina village raid",
    ],
)
def test_missing_kinds_are_events(text):
    assert run(text), text


# -- context cues govern their own frame ---------------------------------------------------------------
def test_protest_about_a_pandemic_is_a_protest():
    m = one("On 4 May 2024, taxi drivers protested in Cali against the coronavirus lockdown rules.")
    assert m.event_type == "Protests"


def test_a_name_that_is_an_ordinary_word_is_no_context():
    assert run("Gunmen shot dead businessman Peter Cup outside his shop in Durban on Monday.")


# -- demonstrations --------------------------------------------------------------------------------------
def test_protesters_clashing_with_police_is_not_a_battle():
    m = one("On 5 June 2024, protesters clashed with police in Nairobi, who fired tear gas to disperse them.")
    assert m.event_type in ("Protests", "Riots")


def test_foreign_nationals_demonstrating_are_protesters_not_an_army():
    m = one("On 5 June 2024, Nigerian students protested outside the embassy in Accra over unpaid grants.")
    assert m.event_type == "Protests" and m.actor1 == "Protesters (Ghana)"


# -- tolls -----------------------------------------------------------------------------------------------
def test_disjoint_groups_add_up():
    m = one(
        "Five peacekeepers and seven aid workers were killed in an attack on a convoy near Beni on Monday."
    )
    assert m.fatalities == 12


def test_appositive_breakdown_is_not_counted_twice():
    m = one(
        "Twelve people, including five children, were killed when gunmen attacked a village near Bunia on Monday."
    )
    assert m.fatalities == 12


def test_toll_rose_to_updates():
    m = one("A bomb exploded at a market in Mogadishu on Monday. The death toll rose to 14 on Tuesday.")
    assert m.fatalities == 14


def test_background_totals_are_refused():
    m = one(
        "Gunmen killed two farmers near Mopti on Monday. "
        "More than 4,000 people have been killed in the region since 2015."
    )
    assert m.fatalities == 2


# -- police killings -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "On 6 June 2024, a young man died in police firing in Kisumu.",
        "On 6 June 2024, a suspected robber was shot dead by police in Kisumu.",
    ],
)
def test_police_killings(text):
    m = one(text)
    assert m.actor1 == "Police Forces of Kenya"
    assert m.event_type == "Violence against civilians"


# -- a country from the actors when no place gives one ------------------------------------------------
def test_no_place_named_the_country_comes_from_the_named_forces():
    m = one("On 3 June 2024, the Malian army fired mortars at the positions of the rebels "
            "in the area of the old quarry.")  # fmt: skip
    assert m.iso3 == "MLI" and m.geo_precision == 3
    assert "country taken from" in (m.notes or "")


# -- whose positions were hit; what was fired is not the target ----------------------------------------
def test_the_owner_of_positions_fired_at_is_actor2_not_the_weapon():
    m = one("On 3 June 2024, the Malian army fired grenade launchers at the positions of Al Shabaab "
            "near Gao.")  # fmt: skip
    assert m.actor1 == "Military Forces of Mali" and m.actor2 == "Al-Shabaab"


# -- what the weapons say: series of explosions, fire in both directions --------------------------------
def test_a_series_of_explosions_with_no_device_named_is_shelling():
    m = one("On 3 June 2024, monitors recorded a total of 14 explosions near Avdiivka.")
    assert m.sub_event_type == "Shelling/artillery/missile attack"


def test_a_single_unexplained_blast_is_a_planted_device():
    m = one("On 3 June 2024, an explosion ripped through a market in Mogadishu, killing five people.")
    assert m.sub_event_type == "Remote explosive/landmine/IED"


def test_fire_in_both_directions_is_an_armed_clash_whatever_the_weapons():
    m = one("On 3 June 2024, monitors recorded 40 explosions and bursts of fire in both directions "
            "of the contact line near Avdiivka.")  # fmt: skip
    assert (m.event_type, m.sub_event_type) == ("Battles", "Armed clash")


def test_a_dateline_the_parser_takes_for_a_subject_is_not_the_actor():
    m = one("New Delhi: Bangladesh on Friday launched a retaliatory attack, targeting rebel groups "
            "based in Myanmar, local media said.")  # fmt: skip
    assert m.actor1 == "Military Forces of Bangladesh"


def test_a_side_named_in_one_sentence_beats_the_unnamed_one_in_another():
    from types import SimpleNamespace as Group

    from wirewatch.extract.actors import ActorChoice
    from wirewatch.extract.mentions import _actor_groups

    army = ActorChoice("Military Forces of Mali", 1, "MLI", 0, 4, "army")
    unnamed = ActorChoice("Unidentified Armed Group (Mali)", 3, "MLI", 0, 4, "militants")
    named = ActorChoice("Al-Shabaab", 2, None, 0, 4, "Al-Shabaab")
    groups = [
        Group(actor1=army, actor2=unnamed, anaphoric=False),
        Group(actor1=army, actor2=named, anaphoric=False),
    ]
    assert _actor_groups(groups)[1] is groups[1]


@pytest.mark.parametrize(
    "text",
    [
        "Gang members killed a shopkeeper in Culiacan, Mexico, on Tuesday.",
        "Suspected drug traffickers attacked a police patrol in Culiacan, Mexico, on Tuesday, killing two officers.",
    ],
)
def test_gangs_and_traffickers_are_coded_as_an_unidentified_gang(text):
    assert one(text).actor1 == "Unidentified Gang (Mexico)"


def test_a_body_found_is_a_killing_with_one_dead():
    m = one("On 3 June 2024, in Londrina, Brazil, the body of a man was found by a road with his hands tied.")
    assert m.event_type == "Violence against civilians" and m.fatalities == 1


def test_shots_counted_near_a_village_are_an_armed_clash():
    m = one("On 3 June 2024, monitors recorded a total of 12 shots involving small arms near Avdiivka.")
    assert m.sub_event_type == "Armed clash"


def test_an_air_force_that_targeted_something_made_an_air_strike():
    m = one("On 3 June 2024, the Sudanese air force targeted a militia command post near Nyala.")
    assert m.sub_event_type == "Air/drone strike"

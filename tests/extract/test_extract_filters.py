"""Trigger, non-event, modality and toll rules on sentences we wrote (no spaCy needed)."""

from __future__ import annotations

from datetime import date

import pytest

from wirewatch.extract.modality import apply_modality, sentence_modality
from wirewatch.extract.sentences import split_sentences
from wirewatch.extract.tolls import find_tolls, parse_number
from wirewatch.extract.triggers import find_triggers, has_trigger


def kept(sentence: str) -> list:
    return [t for t in apply_modality(sentence, find_triggers(sentence)) if not t.dropped]


def subs(sentence: str) -> set:
    return {t.sub_event_type for t in kept(sentence)}


def test_sentences_keep_offsets_and_abbreviations():
    text = "Gen. Okafor said the raid began at 4 a.m. on Monday. Two died.\n\nA heading\nBody text here. U.S. officials agreed."
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Gen. Okafor said the raid began at 4 a.m. on Monday.",
        "Two died.",
        "A heading",
        "Body text here.",
        "U.S. officials agreed.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sents)
    assert sents[2].paragraph == 1 and sents[0].paragraph == 0


@pytest.mark.parametrize(
    "sentence",
    [
        "Dockworkers in Mombasa went on strike on Tuesday over unpaid overtime.",
        "The teachers' union held a nationwide strike on Monday over exam pay.",
        "Nurses began a 48-hour strike at the district hospital.",
    ],
)
def test_labour_strike_is_a_protest_not_an_air_strike(sentence):
    assert subs(sentence) == {"Peaceful protest"}


@pytest.mark.parametrize(
    "sentence",
    [
        "The visitors' attack was blunted by a stubborn defence before the striker scored in the 89th minute.",
        "Her debut film killed it at the box office, taking 40 million in its opening weekend.",
        "His third album bombed at the box office of streaming charts.",
        "Shares in the carmaker were hit as a price war with rivals erupted and investors fled.",
        "Ministers struck a deal on fishing quotas late on Friday.",
        "He died of a heart attack at his home, his family said.",
    ],
)
def test_sport_films_markets_and_idioms_are_not_events(sentence):
    assert kept(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "why"),
    [
        ("The militia warned it would attack convoys on the highway.", "future"),
        ("We will not hesitate to strike anyone who threatens our bases, the general said.", "threat"),
        ("Insurgents were planning attacks on polling stations, police said.", "plan"),
        ("The army denied reports that its soldiers killed villagers near Kidal.", "denial"),
        ("If the talks fail, the rebels could launch an offensive on the capital.", "hypothetical"),
        ("Gunmen have attacked the pipeline more than 40 times since March 2021.", "aggregate"),
        ("The war that broke out in 2011 has displaced millions.", None),
        ("The union called a new day of strikes and marches for next Tuesday.", "future"),
        ("A denial-of-service attack took the ministry's website offline.", None),
        ("Over the past year, fighting has displaced thousands in the province.", "aggregate"),
    ],
)
def test_threats_plans_denials_hypotheticals_aggregates_are_dropped(sentence, why):
    triggers = apply_modality(sentence, find_triggers(sentence))
    assert not [t for t in triggers if not t.dropped]
    if why:
        assert any(t.dropped == why for t in triggers)


def test_warning_scope_stops_at_in_the_wake_of():
    s = "The raid follows a warning of grave consequences in the wake of rocket attacks on border posts that killed four."
    kinds = {t.text.lower() for t in kept(s)}
    assert "rocket" in kinds and "killed" in kinds


def test_background_war_reference_is_dropped_but_a_new_attack_is_kept():
    s = "Drones struck a depot in Kherson overnight, officials said, in the fighting that began in February 2022."
    texts = [t.text for t in kept(s)]
    assert any(t.startswith("Drones") for t in texts) and "fighting" not in texts


def test_a_clause_dated_to_an_earlier_year_is_background():
    s = "The two armies fought a short war in 2008 that killed hundreds."
    assert all(t.dropped == "background" for t in apply_modality(s, find_triggers(s), 2025))
    assert any(not t.dropped for t in apply_modality(s, find_triggers(s), 2008))


def test_month_march_is_not_a_protest():
    assert kept("BAMAKO, March 25 (Wire) - The council met on Monday.") == []


def test_modality_claimed_and_alleged():
    assert sentence_modality("Rebels reportedly shot down a helicopter near Gao.") == "claimed"
    assert sentence_modality("Troops allegedly burned houses in the village.") == "alleged"
    assert sentence_modality("The group claimed responsibility for the bombing.") == "reported"
    assert sentence_modality("Police said two men were shot dead in Karachi.") == "reported"


def test_instrument_sub_types():
    assert "Air/drone strike" in subs("Warplanes bombed a market in Idlib on Sunday.")
    assert "Shelling/artillery/missile attack" in subs("Artillery shelling hit the outskirts of Donetsk.")
    assert "Remote explosive/landmine/IED" in subs("A roadside bomb hit a patrol in Helmand.")
    assert "Suicide bomb" in subs("A suicide bomber blew himself up at a checkpoint in Mogadishu.")
    assert "Grenade" in subs("Attackers hurled a grenade into a bar in Bujumbura.")
    assert "Abduction/forced disappearance" in subs("Bandits abducted 12 students from a school in Kaduna.")
    assert "Armed clash" in subs("Heavy clashes erupted between the army and rebels near Goma.")
    assert "Arrests" in subs("Police arrested 30 opposition supporters in Harare.")


def test_prefilter():
    assert not has_trigger("The council approved a new budget for road repairs and school meals.")
    assert has_trigger("An airstrike hit the town.")


@pytest.mark.parametrize(
    ("phrase", "best", "low", "high"),
    [
        ("three", 3, 3, 3),
        ("two dozen", 24, 24, 24),
        ("a dozen", 12, 12, 12),
        ("twenty-five", 25, 25, 25),
        ("more than 20", 21, 21, None),
        ("at least 7", 7, 7, None),
        ("1,200", 1200, 1200, 1200),
    ],
)
def test_number_words(phrase, best, low, high):
    n = parse_number(phrase)
    assert n is not None and (n.best, n.low, n.high) == (best, low, high)


def test_vague_quantities_follow_the_acled_table():
    assert parse_number("several").best == 10 and parse_number("several").vague
    assert parse_number("a number of").best == 10
    assert parse_number("a few").best == 3
    assert parse_number("dozens").best == 12


def tolls(sentence: str) -> list[tuple]:
    return [(t.field, t.best, t.low, t.high) for t in find_tolls(sentence)]


def test_tolls_from_sentences():
    assert tolls("Gunmen killed three traders at a market in Zamfara.") == [("fatalities", 3, 3, 3)]
    assert tolls("More than 20 people were killed when the dam road was shelled.") == [
        ("fatalities", 21, 21, None)
    ]
    assert tolls("The blast left two dozen dead and 40 wounded.") == [
        ("fatalities", 24, 24, 24),
        ("injuries", 40, 40, 40),
    ]
    assert tolls("The attack caused the death of the district chief and two of his guards.") == [
        ("fatalities", 3, 3, 3)
    ]
    assert tolls("Officials said the death toll rose to 14 on Sunday.") == [("fatalities", 14, 14, 14)]
    assert tolls("No one was killed in the explosion.") == [("fatalities", 0, 0, 0)]


def test_targets_sorties_and_times_are_never_fatalities():
    assert tolls("Jets hit more than 40 targets across the province in 120 sorties.") == []
    assert tolls("Militants have attacked the base more than 30 times this year.") == []
    assert tolls("The navy deployed 500 troops to the islands.") == []


def test_no_civilian_casualties_is_not_zero_dead():
    assert tolls("The ministry said there were no civilian casualties from the raid.") == []


def test_unspecified_injuries_have_no_number():
    t = find_tolls("Four villagers were killed and several others injured in the raid.")
    assert [(x.field, x.best) for x in t] == [("fatalities", 4), ("injuries", None)]


def test_singular_victim_is_a_weak_toll():
    (t,) = find_tolls("A sniper killed a police commander in Tillaberi.")
    assert t.best == 1 and t.weak


def test_a_clause_dated_long_before_the_article_is_background_by_its_full_date():
    s = "Residents marched in Lviv; the activist had stabbed a man in an attack on him on 24 May 2018."
    kept = [t.text for t in apply_modality(s, find_triggers(s), 2020, date(2020, 5, 6)) if not t.dropped]
    assert kept and all("stab" not in k and "attack" not in k for k in kept)


def test_a_clause_dated_last_week_across_new_year_is_news():
    s = "Gunmen attacked a bus near Kano on 30 December 2023, killing four passengers."
    kept = [t for t in apply_modality(s, find_triggers(s), 2024, date(2024, 1, 2)) if not t.dropped]
    assert kept
    # without the article's day, the year alone still marks it as earlier
    assert not [t for t in apply_modality(s, find_triggers(s), 2024) if not t.dropped]


@pytest.mark.parametrize(
    ("sentence", "dead"),
    [
        ("Gunmen killed two women at a bus stop.", 2),
        ("The bodies of two men were found in a ditch.", 2),
        ("Police found three bodies near the river.", 3),
        ("The body of a woman was found by the road.", 1),
    ],
)
def test_plural_people_and_bodies_found_are_counted(sentence, dead):
    tolls = [t for t in find_tolls(sentence) if t.field == "fatalities"]
    assert tolls and tolls[0].best == dead

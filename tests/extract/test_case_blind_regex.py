"""The lexicons' case-blind regexes, searched in lowered text, find what a case-blind re finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from wirewatch.case_blind import CaseBlindRegex, lowered_pattern
from wirewatch.extract.lexicon import load
from wirewatch.extract.triggers import _trigger_regex, find_triggers, raw_triggers


def test_lowered_pattern_keeps_escapes_and_group_names():
    pattern = r"(?P<Kind>IEDs?)\S+\W\B\D(?P=Kind)[A-Z]\x41\u00C9"
    assert lowered_pattern(pattern) == r"(?P<Kind>ieds?)\S+\W\B\D(?P=Kind)[a-z]\x41\u00c9"


def _spans(rx, text: str) -> list[tuple[int, int, str | None]]:
    return [(m.start(), m.end(), m.lastgroup) for m in rx.finditer(text)]


SENTENCES = [
    "Gunmen KILLED three people and an IED exploded near the MARKET.",
    "Troops Clashed With Rebels; Shelling Continued Into The Night.",
    "İstanbul police dispersed protesters after a car bomb went off.",  # lowering lengthens İ
    "In March, RPGs and rocket-propelled grenades hit the base.",
    "Nothing here at all.",
]


def test_trigger_regex_finds_what_a_case_blind_re_finds():
    rx, _ = _trigger_regex()
    for text in SENTENCES:
        assert _spans(rx, text) == _spans(rx.blind, text), text
        assert bool(rx.search(text)) == bool(rx.blind.search(text))


def test_a_trigger_keeps_the_sentences_own_letters():
    # its text comes from the sentence, not the lowered copy: "March" (the month) must stay
    # recognisable, and the spans stay right where lowering lengthens a letter
    for text in SENTENCES:
        for trigger in raw_triggers(text):
            assert trigger.text == text[trigger.start : trigger.end]
    for text, month in (("March was when rebels attacked.", "March"), ("The MARCH rally was attacked.", "MARCH")):
        assert [t.dropped for t in find_triggers(text) if t.text == month] == ["month"]


def test_a_part_that_turns_case_blindness_off_is_searched_case_blind():
    rx = CaseBlindRegex(r"(?-i:US) forces")
    assert rx.lowered is None
    assert rx.search("US Forces") and not rx.search("us forces")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzKILEDSÉİ -'.,0123456789", max_size=80))
def test_every_lexicon_regex_agrees_on_any_text(text):
    rx, _ = _trigger_regex()
    for probe in (text, text.upper(), text.title()):
        assert _spans(rx, probe) == _spans(rx.blind, probe)


def test_each_trigger_pattern_agrees_on_its_words_in_any_case():
    # every word of the trigger lexicon, written three ways, is found at the same place
    words = sorted({w for e in load("triggers")["triggers"] for w in re.findall(r"[a-z]{4,}", e["pattern"])})
    rx, _ = _trigger_regex()
    for word in words:
        for probe in (f"they {word} it", f"They {word.upper()} it", f"THEY {word.title()} IT"):
            assert _spans(rx, probe) == _spans(rx.blind, probe), probe

"""Language detection: plain English is told by its commonest words without loading the
model, and everything else (other languages, other scripts, short or mixed text) still goes
to py3langid. Texts written for this test."""

from __future__ import annotations

import pytest

from wirewatch.clean import language
from wirewatch.clean.language import detect_language, plainly_english

ENGLISH = (
    "Residents of the river town said that the market was closed for a second day after "
    "gunmen fired on a bus near the bridge. The governor said they would send more police, "
    "and that the people who had been hurt were taken to the hospital in the capital, where "
    "doctors said two of them were still in a serious condition on Tuesday evening."
)
OTHERS = {
    "fr": "Les habitants de la petite ville ont déclaré que le marché était fermé pour la deuxième "
    "journée consécutive après que des hommes armés ont ouvert le feu sur un autobus près du pont. "
    "Le préfet a promis des renforts de police et les blessés ont été transportés à l'hôpital.",
    "es": "Los vecinos del pueblo dijeron que el mercado permaneció cerrado por segundo día después "
    "de que unos hombres armados dispararon contra un autobús cerca del puente. El gobernador "
    "prometió enviar más policías y los heridos fueron trasladados al hospital de la capital.",
    "de": "Die Bewohner der kleinen Stadt am Fluss sagten, der Markt sei den zweiten Tag in Folge "
    "geschlossen geblieben, nachdem Bewaffnete in der Nähe der Brücke auf einen Bus geschossen "
    "hatten. Der Gouverneur kündigte mehr Polizei an, die Verletzten wurden ins Krankenhaus gebracht.",
    "nl": "Bewoners van het stadje aan de rivier zeiden dat de markt voor de tweede dag gesloten was "
    "nadat gewapende mannen bij de brug op een bus hadden geschoten. De gouverneur zei dat er meer "
    "politie komt en dat de gewonden naar het ziekenhuis in de hoofdstad zijn gebracht.",
    "pt": "Os moradores da pequena cidade disseram que o mercado ficou fechado pelo segundo dia depois "
    "que homens armados atiraram contra um ônibus perto da ponte. O governador prometeu enviar mais "
    "policiais e os feridos foram levados para o hospital da capital na terça-feira.",
}


@pytest.fixture
def no_model(monkeypatch):
    def refuse():
        raise AssertionError("the language model was loaded for plain English")

    monkeypatch.setattr(language, "_identifier", refuse)


def test_plain_english_needs_no_model(no_model):
    assert plainly_english(ENGLISH)
    assert detect_language(ENGLISH) == "en"


@pytest.mark.parametrize("code", sorted(OTHERS))
def test_other_languages_go_to_the_model(code):
    assert not plainly_english(OTHERS[code])
    assert detect_language(OTHERS[code]) == code


def test_short_english_goes_to_the_model():
    short = "Gunmen fired on a bus near the bridge, the governor said."
    assert not plainly_english(short)
    assert detect_language(short) == "en"


def test_english_mixed_with_another_script_goes_to_the_model():
    mixed = ENGLISH + " " + " ".join(["مدينة الطبقة الأول والثاني"] * 6)
    assert not plainly_english(mixed[:1200])


def test_english_quoted_in_a_french_article_is_french():
    quoted = OTHERS["fr"] + ' Un témoin a dit : "they were shooting at the bus".'
    assert detect_language(quoted) == "fr"


def test_a_short_report_of_plain_english_needs_no_model(no_model):
    # an analyst's one-line note (py3langid has read such lines as Nigerian Pidgin or Bikol)
    note = ("On 3 May, the army shelled the villages east of the river, and the local council said "
            "that two of their men were killed.")  # fmt: skip
    assert detect_language(note) == "en"

"""Actor dictionary: alias folding, generated state forces, user files."""

import json

import pytest

from wirewatch.errors import WirewatchError
from wirewatch.resolve.actors import actor_patterns, load_actor_dictionary, lookup_actor, state_forces


@pytest.fixture(autouse=True)
def builtin_dictionary():
    load_actor_dictionary()
    yield
    load_actor_dictionary()


@pytest.mark.parametrize(
    "text",
    ["Kata'ib Hezbollah", "Kataib Hezbollah", "Kata’ib Hezbollah", "KH", "Kata'ib Hizballah", "kataib hezbollah",
     "Iran-backed militia group Kata'ib Hezbollah", "the Kataib Hezbollah militia"],
)  # fmt: skip
def test_kataib_hezbollah_aliases_fold(text):
    actor = lookup_actor(text)
    assert actor is not None and actor.name == "Kata'ib Hezbollah"
    assert actor.inter == 3 and actor.iso3 == "IRQ"


@pytest.mark.parametrize(
    ("text", "name", "inter"),
    [
        ("CENTCOM", "Military Forces of the United States", 1),
        ("US Central Command", "Military Forces of the United States", 1),
        ("The US central command (CENTCOM)", "Military Forces of the United States", 1),
        ("the Pentagon", "Military Forces of the United States", 1),
        ("American forces", "Military Forces of the United States", 1),
        ("US military", "Military Forces of the United States", 1),
        ("IDF", "Military Forces of Israel", 1),
        ("Israel Defense Forces", "Military Forces of Israel", 1),
        ("Israeli army", "Military Forces of Israel", 1),
        ("Pakistani army", "Military Forces of Pakistan", 1),
        ("Russian troops", "Military Forces of Russia", 1),
        ("Ukrainian forces", "Military Forces of Ukraine", 1),
        ("IRGC", "Islamic Revolutionary Guard Corps", 1),
        ("Iranian Revolutionary Guards", "Islamic Revolutionary Guard Corps", 1),
        ("Emirati forces", "Military Forces of the United Arab Emirates", 1),
        ("British troops", "Military Forces of the United Kingdom", 1),
        ("Houthis", "Houthis", 2),
        ("Ansar Allah", "Houthis", 2),
        ("Daesh", "Islamic State", 2),
        ("ISIL", "Islamic State", 2),
        ("HTS", "Hay'at Tahrir al-Sham", 2),
        ("Balochistan Liberation Army", "Balochistan Liberation Army", 2),
        ("BLF", "Balochistan Liberation Front", 2),
        ("Pakistani Taliban", "Tehrik-i-Taliban Pakistan", 2),
        ("al-Shabab", "Al-Shabaab", 2),
        ("ISWAP", "Islamic State West Africa Province", 2),
        ("M23 rebels", "March 23 Movement", 2),
        ("RSF", "Rapid Support Forces", 2),
        ("Wagner", "Wagner Group", 8),
        ("CJNG", "Jalisco New Generation Cartel", 3),
        ("Gulf Clan", "Clan del Golfo", 3),
        ("Tatmadaw", "Military Forces of Myanmar", 1),
        ("Arakan Army", "Arakan Army", 2),
        ("Viv Ansanm", "Viv Ansanm", 3),
    ],
)
def test_named_actors(text, name, inter):
    actor = lookup_actor(text)
    assert actor is not None, text
    assert (actor.name, actor.inter) == (name, inter)


def test_acronyms_need_capitals():
    assert lookup_actor("kh") is None
    assert lookup_actor("is") is None


def test_generic_terms_use_the_context_country():
    assert lookup_actor("troops") is None
    assert lookup_actor("troops", context_iso3="SYR").name == "Military Forces of Syria"
    assert lookup_actor("the police", context_iso3="PAK").name == "Police Forces of Pakistan"


def test_state_forces_of_every_country():
    assert state_forces("PAK").name == "Military Forces of Pakistan"
    assert state_forces("USA").name == "Military Forces of the United States"
    assert state_forces("IRN", "police").name == "Police Forces of Iran"
    assert state_forces("NER").inter == 1 and state_forces("NER").kind == "military"
    assert state_forces("PSE").name == "Military Forces of Palestine"


def test_user_file_extends_and_overrides(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps(
            [
                {
                    "name": "Lakeside Defence Brigade",
                    "inter": 3,
                    "iso3": "KEN",
                    "kind": "political_militia",
                    "aliases": ["LDB", "Lakeside brigade"],
                },
                {
                    "name": "Houthis",
                    "inter": 2,
                    "iso3": "YEM",
                    "kind": "rebel",
                    "aliases": ["Sanaa authorities"],
                },
            ]
        ),  # fmt: skip
        encoding="utf-8",
    )
    assert lookup_actor("Lakeside brigade") is None
    load_actor_dictionary([str(path)])
    assert lookup_actor("LDB").name == "Lakeside Defence Brigade"
    assert lookup_actor("fighters of the Lakeside Brigade").iso3 == "KEN"
    assert lookup_actor("Sanaa authorities").name == "Houthis"
    assert lookup_actor("Ansar Allah").name == "Houthis"  # built-in aliases kept


def test_user_tsv_file(tmp_path):
    path = tmp_path / "mine.tsv"
    path.write_text(
        "name\tinter\tiso3\tkind\taliases\nRiver Guards\t4\tNGA\tidentity_militia\tRiverine vigilantes\n"
    )
    load_actor_dictionary([str(path)])
    assert lookup_actor("Riverine vigilantes").inter == 4


@pytest.mark.parametrize(
    ("content", "code"),
    [('[{"name": "X"}]', "W021"), ("{not json", "W006"), ('[{"name": "X", "inter": 12}]', "W021")],
)
def test_bad_user_files_give_one_line_errors(tmp_path, content, code):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WirewatchError) as info:
        load_actor_dictionary([str(path)])
    assert info.value.code == code and "\n" not in info.value.line()
    assert lookup_actor("KH").name == "Kata'ib Hezbollah"  # the previous dictionary survives


def test_missing_user_file(tmp_path):
    with pytest.raises(WirewatchError) as info:
        load_actor_dictionary([str(tmp_path / "nope.json")])
    assert info.value.code == "W001"


def test_actor_patterns_in_spacy():
    spacy = pytest.importorskip("spacy")
    patterns = actor_patterns()
    assert all(p["label"] == "ACTOR" and p["id"] for p in patterns)
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)
    doc = nlp("A strike killed a Kata’ib Hezbollah commander, CENTCOM said, and the IRGC vowed revenge.")
    ids = {e.ent_id_ for e in doc.ents if e.label_ == "ACTOR"}
    assert {
        "Kata'ib Hezbollah",
        "Military Forces of the United States",
        "Islamic Revolutionary Guard Corps",
    } <= ids


def test_possessives_and_shared_acronyms():
    assert lookup_actor("the Coalition’s warplanes").name == "Global Coalition against Daesh"
    assert lookup_actor("Hezbollah's fighters").name == "Hezbollah"
    # one acronym, two actors: the article's country decides
    assert lookup_actor("SNA", context_iso3="SOM").name == "Military Forces of Somalia"
    assert lookup_actor("SNA", context_iso3="SYR").name == "Syrian National Army"


def test_user_group_names_stop_being_places(tmp_path):
    from wirewatch.resolve.places import resolve_place

    assert resolve_place("Hamburg") is not None
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps([{"name": "Hamburg", "inter": 3, "kind": "political_militia"}]), encoding="utf-8"
    )
    load_actor_dictionary([str(path)])
    assert resolve_place("Hamburg") is None  # now a named group in this user's world
    load_actor_dictionary()
    assert resolve_place("Hamburg") is not None

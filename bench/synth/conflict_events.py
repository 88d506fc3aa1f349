"""Generated conflict events for the store's benchmarks (API latency at a million events).

Places are the bundled gazetteer's cities in the countries with the most reported conflict
events, weighted so that big cities get more events than towns (as in real event data, where a
capital may hold a few per cent of a country's events and most places hold a handful). Dates
span three years; types, actors, tolls and sources are drawn at rates like ACLED's.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import random
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

# alpha-3 and a rough share of events (ACLED-like: a few countries hold most of them)
COUNTRY_WEIGHTS = {
    "UKR": 20, "SYR": 10, "MEX": 7, "BRA": 6, "IND": 6, "PAK": 5, "MMR": 5, "NGA": 4, "SDN": 4,
    "COD": 4, "IRQ": 3, "YEM": 3, "SOM": 3, "COL": 3, "AFG": 2, "ETH": 2, "PSE": 2, "LBN": 2,
    "BFA": 2, "MLI": 2, "PHL": 2, "BGD": 1, "CMR": 1, "HTI": 1, "LBY": 1, "SSD": 1, "MOZ": 1,
    "NER": 1, "TUR": 1, "IRN": 1,
}  # fmt: skip
PLACES_PER_COUNTRY = 300  # the largest cities of each country
TYPES = [
    ("Explosions/Remote violence", "Air/drone strike", 8),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", 14),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", 3),
    ("Battles", "Armed clash", 18),
    ("Violence against civilians", "Attack", 12),
    ("Violence against civilians", "Abduction/forced disappearance", 3),
    ("Protests", "Peaceful protest", 22),
    ("Riots", "Mob violence", 6),
    ("Strategic developments", "Arrests", 4),
    ("Strategic developments", "Looting/property destruction", 2),
]
ACTORS = [
    "Military Forces of {c}", "Police Forces of {c}", "Unidentified Armed Group ({c})",
    "Protesters ({c})", "Rioters ({c})", "Civilians ({c})", "Rebel Forces of {a}",
    "Militia of {a}", "Government of {c}",
]  # fmt: skip
TOLLS = [0] * 12 + [1, 1, 1, 2, 2, 3, 4, 5, 7, 10, 15, 25, 60, None, None]
START = dt.date(2022, 1, 1)
DAYS = 3 * 365


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    admin1: str
    country: str
    iso3: str
    iso: int
    latitude: float
    longitude: float
    population: int


def load_places() -> tuple[list[Place], list[float]]:
    """The cities events happen in and the weight of each (country share x sqrt(population))."""
    path = resources.files("wirewatch.resolve.data").joinpath("gazetteer.tsv.gz")
    countries: dict[str, str] = {}
    cities: dict[str, list[Place]] = {iso3: [] for iso3 in COUNTRY_WEIGHTS}
    with gzip.open(str(path), "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            iso3 = row["alpha3"]
            if iso3 not in COUNTRY_WEIGHTS:
                continue
            if row["kind"] == "country":
                countries[iso3] = row["name"]
            elif row["kind"] == "city":
                cities[iso3].append(
                    Place(row["name"], row["admin1"], "", iso3, int(row["iso"] or 0),
                          float(row["latitude"]), float(row["longitude"]), int(row["population"] or 0))
                )  # fmt: skip
    places: list[Place] = []
    weights: list[float] = []
    for iso3, share in COUNTRY_WEIGHTS.items():
        top = sorted(cities[iso3], key=lambda p: -p.population)[:PLACES_PER_COUNTRY]
        total = sum(max(p.population, 1) ** 0.5 for p in top) or 1.0
        for p in top:
            places.append(Place(p.name, p.admin1, countries[iso3], iso3, p.iso, p.latitude, p.longitude, p.population))
            weights.append(share * max(p.population, 1) ** 0.5 / total)
    return places, weights


def generate_events(n: int, seed: int = 13) -> Iterator[object]:
    """`n` Event records, the same for the same seed."""
    from wirewatch.fuse.notes import generate_note
    from wirewatch.records import Event, content_id

    rng = random.Random(seed)
    places, weights = load_places()
    type_weights = [w for _, _, w in TYPES]
    batch = 10_000
    for start in range(0, n, batch):
        size = min(batch, n - start)
        picks = rng.choices(places, weights, k=size)
        kinds = rng.choices(TYPES, type_weights, k=size)
        for k in range(size):
            i = start + k
            place, (event_type, sub, _) = picks[k], kinds[k]
            day = (START + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
            deaths = rng.choice(TOLLS)
            c, a = place.country, place.admin1 or place.country
            ev = Event(
                event_id=content_id("bench-event", str(i)), event_date=day, date_low=day, date_high=day,
                time_precision=1, event_type=event_type, sub_event_type=sub,
                actor1=rng.choice(ACTORS).format(c=c, a=a),
                actor2=rng.choice(ACTORS).format(c=c, a=a) if rng.random() < 0.6 else None,
                iso=place.iso, iso3=place.iso3, country=c, admin1=place.admin1 or None, location=place.name,
                latitude=round(place.latitude + rng.uniform(-0.05, 0.05), 5),
                longitude=round(place.longitude + rng.uniform(-0.05, 0.05), 5),
                geo_precision=1, fatalities=deaths, fatalities_low=deaths, fatalities_high=deaths,
                confidence=round(rng.uniform(0.3, 0.95), 4), updated_at="2025-01-01T00:00:00+00:00",
            )  # fmt: skip
            sources = rng.choices([1, 2, 3, 4], [55, 25, 12, 8])[0]
            ev.sources = [
                {"article_id": content_id("a", str(i), str(j)), "story_id": content_id("s", str(i), str(j % 3)),
                 "outlet": f"Outlet {j}", "url": f"https://outlet{j}.example/{i}", "published_at": day,
                 "mention_id": content_id("m", str(i), str(j)), "spans": [], "values": {"fatalities": deaths}}
                for j in range(sources)
            ]  # fmt: skip
            ev.source_count = sources
            ev.independent_source_count = len({s["story_id"] for s in ev.sources})
            ev.first_reported_at = day
            ev.notes = generate_note(ev)
            yield ev

"""API latency: p50/p95 of GET /events on 100k generated events under concurrent requests.

Generates N synthetic events (random countries, dates, types, actors, tolls; one to three
sources each) into a SQLite file, starts the real server (`wirewatch serve`) on 127.0.0.1,
and fires a bounded number of concurrent requests per query (threads, one httpx client each,
loopback only). Side by side: the same filter run directly against SQLite in-process (no
HTTP, no JSON), the floor the API cannot beat.

Run: python bench/api_latency.py [--events 100000] [--requests 300] [--threads 8]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

COUNTRIES = [
    # name, iso3, iso, admin1, location, lat, lon
    ("Iraq", "IRQ", 368, "Baghdad", "Baghdad", 33.34, 44.40),
    ("Iraq", "IRQ", 368, "Basra", "Basra", 30.51, 47.78),
    ("Syria", "SYR", 760, "Aleppo", "Aleppo", 36.20, 37.16),
    ("Pakistan", "PAK", 586, "Balochistan", "Quetta", 30.18, 67.00),
    ("Somalia", "SOM", 706, "Banadir", "Mogadishu", 2.04, 45.34),
    ("Sudan", "SDN", 729, "Khartoum", "Omdurman", 15.64, 32.48),
    ("Ukraine", "UKR", 804, "Kharkiv", "Kharkiv", 49.99, 36.23),
    ("Nigeria", "NGA", 566, "Borno", "Maiduguri", 11.85, 13.16),
    ("Democratic Republic of Congo", "COD", 180, "Nord-Kivu", "Goma", -1.68, 29.22),
    ("Mexico", "MEX", 484, "Guerrero", "Acapulco", 16.86, -99.89),
    ("Myanmar", "MMR", 104, "Sagaing", "Monywa", 22.11, 95.14),
    ("Colombia", "COL", 170, "Cauca", "Popayan", 2.44, -76.61),
]
TYPES = [
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Battles", "Armed clash"),
    ("Violence against civilians", "Attack"),
    ("Protests", "Peaceful protest"),
    ("Riots", "Mob violence"),
    ("Strategic developments", "Arrests"),
]
ACTORS = [
    "Military Forces of {c}",
    "Police Forces of {c}",
    "Rebel Group of {c}",
    "Protesters ({c})",
    "Civilians ({c})",
]

QUERIES = {
    "/events (no filter, newest first)": {},
    "/events?country=Iraq": {"country": "Iraq"},
    "/events?since&until (one month)": {"since": "2024-03-01", "until": "2024-03-31"},
    "/events?type=Battles&min_fatalities=10": {"type": "Battles", "min_fatalities": 10},
    "/events?bbox (Middle East)": {"bbox": "35,29,48,38"},
    "/events?actor=police": {"actor": "police"},
    "/events?q=kharkiv": {"q": "kharkiv"},
    "/events?sort=-fatalities&offset=500": {"sort": "-fatalities", "offset": 500},
}


def generate(db: str, n: int, seed: int = 7) -> None:
    import datetime as dt

    from wirewatch.fuse.notes import generate_note
    from wirewatch.records import Event, content_id
    from wirewatch.store import open_store
    from wirewatch.store.fusion_queries import insert_events_bulk

    rng = random.Random(seed)
    start = dt.date(2023, 1, 1)

    def events():
        for i in range(n):
            country, iso3, iso, admin1, location, lat, lon = rng.choice(COUNTRIES)
            event_type, sub = rng.choice(TYPES)
            day = (start + dt.timedelta(days=rng.randrange(730))).isoformat()
            deaths = rng.choice([0, 0, 1, 2, 3, 5, 8, 12, 20, 40, None])
            ev = Event(
                event_id=content_id("bench", str(i)), event_date=day, date_low=day, date_high=day, time_precision=1,
                event_type=event_type, sub_event_type=sub, actor1=rng.choice(ACTORS).format(c=country),
                actor2=rng.choice(ACTORS).format(c=country) if rng.random() < 0.7 else None,
                iso=iso, iso3=iso3, country=country, admin1=admin1, location=location,
                latitude=round(lat + rng.uniform(-0.3, 0.3), 4), longitude=round(lon + rng.uniform(-0.3, 0.3), 4),
                geo_precision=1, fatalities=deaths, fatalities_low=deaths, fatalities_high=deaths,
                confidence=round(rng.uniform(0.3, 0.95), 4), updated_at="2025-01-01T00:00:00+00:00",
            )  # fmt: skip
            k = rng.randint(1, 3)
            ev.sources = [{"article_id": content_id("a", str(i), str(j)), "story_id": content_id("s", str(i), str(j % 2)),
                           "outlet": f"Outlet {j}", "url": f"https://outlet{j}.example/{i}", "published_at": day,
                           "mention_id": content_id("m", str(i), str(j)), "spans": [], "values": {"fatalities": deaths}}
                          for j in range(k)]  # fmt: skip
            ev.source_count = k
            ev.independent_source_count = len({s["story_id"] for s in ev.sources})
            ev.first_reported_at = day
            ev.notes = generate_note(ev)
            yield ev

    store = open_store(db)
    insert_events_bulk(store, events())
    store.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_load(
    base: str, params: dict, requests: int, threads: int, time_cap: float
) -> tuple[list[float], int]:
    deadline = time.perf_counter() + time_cap
    per_thread = max(1, requests // threads)

    def worker(_: int) -> tuple[list[float], int]:
        times, errors = [], 0
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(per_thread):
                if time.perf_counter() > deadline:
                    break
                t0 = time.perf_counter()
                r = client.get("/events", params=params)
                times.append((time.perf_counter() - t0) * 1000)
                errors += r.status_code != 200
        return times, errors

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(worker, range(threads)))
    return [t for ts, _ in results for t in ts], sum(e for _, e in results)


def direct_sql(db: str, params: dict, repeats: int = 30) -> list[float]:
    """The same filter, page and count straight from SQLite in-process (no HTTP, no JSON)."""
    from wirewatch.store import open_store
    from wirewatch.store.events_query import count_events, find_events
    from wirewatch.views import event_filter

    store = open_store(db, create=False)
    flt = event_filter(
        since=params.get("since"), until=params.get("until"), country=params.get("country"),
        event_type=params.get("type"), actor=params.get("actor"), q=params.get("q"),
        min_fatalities=params.get("min_fatalities"), bbox=params.get("bbox"),
    )  # fmt: skip
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        list(
            find_events(
                store, flt, sort=params.get("sort", "-event_date"), limit=50, offset=params.get("offset", 0)
            )
        )
        count_events(store, flt)
        times.append((time.perf_counter() - t0) * 1000)
    store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="requests per query")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--time-cap", type=float, default=60.0, help="seconds per query at most")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "latency.db")
        t0 = time.perf_counter()
        generate(db, args.events)
        print(f"generated {args.events} events into SQLite in {time.perf_counter() - t0:.1f}s")
        port = free_port()
        wirewatch = str(Path(sys.executable).with_name("wirewatch"))
        cmd = [wirewatch, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)]
        server = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy()
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(base + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                raise SystemExit(
                    "server did not start: " + (server.stderr.read().decode() if server.stderr else "")
                )
            print(f"server: wirewatch serve on {base} (uvicorn, 1 process); {args.threads} client threads, "
                  f"{args.requests} requests per query, page size 50 with total count\n")  # fmt: skip
            print(
                f"{'query':42} {'API p50':>8} {'API p95':>8} {'req/s':>7} {'errors':>6}   {'SQLite direct p50':>17} {'p95':>6}"
            )
            for name, params in QUERIES.items():
                httpx.get(base + "/events", params=params, timeout=30)  # warm the page cache
                t1 = time.perf_counter()
                times, errors = run_load(base, params, args.requests, args.threads, args.time_cap)
                wall = time.perf_counter() - t1
                direct = direct_sql(db, params)
                print(f"{name:42} {percentile(times, 50):7.1f}ms {percentile(times, 95):7.1f}ms "
                      f"{len(times) / wall:7.1f} {errors:>6}   {percentile(direct, 50):16.1f}ms "
                      f"{percentile(direct, 95):5.1f}ms")  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

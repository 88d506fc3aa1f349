"""Dashboard latency: p50/p95 of the API routes the dashboard calls (map aggregation, timeline,
filter values, one table page) on 100k generated events, with the server's CPU time per request.

Generates N synthetic events (bench/api_latency.py's generator) into a SQLite file, starts the real
server (`wirewatch serve`) on 127.0.0.1 and sends each request a bounded number of times from one
client (loopback only). Side by side: the same library call in-process (no HTTP, no JSON), the floor
the route cannot beat. CPU is read from /proc for the server process (user + system).

Run: python bench/dashboard_latency.py [--events 100000] [--requests 40]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from wirewatch.api.server import health_answers

HERE = Path(__file__).resolve().parent
QUERIES = {
    "/map world, zoom 2": ("/map", {"zoom": 2}),
    "/map Middle East, zoom 5": ("/map", {"zoom": 5, "view": "35,25,50,40"}),
    "/map country=Iraq, zoom 6": ("/map", {"zoom": 6, "country": "Iraq", "view": "38,29,49,38"}),
    "/map type=Battles&min_fatalities=10": ("/map", {"zoom": 2, "type": "Battles", "min_fatalities": 10}),
    "/timeline (all events)": ("/timeline", {}),
    "/timeline country=Sudan": ("/timeline", {"country": "Sudan"}),
    "/facets": ("/facets", {}),
    "/events page 1 (newest)": ("/events", {"limit": 50}),
    "/events one month, by fatalities": ("/events", {"since": "2024-03-01", "until": "2024-03-31", "sort": "-fatalities"}),
}  # fmt: skip


def _api_latency():
    spec = importlib.util.spec_from_file_location("api_latency", HERE / "api_latency.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_process(db: str, path: str, params: dict, repeats: int) -> list[float]:
    """The library call behind the route, in this process."""
    from wirewatch.aggregate import facets_view, map_view, timeline_view
    from wirewatch.store import open_store
    from wirewatch.views import event_filter, event_page

    store = open_store(db, create=False)
    filters = {k: params.get(k) for k in ("since", "until", "country")}
    flt = event_filter(**filters, event_type=params.get("type"), min_fatalities=params.get("min_fatalities"))
    call = {
        "/map": lambda: map_view(store, flt, zoom=params["zoom"], view=params.get("view")),
        "/timeline": lambda: timeline_view(store, flt),
        "/facets": lambda: facets_view(store),
        "/events": lambda: event_page(store, flt, sort=params.get("sort", "-event_date"), limit=50, offset=0),
    }[path]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="requests per route")
    args = parser.parse_args()
    gen = _api_latency()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "dashboard.db")
        t0 = time.process_time()
        gen.generate(db, args.events)
        print(f"generated {args.events} events into SQLite ({time.process_time() - t0:.1f} CPU s)")
        port = gen.free_port()
        wirewatch = str(Path(sys.executable).with_name("wirewatch"))
        server = subprocess.Popen(
            [wirewatch, "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            if not health_answers(base, tries=300):
                raise SystemExit("server did not start")
            print(f"server: wirewatch serve on {base}; one client, {args.requests} requests per route\n")
            print(f"{'route':40} {'API p50':>8} {'API p95':>8} {'server CPU/req':>14} {'KB':>6}   "
                  f"{'in-process p50':>14} {'p95':>6}")  # fmt: skip
            with httpx.Client(base_url=base, timeout=60) as client:
                for name, (path, params) in QUERIES.items():
                    size = len(client.get(path, params=params).content)  # warm the page cache
                    cpu0 = cpu_seconds(server.pid)
                    times, errors = [], 0
                    for _ in range(args.requests):
                        t1 = time.perf_counter()
                        response = client.get(path, params=params)
                        times.append((time.perf_counter() - t1) * 1000)
                        errors += response.status_code != 200
                    cpu = (cpu_seconds(server.pid) - cpu0) / args.requests * 1000
                    direct = in_process(db, path, params, max(5, args.requests // 4))
                    flag = f"  ({errors} errors)" if errors else ""
                    print(f"{name:40} {gen.percentile(times, 50):7.1f}ms {gen.percentile(times, 95):7.1f}ms "
                          f"{cpu:12.1f}ms {size / 1024:6.1f}   {gen.percentile(direct, 50):13.1f}ms "
                          f"{gen.percentile(direct, 95):5.1f}ms{flag}")  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()

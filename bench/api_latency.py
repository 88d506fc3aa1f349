"""API latency at a million events: p50/p95/p99 of GET /events, each filter alone and combined,
on SQLite and PostgreSQL, 8 concurrent clients on loopback, with the server's CPU per request.

The events come from `synth/conflict_events.py` (the bundled gazetteer's cities in the countries
with the most conflict events, big cities weighted up; three years; ACLED-like types, tolls and
sources). The database is built once per size and engine and cached (`--cache`, default
/work/cache/wirewatch or ~/.cache/wirewatch-bench): a base database written through the store's
bulk insert, and a copy of it migrated by this checkout (the migration's time is printed once).

Each query is a family of requests with varied values (place names, months, map boxes, actors),
cycled over, so no answer is served twice in a row from one cache. A real `wirewatch serve`
(uvicorn, one process) runs on 127.0.0.1; `--clients` asyncio clients keep a bounded
number of requests in flight, each over its own keep-alive connection (`RawHTTP`; `--client httpx`
for httpx). "CPU ms/req" is the server's (SQLite runs in it; PostgreSQL's own
processes are not counted); "client CPU" the load generator's, which shares the machine's cores.

Before and after: `--before-src DIR` names a source tree of an earlier version (for example
`git archive 4aa55ac src | tar -x -C DIR`); its server runs on the base database at its own schema
(the base is then built by that version), with fewer requests per query, since those filters scan.

Run: python bench/api_latency.py [--events 1000000] [--engines sqlite,postgresql]
     [--before-src DIR] [--requests 200] [--clients 8]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth.conflict_events import COUNTRY_WEIGHTS, generate_events, load_places  # noqa: E402

from wirewatch.api.server import health_answers  # noqa: E402

DEFAULT_PG = "postgresql://wirewatch:wirewatch@127.0.0.1:5432/postgres"
TOTAL = re.compile(rb'\{"total":\s*(\d+)')


def default_cache() -> Path:
    env = os.environ.get("WIREWATCH_BENCH_CACHE")
    if env:
        return Path(env)
    return (
        Path("/work/cache/wirewatch")
        if Path("/work/cache").is_dir()
        else Path.home() / ".cache/wirewatch-bench"
    )


# -- the queries ----------------------------------------------------------------------------------
def query_families() -> dict[str, list[dict]]:
    """name -> the requests it cycles through (values drawn from the generated data)."""
    places, weights = load_places()
    by_weight = [p for _, p in sorted(zip(weights, places, strict=True), key=lambda t: -t[0])]
    big = by_weight[:12]  # the most reported cities
    towns = by_weight[200:212]  # places with a few hundred events
    countries = sorted({p.country for p in places})
    top_countries = [p.country for p in big]
    months = [f"{y}-{m:02d}" for y in (2022, 2023, 2024) for m in (1, 3, 5, 7, 9, 11)]
    iso3 = list(COUNTRY_WEIGHTS)[:8]

    def box(p, half: float = 1.0) -> str:
        return f"{p.longitude - half:.3f},{p.latitude - half:.3f},{p.longitude + half:.3f},{p.latitude + half:.3f}"

    def month(m: str) -> dict:
        return {"since": f"{m}-01", "until": f"{m}-28"}

    return {
        "no filter (newest first)": [{}],
        "text q (big city)": [{"q": p.name.lower()} for p in big],
        "text q (town)": [{"q": p.name} for p in towns],
        "actor": [{"actor": f"{a} of {c}"} for a in ("Police Forces", "Militia") for c in top_countries[:6]],
        "bbox (2x2 degrees)": [{"bbox": box(p)} for p in big + towns],
        "country": [{"country": c} for c in countries[:12]] + [{"country": c} for c in iso3],
        "admin1": [{"admin1": p.admin1} for p in big if p.admin1],
        "date range (one month)": [month(m) for m in months],
        "type": [{"type": t} for t in ("Battles", "Protests", "Riots", "Explosions/Remote violence")],
        "min_fatalities=10": [{"min_fatalities": 10}, {"min_fatalities": 25}],
        "min_sources=3": [{"min_sources": 3}, {"min_sources": 2}],
        "combined: country+type+month": [
            {"country": p.country, "type": "Battles", **month(m)} for p, m in zip(big, months, strict=False)
        ],
        "combined: q+month+min_fatalities": [
            {"q": p.name.lower(), "min_fatalities": 1, "since": f"{m}-01", "until": f"{m}-28"}
            for p, m in zip(big, months, strict=False)
        ],
        "combined: bbox+type+since": [
            {"bbox": box(p, 2.0), "type": "Explosions/Remote violence", "since": "2024-01-01"} for p in big
        ],
        "combined: actor+country+sort fatalities": [
            {"actor": "Military Forces", "country": c, "sort": "-fatalities"} for c in top_countries[:6]
        ],
    }


# -- the databases ----------------------------------------------------------------------------------
def build_into(db: str, n: int) -> None:
    """Write `n` generated events into `db` through the store (run by the version that owns the base)."""
    from wirewatch.store import open_store
    from wirewatch.store.fusion_queries import insert_events_bulk

    store = open_store(db)
    insert_events_bulk(store, generate_events(n))
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE events")
    store.close()


def generate(db: str, n: int, seed: int = 13) -> None:
    """`n` generated events into `db` (bench/dashboard_latency.py builds its database with this)."""
    build_into(db, n)


def _pg_url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


def _pg_admin(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


def _pg_exists(base: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _pg_available(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return True
    except Exception:  # any failure to connect: no server to measure
        return False


def _run_builder(db: str, n: int, src: Path | None) -> float:
    """Build the base in a subprocess running the version that owns it; returns its CPU seconds."""
    env = os.environ.copy()
    if src is not None:
        env["PYTHONPATH"] = str(src / "src")
    code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import api_latency; api_latency.build_into({db!r}, {n})"
    t0 = os.times()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    t1 = os.times()
    return (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)


def base_database(engine: str, n: int, cache: Path, pg: str, before: Path | None) -> str:
    """The cached base database (built by `before` when given, else by this checkout)."""
    tag = "before" if before else "current"
    if engine == "sqlite":
        path = cache / f"events-{n}-{tag}-base.sqlite"
        if not path.exists():
            tmp = path.with_suffix(".building")
            tmp.unlink(missing_ok=True)
            print(f"building {n:,} events into {path} ...", flush=True)
            cpu = _run_builder(str(tmp), n, before)
            tmp.rename(path)
            print(f"  built in {cpu:.0f} CPU-s", flush=True)
        return str(path)
    name = f"ww_bench_{n}_{tag}_base"
    if not _pg_exists(pg, name):
        print(f"building {n:,} events into PostgreSQL database {name} ...", flush=True)
        _pg_admin(pg, f"DROP DATABASE IF EXISTS {name}_building")
        _pg_admin(pg, f"CREATE DATABASE {name}_building")
        cpu = _run_builder(_pg_url(pg, f"{name}_building"), n, before)
        _pg_admin(pg, f"ALTER DATABASE {name}_building RENAME TO {name}")
        print(f"  built in {cpu:.0f} client CPU-s", flush=True)
    return _pg_url(pg, name)


def current_database(engine: str, base: str, n: int, cache: Path, pg: str, tag: str) -> str:
    """A copy of the base migrated by this checkout (cached per schema version)."""
    from wirewatch.store import open_store
    from wirewatch.store.schema import SCHEMA_VERSION

    if engine == "sqlite":
        path = cache / f"events-{n}-{tag}-v{SCHEMA_VERSION}.sqlite"
        target = str(path)
        fresh = not path.exists()
        if fresh:
            tmp = path.with_suffix(".copying")
            shutil.copyfile(base, tmp)
            tmp.rename(path)
    else:
        name = f"ww_bench_{n}_{tag}_v{SCHEMA_VERSION}"
        target = _pg_url(pg, name)
        fresh = not _pg_exists(pg, name)
        if fresh:
            _pg_admin(pg, f"CREATE DATABASE {name} TEMPLATE {base.rsplit('/', 1)[1]}")
    if fresh:
        t0 = time.process_time()
        w0 = time.perf_counter()
        store = open_store(target)
        version = store.schema_version()
        if engine == "postgresql":
            with store.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE events")
        store.close()
        print(f"  migrated a copy of the base to schema {version}: {time.process_time() - t0:.1f} client CPU-s, "
              f"{time.perf_counter() - w0:.1f} s wall", flush=True)  # fmt: skip
    return target


# -- the load -----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")
    )


def cpu_seconds(pid: int) -> float:
    """CPU of the server process and its worker processes (`--workers`)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class RawHTTP:
    """One keep-alive HTTP/1.1 connection that sends a GET and reads the whole answer, and little
    else: httpx spends about 2.5 ms of CPU on each request, and eight of them in one process made
    the load generator, not the server, set the pace (a `/health` that costs the server 1.3 ms
    took 6 ms a request on the wall)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer, self.host = reader, writer, host

    @classmethod
    async def open(cls, base: str) -> RawHTTP:
        host, port = base.removeprefix("http://").rsplit(":", 1)
        reader, writer = await asyncio.open_connection(host, int(port))
        return cls(reader, writer, f"{host}:{port}")

    async def get(self, target: str) -> tuple[int, bytes]:
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode("ascii"))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
        fields = {k.strip().lower(): v.strip() for k, v in headers.items()}
        if "content-length" in fields:
            return status, await self.reader.readexactly(int(fields["content-length"]))
        body = b""
        while True:  # chunked
            size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
            body += await self.reader.readexactly(size + 2)
            if size == 0:
                return status, body

    def close(self) -> None:
        self.writer.close()


async def load(
    base: str, requests: list[dict], clients: int, time_cap: float, client: str = "raw"
) -> tuple[list[float], int, int]:
    """Send `requests` with at most `clients` in flight; (latencies ms, errors, totals seen).
    `client`: "raw" (`RawHTTP`) or "httpx"."""
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for params in requests:
        queue.put_nowait(params)
    times: list[float] = []
    errors = 0
    total = 0
    deadline = time.perf_counter() + time_cap

    def seen(status: int, body: bytes) -> None:
        nonlocal errors, total
        if status != 200:
            errors += 1
        else:  # the total leads the answer: read it without parsing the page (client CPU)
            match = TOTAL.match(body[:40])
            total = max(total, int(match.group(1)) if match else json.loads(body)["total"])

    async def raw_client() -> None:
        http = await RawHTTP.open(base)
        try:
            while not queue.empty() and time.perf_counter() < deadline:
                target = "/events?" + urlencode(queue.get_nowait())
                t0 = time.perf_counter()
                status, body = await http.get(target)
                times.append((time.perf_counter() - t0) * 1000)
                seen(status, body)
        finally:
            http.close()

    async def httpx_client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            while not queue.empty() and time.perf_counter() < deadline:
                params = queue.get_nowait()
                t0 = time.perf_counter()
                r = await http.get("/events", params=params)
                times.append((time.perf_counter() - t0) * 1000)
                seen(r.status_code, r.content)

    one = raw_client if client == "raw" else httpx_client
    await asyncio.gather(*(one() for _ in range(clients)))
    return times, errors, total


class Server:
    """`wirewatch serve` on 127.0.0.1 from this checkout or from another source tree."""

    def __init__(self, db: str, src: Path | None, workers: int = 1):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = os.environ.copy()
        if src is not None:
            env["PYTHONPATH"] = str(src / "src")
        cmd = [sys.executable, "-c", "from wirewatch.cli import app; app()", "serve", "--db", db,
               "--host", "127.0.0.1", "--port", str(self.port)]  # fmt: skip
        if workers > 1:
            cmd += ["--workers", str(workers)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)

    def __enter__(self) -> Server:
        if health_answers(self.base, tries=600, timeout=2):
            return self
        self.proc.terminate()
        raise SystemExit(
            "server did not start: " + (self.proc.stderr.read().decode() if self.proc.stderr else "")
        )

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=20)


def measure(label: str, db: str, src: Path | None, families: dict[str, list[dict]], args) -> dict[str, float]:
    print(f"\n{label}: {db}")
    print(f"{'query':40} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10} "
          f"{'client CPU':>10} {'errors':>6} {'matches (max)':>13}")  # fmt: skip
    p95s: dict[str, float] = {}
    with Server(db, src, 1 if src is not None else args.workers) as server:
        for name, variants in families.items():
            count = args.before_requests if src is not None and src == args.before_src else args.requests
            requests = list(itertools.islice(itertools.cycle(variants), count))
            for params in variants[:2]:  # warm the page cache and the server's code paths
                httpx.get(server.base + "/events", params=params, timeout=600)
            cpu0 = cpu_seconds(server.proc.pid)
            own0 = time.process_time()
            times, errors, total = asyncio.run(
                load(server.base, requests, args.clients, args.time_cap, args.client)
            )
            cpu = (cpu_seconds(server.proc.pid) - cpu0) * 1000 / max(len(times), 1)
            client = (time.process_time() - own0) * 1000 / max(len(times), 1)
            p95s[name] = percentile(times, 95)
            print(f"{name:40} {len(times):>8} {percentile(times, 50):8.1f} {p95s[name]:8.1f} "
                  f"{percentile(times, 99):8.1f} {cpu:10.1f} {client:10.1f} {errors:>6} {total:>13,}", flush=True)  # fmt: skip
    return p95s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg", default=os.environ.get("WIREWATCH_TEST_PG", DEFAULT_PG))
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--before-src", type=Path, help="source tree of the version to compare against")
    parser.add_argument("--requests", type=int, default=200, help="requests per query")
    parser.add_argument("--before-requests", type=int, default=16, help="requests per query, earlier version")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="the load generator's HTTP client (raw: a bare keep-alive GET, see RawHTTP)",
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes (wirewatch serve --workers)")
    parser.add_argument("--time-cap", type=float, default=60.0, help="seconds per query at most")
    parser.add_argument(
        "--after-src", type=Path, help="source tree to serve as the version measured (default: this one)"
    )
    parser.add_argument(
        "--skip-before", action="store_true", help="with --before-src: its databases, this server only"
    )
    parser.add_argument("--only", help="run the queries whose names contain one of these (comma-separated)")
    parser.add_argument("--build-only", action="store_true", help="build (or find) the databases and stop")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    families = query_families()
    if args.only:
        families = {k: v for k, v in families.items() if any(o in k for o in args.only.split(","))}
    print(f"{args.events:,} events; {args.clients} concurrent clients ({args.client}); page size 50 with the total count; "
          f"server: wirewatch serve (uvicorn, {args.workers} process(es)) on 127.0.0.1; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    summary: dict[tuple[str, str], dict[str, float]] = {}
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        if engine == "postgresql" and not _pg_available(args.pg):
            print(f"PostgreSQL not available at {args.pg}: skipped")
            continue
        base = base_database(engine, args.events, args.cache, args.pg, args.before_src)
        tag = "before" if args.before_src else "current"
        current = current_database(engine, base, args.events, args.cache, args.pg, tag)
        if args.build_only:
            continue
        if args.before_src and not args.skip_before:
            summary[(engine, "before")] = measure(f"{engine}, before ({args.before_src})", base, args.before_src,
                                                  families, args)  # fmt: skip
        label = f"{engine}, {args.after_src or 'this checkout'}"
        summary[(engine, "after")] = measure(label, current, args.after_src, families, args)
    if summary:
        print("\np95 ms per query (target: under 50 ms)")
        columns = list(summary)
        print(f"{'query':40} " + " ".join(f"{e + ' ' + w:>18}" for e, w in columns))
        for name in families:
            print(f"{name:40} " + " ".join(f"{summary[c].get(name, float('nan')):18.1f}" for c in columns))


if __name__ == "__main__":
    main()

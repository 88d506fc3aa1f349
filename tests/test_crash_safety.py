"""Crash safety (issue 14): `wirewatch run` killed with SIGKILL at random points, then rerun to the
end, leaves the database as an uninterrupted run leaves it, on SQLite and PostgreSQL. A few kills,
seeded, each at a random moment of a run (bounded time); the runs the kills left unfinished are
marked interrupted by the next run. Also keeps the atheris harness from rotting (a few inputs)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from wirewatch.demo import corpus_path
from wirewatch.store import open_store

WIREWATCH = [sys.executable, "-m", "wirewatch.cli"]
TIME_FIELDS = {"ingested_at", "updated_at", "at", "fetched_at"}  # wall-clock stamps differ run to run


def _run(db: str, *, kill_after: float | None = None) -> tuple[int | None, float]:
    """A `wirewatch run` over the demo corpus: (its exit code or None when killed, how long it
    worked). With `kill_after`, it is killed with SIGKILL that many seconds after its work began
    (its run recorded in the database: start-up before that writes nothing worth killing)."""
    cmd = [*WIREWATCH, "run", str(corpus_path()), "--db", db]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    began = _work_began(db, proc)
    if kill_after is None:
        code = proc.wait(timeout=300)
        return code, time.monotonic() - began
    try:
        return proc.wait(timeout=kill_after), time.monotonic() - began  # it finished first
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        return None, time.monotonic() - began


def _work_began(db: str, proc: subprocess.Popen) -> float:  # type: ignore[type-arg]
    """When the run's row appeared (polled; a bounded wait), or now if the process ended first."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            store = open_store(db, create=False)
            try:
                if any(r["pid"] == proc.pid and r["status"] == "running" for r in store.runs()):
                    return time.monotonic()
            finally:
                store.close()
        except Exception:  # noqa: BLE001 - not created or migrated yet: look again
            pass
        time.sleep(0.05)
    return time.monotonic()


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in TIME_FIELDS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def snapshot(db: str) -> dict[str, Any]:
    """What a run leaves: every article, story, mention and event, without wall-clock stamps."""
    store = open_store(db, create=False)
    try:
        return {
            "articles": sorted(json.dumps(_strip(a.to_dict()), sort_keys=True) for a in store.iter_articles()),
            "stories": sorted(json.dumps(_strip(s.to_dict()), sort_keys=True) for s in store.iter_stories()),
            "mentions": sorted(json.dumps(_strip(m.to_dict()), sort_keys=True) for m in store.iter_mentions()),
            "events": sorted(json.dumps(_strip(e.to_dict()), sort_keys=True) for e in store.iter_events()),
        }
    finally:
        store.close()


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[dict[str, Any], float]:  # type: ignore[no-untyped-def]
    """An uninterrupted run's records (from SQLite: records are the same in both databases) and
    how long that run worked here, now."""
    db = str(tmp_path_factory.mktemp("reference") / "reference.db")
    code, whole = _run(db)
    assert code in (0, 1)
    expected = snapshot(db)
    assert expected["events"], "the demo corpus gives events"
    return expected, whole


def _kill_and_rerun(reference: tuple[dict[str, Any], float], db: str, seed: int, kills: int) -> None:
    expected, whole = reference
    rng = random.Random(seed)
    killed = 0
    for _ in range(kills):
        if _run(db, kill_after=rng.uniform(0.05, 0.95) * whole)[0] is None:
            killed += 1
    assert _run(db)[0] in (0, 1)  # the rerun to the end
    assert snapshot(db) == expected
    store = open_store(db, create=False)
    runs = store.runs()
    store.close()
    interrupted = sum(r["status"] == "interrupted" for r in runs)
    # a kill after the run wrote "finished" (while it printed its summary) leaves it finished
    assert killed >= 1 and 1 <= interrupted <= killed
    assert all(r["status"] in ("interrupted", "finished") for r in runs) and runs[-1]["status"] == "finished"


def test_sigkill_at_random_points_on_sqlite(reference, tmp_path: Path):  # type: ignore[no-untyped-def]
    _kill_and_rerun(reference, str(tmp_path / "killed.db"), seed=14, kills=2)


@pytest.mark.postgres
def test_sigkill_at_random_points_on_postgres(reference, postgres_url: str):  # type: ignore[no-untyped-def]
    _kill_and_rerun(reference, postgres_url, seed=41, kills=1)


def test_atheris_harness_runs(tmp_path: Path):
    pytest.importorskip("atheris")
    script = Path(__file__).resolve().parents[1] / "scripts" / "fuzz_atheris.py"
    done = subprocess.run([sys.executable, str(script), "-runs=40", f"-artifact_prefix={tmp_path}/"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env=os.environ | {"PYTHONHASHSEED": "0"})  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Done 40 runs" in done.stderr

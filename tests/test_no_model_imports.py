"""Commands that read the database never load the language model: `articles`, `events`,
`export`, `show`, `stories`, `mentions` and the reads of a running `serve` do not import spaCy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import httpx
from tests.conftest import free_port

from wirewatch.api.server import health_answers
from wirewatch.records import Article, Event
from wirewatch.store import open_store
from wirewatch.store.fusion_queries import insert_events_bulk

MODEL_PACKAGES = ("spacy", "thinc")


def _database(path: str) -> str:
    store = open_store(path)
    store.add_articles([Article(article_id="art1", source="a.txt", title="Shelling", text="Shelling hit the town.")])
    insert_events_bulk(store, [Event(event_id="ev1", event_date="2024-03-01", country="Ukraine",
                                     event_type="Battles", notes="Shelling hit the town.",
                                     longitude=36.2, latitude=49.9)])  # fmt: skip
    store.close()
    return path


def test_read_commands_do_not_import_the_model(tmp_path):
    db = _database(str(tmp_path / "r.db"))
    script = textwrap.dedent(f"""
        import json, sys
        from wirewatch.cli import app
        loaded = {{}}
        for args in {[
            ["articles", "--db", db], ["events", "--db", db], ["events", "--db", db, "--q", "shelling"],
            ["export", "--db", db, "--format", "csv", "-o", str(tmp_path / "e.csv")],
            ["export", "--db", db, "--format", "geojson", "-o", str(tmp_path / "e.geojson")],
            ["show", "art1", "--db", db], ["stories", "--db", db], ["mentions", "--db", db],
        ]!r}:
            try:
                app(args, standalone_mode=False)
            except SystemExit:
                pass
            loaded[" ".join(args[:1] + args[3:4])] = sorted(m for m in sys.modules if m.split(".")[0] in {MODEL_PACKAGES!r})
        print("LOADED " + json.dumps(loaded))
    """)  # fmt: skip
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout.rsplit("LOADED ", 1)[1])
    assert len(loaded) == 7 and all(not modules for modules in loaded.values()), loaded


def test_serve_answers_reads_without_importing_the_model(tmp_path):
    db = _database(str(tmp_path / "s.db"))
    port = free_port()
    cmd = [sys.executable, "-X", "importtime", "-c", "from wirewatch.cli import app; app()", "serve", "--db", db,
           "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        health_answers(base, tries=300)
        for path in ["/events?q=shelling", "/events/ev1", "/stats", "/map?zoom=3", "/timeline", "/facets",
                     "/articles/art1", "/stories", "/events/ev1/evidence", "/"]:  # fmt: skip
            assert httpx.get(base + path, timeout=30).status_code == 200, path
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    imported = {line.rsplit("|", 1)[-1].strip() for line in err.splitlines() if line.startswith("import time:")}
    assert "wirewatch.api.app" in imported  # the import log is complete
    assert not {m for m in imported if m.split(".")[0] in MODEL_PACKAGES}, sorted(imported)

"""Write docs/api.md from the API's own OpenAPI schema (a test checks it is up to date).

Run: python scripts/gen_api_reference.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from wirewatch.api.app import create_app
from wirewatch.store import open_store

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"

HEADER = """# REST API reference

Generated from the API's OpenAPI schema by `scripts/gen_api_reference.py`; a test fails when this
file and the code disagree. A running server also serves the schema at `/openapi.json`.

Start it with `wirewatch serve --db news.db` (SQLite path or `postgresql://` URL; `--host`,
`--port`). Every answer is JSON. Errors are `{"error": {"code": "W0..", "message": "..."}}` with
the codes of [errors.md](errors.md): 404 for an unknown id, 400 for a bad filter value (a box,
sort or review state), 422 for a parameter of the wrong type or a rejected article, 401/403 for a missing or wrong token. Lists page with `limit` and `offset` and report
`total`; `/events` counts exactly up to `[api] total_cap` matches (1,000) and past it answers
`total_exact: false` with `total` = the cap, at least that many (`exact_total=true` counts all:
slower on a large database). `POST /articles` is off until `[api] ingest_token` is set in the configuration; send it
as `Authorization: Bearer TOKEN`. For many clients, `--workers N` runs N processes (one per core);
on Linux each listens on a socket of its own on the one port and the kernel spreads the
connections over them, so keep-alive clients opened together are not all served by one process;
each works on at most `[api] threads` requests at once (2: more threads only contend for Python's
lock, and two let a process go on while PostgreSQL answers the other).

```sh
curl 'http://127.0.0.1:8765/events?country=Sudan&since=2025-03-01&min_fatalities=5&sort=-fatalities'
curl 'http://127.0.0.1:8765/events/EVENT_ID'
curl -X POST -H 'Authorization: Bearer TOKEN' -H 'Content-Type: application/json' \\
     -d '{"text": "...", "url": "https://example.org/a", "published_at": "2025-03-04"}' \\
     http://127.0.0.1:8765/articles
```
"""


def _type(schema: dict[str, Any]) -> str:
    options = schema.get("anyOf") or [schema]
    names = [o.get("type", "") for o in options if o.get("type") != "null"]
    return " or ".join(n for n in names if n) or "object"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "schema.db"))
        spec = create_app(store).openapi()
        store.close()
    out = [HEADER]
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            out.append(f"## {method.upper()} {path}\n")
            if op.get("description"):
                out.append(" ".join(op["description"].split()) + "\n")
            params = op.get("parameters", [])
            if params:
                out.append("| parameter | in | type | default | meaning |")
                out.append("|---|---|---|---|---|")
                for p in params:
                    schema = p.get("schema", {})
                    default = schema.get("default")
                    shown = "" if default is None else f"`{default}`"
                    required = " (required)" if p.get("required") else ""
                    out.append(
                        f"| `{p['name']}`{required} | {p['in']} | {_type(schema)} | {shown} | "
                        f"{_cell(p.get('description', ''))} |"
                    )
                out.append("")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                out.append(f"Body: {_cell(body.get('description', 'JSON'))}.\n")
            codes = ", ".join(sorted(op.get("responses", {})))
            out.append(f"Answers: {codes}.\n")
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

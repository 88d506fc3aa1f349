"""Write docs/cli.md and docs/errors.md from the code (a test checks both are up to date).

Run: python scripts/gen_cli_reference.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer.main

from wirewatch.cli import app
from wirewatch.errors import CODES

DOCS = Path(__file__).resolve().parents[1] / "docs"
DOC = DOCS / "cli.md"
ERRORS_DOC = DOCS / "errors.md"

HEADER = """# Command-line reference

Generated from the commands' own `--help` by `scripts/gen_cli_reference.py`; a test fails when
this file and the commands disagree. Every list command shares `--format table|jsonl|csv`.

Exit codes: 0 done; 1 done, but some inputs were skipped (each named on stderr); 2 could not run
(bad option, database, config or gold file); 130 interrupted (rerun to finish).
"""


def _param_line(param) -> str:  # type: ignore[no-untyped-def]
    # typer ships its own click; read the parameters by their attributes
    if type(param).__name__ == "Argument":
        name = param.human_readable_name.upper()
        return f"| `{name}` | argument{' (one or more)' if param.nargs == -1 else ''} | |"
    names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    default = param.default
    shown = "" if default in (None, False, (), []) or callable(default) else f"`{getattr(default, 'value', default)}`"
    help_text = (param.help or "").replace("|", "\\|")
    return f"| {names} | {help_text} | {shown} |"


def render() -> str:
    root = typer.main.get_command(app)
    parts = [HEADER]
    for name in sorted(root.commands):
        cmd = root.commands[name]
        parts.append(f"\n## `wirewatch {name}`\n")
        parts.append((cmd.help or "").strip().split("\n\n")[0] + "\n")
        params = [p for p in cmd.params if p.name != "help"]
        if params:
            parts.append("\n| parameter | meaning | default |\n|---|---|---|")
            parts.extend(_param_line(p) for p in params)
    return "\n".join(parts).rstrip() + "\n"


def render_errors() -> str:
    lines = [
        "# Error codes",
        "",
        "Every problem wirewatch reports is one line: `error CODE: INPUT: what is wrong` (or",
        "`warning ...` when the input was still processed). Generated from `src/wirewatch/errors.py`",
        "by `scripts/gen_cli_reference.py`.",
        "",
        "| code | meaning |",
        "|---|---|",
    ]
    lines += [f"| {code} | {meaning} |" for code, meaning in sorted(CODES.items())]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    ERRORS_DOC.write_text(render_errors(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC} and {ERRORS_DOC}\n")

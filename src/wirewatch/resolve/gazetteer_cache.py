"""Built-once artefacts (the gazetteer's look-up index, the spaCy entity ruler) in the user's cache.

Building the gazetteer's indexes from `data/gazetteer.tsv.gz` and the entity ruler's matcher from
its patterns takes seconds; a run loads them from a file built at first use instead. Files live
in `$WIREWATCH_CACHE_DIR`, else `$XDG_CACHE_HOME/wirewatch`, else `~/.cache/wirewatch`, named by
a hash of everything they are built from (data files, the code that builds them, versions), so a
changed gazetteer or lexicon gets a new file and old ones are removed. A file that cannot be read
is rebuilt with a one-line warning (W024); where no cache folder can be written the artefact is
built in memory for this process only.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from wirewatch import __version__ as WIREWATCH_VERSION
from wirewatch import errors
from wirewatch.errors import InputProblem


def cache_dir() -> Path:
    """The folder for wirewatch's built-once files (not created here)."""
    given = os.environ.get("WIREWATCH_CACHE_DIR")
    if given:
        return Path(given).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "wirewatch"


def fingerprint(parts: Iterable[bytes | str]) -> str:
    """A short hash of the inputs an artefact is built from, with wirewatch's version."""
    h = hashlib.sha256(WIREWATCH_VERSION.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:20]


def package_bytes(package: str, *names: str) -> list[bytes]:
    """The bytes of files shipped in `package` (data files, or the modules that build from them)."""
    root = resources.files(package)
    return [root.joinpath(name).read_bytes() for name in names]


def warn_rebuilt(path: Path, why: str) -> None:
    problem = InputProblem(
        str(path), errors.CACHE_REBUILT, f"cache file unreadable ({why}); rebuilt", fatal=False
    )
    print(problem.line(), file=sys.stderr)


def cached_file(
    kind: str, key: str, suffix: str, build: Callable[[Path], None], load: Callable[[Path], object]
) -> object:
    """`load(path)` of the cached `kind` file for `key`, building it first with `build(tmp_path)` when
    it is missing or unreadable. Without a writable cache folder: built into a temporary file."""
    folder = cache_dir()
    path = folder / f"{kind}-{key}{suffix}"
    if path.exists():
        try:
            return load(path)
        except Exception as exc:  # a truncated or foreign file: rebuild it, say so in one line
            warn_rebuilt(path, f"{type(exc).__name__}: {exc}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=suffix, dir=folder)
        os.close(fd)
    except OSError:  # read-only home: build for this process only
        fd, tmp = tempfile.mkstemp(prefix=f"wirewatch-{kind}-", suffix=suffix)
        os.close(fd)
        build(Path(tmp))
        result = load(Path(tmp))
        os.unlink(tmp)
        return result
    try:
        build(Path(tmp))
        os.replace(tmp, path)  # atomic: a parallel process sees the old file or the whole new one
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    for stale in folder.glob(f"{kind}-*{suffix}"):
        if stale != path:
            try:
                stale.unlink()
            except OSError:
                pass
    return load(path)


def cached_json_object(
    kind: str, key: str, build: Callable[[], dict[str, Any]], fields: set[str]
) -> dict[str, Any]:
    """`cached_file` of a JSON object holding `fields`: `build()` written at first use, read after
    (a file without them is unreadable: rebuilt with a one-line warning)."""

    def write(path: Path) -> None:
        path.write_text(json.dumps(build()), encoding="utf-8")

    def read(path: Path) -> dict[str, Any]:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not fields <= set(data):
            raise ValueError(f"not a {kind} file")
        return data

    found = cached_file(kind, key, ".json", write, read)
    assert isinstance(found, dict)
    return found

"""The bundled demo corpus: a small news week we wrote ourselves (see corpus/README.md)."""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path

_extracted: Path | None = None  # a copy on disk, only when the package is not a plain folder (zip)


def corpus_path() -> Path:
    """Folder holding the demo corpus files; works from a source checkout or an installed package."""
    global _extracted
    corpus = resources.files("wirewatch.demo").joinpath("corpus")
    if isinstance(corpus, Path):
        return corpus
    # Installed as a zip (or another non-filesystem loader): copy the files out once.
    if _extracted is None:
        target = Path(tempfile.mkdtemp(prefix="wirewatch-demo-")) / "corpus"
        target.mkdir()
        for item in corpus.iterdir():
            if item.is_file():
                (target / item.name).write_bytes(item.read_bytes())
        _extracted = target
    return _extracted


def cleanup() -> None:
    """Remove a corpus copy made by corpus_path() (only ever made for zipped installs)."""
    global _extracted
    if _extracted is not None:
        shutil.rmtree(_extracted.parent, ignore_errors=True)
        _extracted = None

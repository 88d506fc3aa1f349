"""Coverage-guided fuzzing of the readers, the cleaner and extraction with atheris, for runs
longer than CI's bounded one (tests/test_fuzz.py).

    .venv/bin/python scripts/fuzz_atheris.py                       # until stopped (Ctrl-C)
    .venv/bin/python scripts/fuzz_atheris.py -runs=20000           # a fixed number of inputs
    .venv/bin/python scripts/fuzz_atheris.py -max_total_time=3600  # an hour
    .venv/bin/python scripts/fuzz_atheris.py --target clean CORPUS_DIR -max_len=20000

Targets (`--target`, default `all`): `read` (bytes as each kind of input file: HTML, text, JSONL,
JSON, feed, WARC, gzip), `clean` (bytes as a page or a text through the cleaner), `extract`
(text through extraction, capped as the pipeline caps it), `all` (the first byte picks one).
A crash (any exception, an uncoded problem, a string that is not valid Unicode, a span that does
not point into its text) stops the run and leaves `crash-*` with the input: add it to FOUND in
tests/test_fuzz.py and fix it. Network is never used: fetching is refused for every address.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

import atheris
import spacy  # noqa: F401,E402 - heavy libraries imported first: only wirewatch's own code is instrumented
import trafilatura  # noqa: F401,E402

with atheris.instrument_imports(include=["wirewatch"]):
    from wirewatch import errors
    from wirewatch.clean import clean_document
    from wirewatch.config import Options
    from wirewatch.errors import InputProblem
    from wirewatch.extract import extract_mentions
    from wirewatch.ingest import read_inputs
    from wirewatch.ingest.documents import make_document
    from wirewatch.limits import extraction_view
    from wirewatch.records import Article, RawDocument

NAMES = ["page.html", "story.txt", "records.jsonl", "records.json", "feed.xml", "dump.warc", "noext"]
OPTIONS = Options()
OPTIONS.ingest.max_bytes, OPTIONS.ingest.retries, OPTIONS.ingest.timeout_s = 200_000, 0, 1.0
WORKDIR = tempfile.mkdtemp(prefix="wirewatch-fuzz-")


class FuzzFailure(AssertionError):
    pass


def _valid(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FuzzFailure(f"not valid Unicode: {text[:80]!r}") from exc


def _check(item: RawDocument | InputProblem) -> None:
    if isinstance(item, InputProblem):
        if item.code not in errors.CODES or item.code == errors.INTERNAL_ERROR or "\n" in item.line():
            raise FuzzFailure(item.line())
        return
    for name in item.field_names():
        value = getattr(item, name)
        if isinstance(value, str):
            _valid(value)


def fuzz_read(data: bytes) -> None:
    if not data:
        return
    path = os.path.join(WORKDIR, NAMES[data[0] % len(NAMES)])
    with open(path, "wb") as out:
        out.write(data[1:])
    for item in read_inputs([path], OPTIONS.ingest):
        _check(item)


def fuzz_clean(data: bytes) -> None:
    kind = "html" if data[:1] in (b"<", b"\x00") else "text"
    for item in make_document(data, "fuzz", kind):
        _check(item)
        if isinstance(item, RawDocument):
            article = clean_document(item, OPTIONS.clean)
            if isinstance(article, Article):
                _valid(article.text or "")


def fuzz_extract(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    article = Article(article_id="fuzz", source="fuzz", text=text, published_at="2024-02-08")
    view, _warning = extraction_view(article, OPTIONS.extract)
    for mention in extract_mentions(view, OPTIONS.extract):
        for span in mention.spans:
            if text[span.start : span.end] != span.text:
                raise FuzzFailure(f"span {span} does not point into the text")


TARGETS = {"read": fuzz_read, "clean": fuzz_clean, "extract": fuzz_extract}


def fuzz_all(data: bytes) -> None:
    if data:
        list(TARGETS.values())[data[0] % len(TARGETS)](data[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], add_help=True)
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    args, rest = parser.parse_known_args()
    extract_mentions(Article(article_id="w", source="w", text="Gunmen killed two in Bannu."), OPTIONS.extract)
    target = fuzz_all if args.target == "all" else TARGETS[args.target]
    atheris.Setup([sys.argv[0], *rest], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

"""Files and folders: each kind, folder walking, and every bad file from issue 2."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from wirewatch.config import IngestOptions
from wirewatch.errors import CODES, InputProblem
from wirewatch.ingest import read_inputs
from wirewatch.records import RawDocument

FIXTURES = Path(__file__).parent / "fixtures"


def read(*inputs: str | Path, **options) -> tuple[list[RawDocument], list[InputProblem]]:
    items = list(read_inputs([str(i) for i in inputs], IngestOptions(**options)))
    docs = [i for i in items if isinstance(i, RawDocument)]
    problems = [i for i in items if isinstance(i, InputProblem)]
    assert len(docs) + len(problems) == len(items)
    for problem in problems:  # every problem is coded and prints as one line naming its input
        assert problem.code in CODES
        assert "\n" not in problem.line() and problem.source in problem.line()
    return docs, problems


def codes(problems: list[InputProblem]) -> list[str]:
    return [p.code for p in problems]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder of our own fixture articles, with a subfolder, a hidden file and a README."""
    root = tmp_path / "corpus"
    (root / "wire").mkdir(parents=True)
    (root / ".cache").mkdir()
    shutil.copy(FIXTURES / "scraped_page.txt", root / "b_scraped.txt")
    shutil.copy(FIXTURES / "page.html", root / "a_page.HTML")
    shutil.copy(FIXTURES / "wire_copy.txt", root / "wire" / "floods.txt")
    (root / ".hidden.txt").write_text("Hidden notes that are not an article.\n")
    (root / ".cache" / "old.txt").write_text("Cached copy.\n")
    (root / "README.md").write_text("# About this folder\n")
    return root


def test_text_file_is_read_with_source_mtime_and_encoding(tmp_path: Path):
    path = tmp_path / "floods.txt"
    shutil.copy(FIXTURES / "wire_copy.txt", path)
    os.utime(path, (1709539200, 1709539200))  # 2024-03-04T08:00:00Z
    docs, problems = read(path)
    assert problems == []
    [doc] = docs
    assert doc.kind == "text"
    assert doc.source == str(path)
    assert doc.encoding == "utf-8"
    assert doc.file_mtime == "2024-03-04T08:00:00+00:00"
    assert doc.content.startswith("Floods cut road links")
    assert doc.content.rstrip().endswith("rk/dpb")


def test_html_file_is_kind_html(tmp_path: Path):
    docs, problems = read(FIXTURES / "page.html")
    assert problems == []
    assert docs[0].kind == "html"
    assert "<article>" in docs[0].content


def test_folder_is_walked_recursively_sorted_skipping_hidden_and_readme(corpus: Path):
    docs, problems = read(corpus)
    assert problems == []
    assert [d.source for d in docs] == [
        os.path.join(str(corpus), "a_page.HTML"),
        os.path.join(str(corpus), "b_scraped.txt"),
        os.path.join(str(corpus), "wire", "floods.txt"),
    ]
    assert [d.kind for d in docs] == ["html", "text", "text"]


def test_folder_source_keeps_the_path_as_given(corpus: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(corpus.parent)
    docs, _ = read("corpus/")
    assert docs[-1].source == "corpus/wire/floods.txt"


def test_same_folder_twice_gives_same_documents(corpus: Path):
    first, _ = read(corpus)
    second, _ = read(corpus)
    assert [d.raw_id for d in first] == [d.raw_id for d in second]


def test_empty_folder_is_a_warning(tmp_path: Path):
    (tmp_path / "nothing").mkdir()
    docs, problems = read(tmp_path / "nothing")
    assert docs == [] and codes(problems) == ["W004"] and not problems[0].fatal


def test_unknown_extension_is_sniffed(tmp_path: Path):
    (tmp_path / "story.dat").write_text("<html><body><p>Officials said the road reopened.</p></body></html>")
    (tmp_path / "story").write_text("Officials said the road reopened on Friday after repairs.\n")
    docs, problems = read(tmp_path / "story.dat", tmp_path / "story")
    assert problems == []
    assert [d.kind for d in docs] == ["html", "text"]


def test_named_readme_is_read_but_skipped_inside_folders(corpus: Path):
    docs, _ = read(corpus / "README.md")
    assert len(docs) == 1


def test_missing_input(tmp_path: Path):
    docs, problems = read(tmp_path / "no-such-file.txt")
    assert docs == [] and codes(problems) == ["W001"]
    assert "no-such-file.txt" in problems[0].line()


def test_bad_inputs_do_not_stop_the_run(tmp_path: Path):
    (tmp_path / "empty.txt").write_bytes(b"")
    docs, problems = read(tmp_path / "missing.txt", tmp_path / "empty.txt", FIXTURES / "wire_copy.txt")
    assert codes(problems) == ["W001", "W004"]
    assert len(docs) == 1


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_chmod(tmp_path: Path):
    path = tmp_path / "locked.txt"
    path.write_text("Officials said the curfew was lifted.\n")
    path.chmod(0)
    try:
        docs, problems = read(path)
    finally:
        path.chmod(0o644)
    assert docs == [] and codes(problems) == ["W002"]
    assert "permission denied" in problems[0].message


def test_unreadable_file_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """open() failing with EACCES (what chmod 000 does to a normal user) is W002."""
    path = tmp_path / "locked.txt"
    path.write_text("Officials said the curfew was lifted.\n")
    real_open = open

    def deny(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    docs, problems = read(path)
    assert docs == [] and codes(problems) == ["W002"]


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_file_that_fails_while_reading():
    """/proc/self/mem opens but reading offset 0 fails with EIO, even for root."""
    docs, problems = read("/proc/self/mem")
    assert docs == [] and codes(problems) == ["W002"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_unreadable_subfolder_is_reported_and_the_rest_read(corpus: Path):
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text("Text.\n")
    locked.chmod(0)
    try:
        docs, problems = read(corpus)
    finally:
        locked.chmod(0o755)
    assert codes(problems) == ["W002"] and len(docs) == 3


def test_pipe_is_not_read(tmp_path: Path):
    fifo = tmp_path / "pipe"
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(fifo)
    docs, problems = read(fifo)
    assert docs == [] and codes(problems) == ["W012"]


def test_binary_file(tmp_path: Path):
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    (tmp_path / "blob.html").write_bytes(b"ab\x00\x01\x02cd" * 50)
    docs, problems = read(tmp_path / "scan.txt", tmp_path / "blob.html")
    assert docs == [] and codes(problems) == ["W003", "W003"]
    assert "PDF" in problems[0].message


def test_empty_and_whitespace_files(tmp_path: Path):
    (tmp_path / "zero.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_bytes(b" \n\t\r\n  \n")
    docs, problems = read(tmp_path / "zero.txt", tmp_path / "blank.html")
    assert docs == [] and codes(problems) == ["W004", "W004"]


def test_oversized_file_with_small_cap(tmp_path: Path):
    path = tmp_path / "long.txt"
    path.write_text("The council met again on Tuesday. " * 100)
    docs, problems = read(path, max_bytes=1000)
    assert docs == [] and codes(problems) == ["W005"]
    assert "1,000" in problems[0].message and "3,400" in problems[0].message
    docs, problems = read(path, max_bytes=10_000)
    assert len(docs) == 1 and problems == []


CP1252_STORY = "\u201cWe will rebuild,\u201d said the mayor of S\u00e3o Crist\u00f3v\u00e3o \u2013 a caf\u00e9 owner\u2019s son.\n"
LATIN1_STORY = "El alcalde de Peña Blanca dijo que la reunión terminó sin acuerdo. Años de espera.\n"


def test_cp1252_file_with_curly_quotes(tmp_path: Path):
    path = tmp_path / "mayor.txt"
    path.write_bytes(CP1252_STORY.encode("cp1252"))
    docs, problems = read(path)
    assert problems == []
    assert docs[0].content == CP1252_STORY
    assert docs[0].encoding == "cp1252"


def test_latin1_file_with_accents(tmp_path: Path):
    path = tmp_path / "alcalde.txt"
    path.write_bytes(LATIN1_STORY.encode("latin-1"))
    docs, problems = read(path)
    assert problems == []
    assert docs[0].content == LATIN1_STORY
    assert docs[0].encoding == "latin-1"


def test_html_declared_charset_is_used_for_legacy_bytes(tmp_path: Path):
    html = f'<html><head><meta charset="windows-1252"><title>Mayor</title></head><body><p>{CP1252_STORY}</p></body></html>'
    (tmp_path / "mayor.html").write_bytes(html.encode("cp1252"))
    docs, problems = read(tmp_path / "mayor.html")
    assert problems == [] and CP1252_STORY.strip() in docs[0].content


def test_broken_utf8_is_decoded_with_a_warning(tmp_path: Path):
    good = (
        "Officials in Qu\u00e9bec and Montr\u00e9al said the caf\u00e9s would reopen \u2014 \u201csoon\u201d.\n"
        * 5
    )
    data = good.encode("utf-8")
    data = data[:40] + b"\xff\xfe" + data[40:]  # two stray bytes in otherwise good UTF-8
    path = tmp_path / "broken.txt"
    path.write_bytes(data)
    docs, problems = read(path)
    assert codes(problems) == ["W014"] and not problems[0].fatal
    assert len(docs) == 1 and docs[0].encoding == "utf-8"
    assert "\ufffd" in docs[0].content and "Montr\u00e9al" in docs[0].content
    assert "warning W014" in problems[0].line()


def test_utf8_bom_and_utf16_files(tmp_path: Path):
    text = "Talks resumed in Gen\u00e8ve on Monday.\n"
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "wide.txt").write_bytes(text.encode("utf-16"))
    docs, problems = read(tmp_path / "bom.txt", tmp_path / "wide.txt")
    assert problems == []
    assert [d.content for d in docs] == [text, text]


def test_malformed_html_is_still_a_document(tmp_path: Path):
    """Ingest does not parse HTML: a broken page goes on to clean (which may give W008)."""
    (tmp_path / "broken.html").write_text(
        "<html><body><p>Rescuers reached the village <div><b>late on Friday"
    )
    docs, problems = read(tmp_path / "broken.html")
    assert problems == [] and docs[0].kind == "html"


def test_a_name_that_plainly_lies_is_overruled(tmp_path: Path):
    (tmp_path / "saved.txt").write_text("<!DOCTYPE html><html><body><p>Saved page.</p></body></html>")
    (tmp_path / "plain.html").write_text("Officials said the road reopened on Friday.\n")
    docs, problems = read(tmp_path / "saved.txt", tmp_path / "plain.html")
    assert problems == [] and [d.kind for d in docs] == ["html", "text"]


def test_an_unexpected_error_is_one_problem_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise TypeError("simulated bug")

    monkeypatch.setattr("wirewatch.ingest.files.make_document", broken)
    docs, problems = read(FIXTURES / "wire_copy.txt", FIXTURES)
    assert docs == [] and codes(problems) == ["W090"] * 4  # each file of the folder on its own
    assert "simulated bug" in problems[0].message

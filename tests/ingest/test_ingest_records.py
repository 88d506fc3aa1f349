"""JSON / JSONL article records (docs/records.md input format) and stdin."""

from __future__ import annotations

import io
import json
from pathlib import Path

from wirewatch.config import IngestOptions
from wirewatch.errors import InputProblem
from wirewatch.ingest import read_inputs
from wirewatch.records import RawDocument

FIXTURES = Path(__file__).parent / "fixtures"
WIRE = (FIXTURES / "wire_copy.txt").read_text(encoding="utf-8")
PAGE = (FIXTURES / "page.html").read_text(encoding="utf-8")


def read(inputs: list[str], stdin: bytes | None = None, **options):  # type: ignore[no-untyped-def]
    stream = io.BytesIO(stdin) if stdin is not None else None
    items = list(read_inputs(inputs, IngestOptions(**options), stdin=stream))
    docs = [i for i in items if isinstance(i, RawDocument)]
    problems = [i for i in items if isinstance(i, InputProblem)]
    return docs, problems


def write_jsonl(path: Path, lines: list[str]) -> str:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_jsonl_records_give_documents_with_given_fields(tmp_path: Path):
    path = write_jsonl(
        tmp_path / "feed.jsonl",
        [
            json.dumps(
                {
                    "id": "wire-0042",
                    "text": WIRE,
                    "url": "https://news.example.org/floods",
                    "title": "Floods cut road links",
                    "published_at": "2024-03-04T11:20:00+05:30",
                    "outlet": "Example News",
                }
            ),
            json.dumps({"id": 43, "html": PAGE}),
        ],
    )
    docs, problems = read([path])
    assert problems == []
    first, second = docs
    assert first.source == f"{path}:1" and second.source == f"{path}:2"
    assert first.kind == "text" and first.content == WIRE
    assert first.external_id == "wire-0042" and second.external_id == "43"
    assert first.url == "https://news.example.org/floods"
    assert first.given_title == "Floods cut road links"
    assert first.given_published_at == "2024-03-04T11:20:00+05:30"
    assert first.given_outlet == "Example News"
    assert second.kind == "html" and second.given_title is None
    assert first.file_mtime is not None


def test_malformed_lines_are_problems_and_the_rest_goes_on(tmp_path: Path):
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            json.dumps({"text": "Police said the march ended peacefully in the afternoon."}),
            '{"text": "unterminated',
            "",
            "[1, 2, 3]",
            json.dumps({"title": "Headline only", "url": "https://news.example.org/x"}),
            json.dumps({"text": 12}),
            json.dumps({"text": "   "}),
            json.dumps({"text": "Officials said the bridge would reopen on Friday."}),
        ],
    )
    docs, problems = read([path])
    assert [d.source for d in docs] == [f"{path}:1", f"{path}:8"]
    assert [(p.source, p.code) for p in problems] == [
        (f"{path}:2", "W006"),
        (f"{path}:4", "W006"),
        (f"{path}:5", "W013"),
        (f"{path}:6", "W006"),
        (f"{path}:7", "W004"),
    ]
    assert problems[0].line().startswith(f"error W006: {path}:2: malformed JSON (")


def test_json_file_with_one_object_or_a_list(tmp_path: Path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"text": WIRE, "id": "a1"}))
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"text": WIRE}, {"html": PAGE}, "not a record", {"url": "u"}]))
    docs, problems = read([str(one), str(many)])
    assert [d.source for d in docs] == [str(one), f"{many}[0]", f"{many}[1]"]
    assert [(p.source, p.code) for p in problems] == [(f"{many}[2]", "W006"), (f"{many}[3]", "W013")]


def test_malformed_json_file(tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text('{"text": "The minister resigned", }')
    docs, problems = read([str(path)])
    assert docs == [] and [p.code for p in problems] == ["W006"]
    assert "line 1 column" in problems[0].message


def test_jsonl_saved_as_json_is_read_as_jsonl(tmp_path: Path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"text": WIRE}) + "\n" + json.dumps({"html": PAGE}) + "\n")
    docs, problems = read([str(path)])
    assert problems == [] and [d.source for d in docs] == [f"{path}:1", f"{path}:2"]


def test_jsonl_cap_applies_per_record(tmp_path: Path):
    path = write_jsonl(
        tmp_path / "big.jsonl",
        [
            json.dumps({"text": "Short item about a court ruling."}),
            json.dumps({"text": "x" * 5000}),
            json.dumps({"text": "Another short item."}),
        ],
    )
    docs, problems = read([path], max_bytes=1000)
    assert len(docs) == 2
    assert [(p.source, p.code) for p in problems] == [(f"{path}:2", "W005")]


def test_jsonl_line_in_cp1252_is_decoded(tmp_path: Path):
    path = tmp_path / "legacy.jsonl"
    path.write_bytes(
        json.dumps({"text": "\u201cNo comment,\u201d the caf\u00e9 owner said."}, ensure_ascii=False).encode(
            "cp1252"
        )
        + b"\n"
    )
    docs, problems = read([str(path)])
    assert problems == [] and docs[0].content == "\u201cNo comment,\u201d the caf\u00e9 owner said."


def test_binary_jsonl(tmp_path: Path):
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b"\x00\x01\x02" * 100)
    docs, problems = read([str(path)])
    assert docs == [] and [p.code for p in problems] == ["W003"]


def test_stdin_text_html_and_jsonl():
    docs, problems = read(["-"], stdin=WIRE.encode())
    assert problems == [] and docs[0].kind == "text" and docs[0].source == "<stdin>"
    docs, problems = read(["-"], stdin=PAGE.encode())
    assert problems == [] and docs[0].kind == "html"
    lines = (
        json.dumps({"text": WIRE, "id": "s1"}) + "\nnot json\n" + json.dumps({"html": PAGE}) + "\n"
    ).encode()
    docs, problems = read(["-"], stdin=lines)
    assert [d.source for d in docs] == ["<stdin>:1", "<stdin>:3"]
    assert [(p.source, p.code) for p in problems] == [("<stdin>:2", "W006")]
    assert docs[0].external_id == "s1"


def test_stdin_bad_input():
    assert [p.code for p in read(["-"], stdin=b"")[1]] == ["W004"]
    assert [p.code for p in read(["-"], stdin=b"\x00\xff" * 50)[1]] == ["W003"]
    assert [p.code for p in read(["-"], stdin=b"word " * 500, max_bytes=1000)[1]] == ["W005"]


def test_other_json_in_a_folder_is_a_warning_but_named_it_is_an_error(tmp_path: Path):
    (tmp_path / "story.json").write_text(json.dumps({"text": WIRE}))
    (tmp_path / "settings.json").write_text(json.dumps({"about": "not articles", "version": 2}))
    docs, problems = read([str(tmp_path)])
    assert len(docs) == 1
    assert [(p.code, p.fatal) for p in problems] == [("W013", False)]
    docs, problems = read([str(tmp_path / "settings.json")])
    assert [(p.code, p.fatal) for p in problems] == [("W013", True)]


def test_empty_jsonl(tmp_path: Path):
    (tmp_path / "none.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_text("\n  \n\n")
    docs, problems = read([str(tmp_path / "none.jsonl"), str(tmp_path / "blank.jsonl")])
    assert docs == [] and [(p.code, p.source) for p in problems] == [
        ("W004", str(tmp_path / "none.jsonl")),
        ("W004", str(tmp_path / "blank.jsonl")),
    ]


def test_gzipped_jsonl(tmp_path: Path):
    import gzip

    lines = (json.dumps({"text": WIRE}) + "\n" + json.dumps({"html": PAGE}) + "\n").encode()
    good = tmp_path / "dump.jsonl.gz"
    good.write_bytes(gzip.compress(lines))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(lines)[:-30])
    fake = tmp_path / "fake.jsonl.gz"
    fake.write_bytes(lines)
    docs, problems = read([str(good), str(cut), str(fake)])
    assert [d.source for d in docs][:2] == [f"{good}:1", f"{good}:2"]
    assert [(p.code, p.source) for p in problems] == [("W002", str(cut)), ("W002", str(fake))]
    assert "gzip" in problems[0].message

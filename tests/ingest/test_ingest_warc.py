"""WARC files written with warcio in the test, whole and damaged."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wirewatch.config import IngestOptions
from wirewatch.errors import InputProblem
from wirewatch.ingest import read_inputs
from wirewatch.records import RawDocument

PAGES = [
    (
        "https://courier.example.org/local/market-fire",
        "<html><head><title>Market stall fire</title></head><body><p>Two traders were hurt when a fire "
        "spread through the covered market on Wednesday, the fire service said.</p></body></html>",
    ),
    (
        "https://courier.example.org/local/bridge",
        "<html><head><title>Bridge reopens</title></head><body><p>The river bridge reopened to traffic "
        "on Thursday after three weeks of repairs, the council said.</p></body></html>",
    ),
    (
        "https://courier.example.org/world/talks",
        "<html><head><title>Talks resume</title></head><body><p>Negotiators met again in the capital "
        "on Friday, with both delegations describing the mood as constructive.</p></body></html>",
    ),
]


def write_warc(path: Path, gzip: bool) -> None:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "wirewatch tests"}))
        for number, (url, html) in enumerate(PAGES):
            request = writer.create_warc_record(url, "request", http_headers=StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "courier.example.org")], is_http_request=True))  # fmt: skip
            writer.write_record(request)
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(html.encode()),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": f"2024-03-0{number + 6}T08:00:00Z"},
            )
            writer.write_record(record)
            if number == 0:  # an image and a redirect: not articles, skipped quietly
                image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    url + ".png", "response", payload=io.BytesIO(b"\x89PNG\r\n\x1a\n"), http_headers=image))  # fmt: skip
                moved = StatusAndHeaders("301 Moved", [("Location", url)], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    url + "/", "response", payload=io.BytesIO(b""), http_headers=moved))  # fmt: skip


def read(path: Path, **options):  # type: ignore[no-untyped-def]
    items = list(read_inputs([str(path)], IngestOptions(**options)))
    docs = [i for i in items if isinstance(i, RawDocument)]
    problems = [i for i in items if isinstance(i, InputProblem)]
    return docs, problems


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_html_responses_become_documents(tmp_path: Path, name: str):
    path = tmp_path / name
    write_warc(path, gzip=name.endswith(".gz"))
    docs, problems = read(path)
    assert problems == []
    assert [d.url for d in docs] == [url for url, _ in PAGES]
    assert [d.content for d in docs] == [html for _, html in PAGES]
    assert {d.kind for d in docs} == {"html"}
    assert docs[0].fetched_at == "2024-03-06T08:00:00Z"
    assert all(d.source.startswith(str(path) + "@") for d in docs)
    assert len({d.source for d in docs}) == 3


def test_warc_in_a_folder(tmp_path: Path):
    write_warc(tmp_path / "crawl.warc.gz", gzip=True)
    docs, problems = read(tmp_path)
    assert problems == [] and len(docs) == 3


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
@pytest.mark.parametrize("keep", [0.9, 0.6])
def test_truncated_warc_keeps_records_before_the_damage(tmp_path: Path, name: str, keep: float):
    whole = tmp_path / ("whole-" + name)
    write_warc(whole, gzip=name.endswith(".gz"))
    data = whole.read_bytes()
    path = tmp_path / name
    path.write_bytes(data[: int(len(data) * keep)])
    docs, problems = read(path)
    assert [p.code for p in problems] == ["W007"]
    assert problems[0].source == str(path)
    assert "malformed WARC" in problems[0].line()
    assert 1 <= len(docs) < 3
    for doc, (url, html) in zip(docs, PAGES, strict=False):  # what is kept is whole, never cut short
        assert doc.url == url and doc.content == html


def test_corrupt_gzip_in_the_middle(tmp_path: Path):
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, gzip=True)
    data = bytearray(path.read_bytes())
    middle = len(data) * 2 // 3
    data[middle : middle + 40] = b"\x00" * 40
    path.write_bytes(bytes(data))
    docs, problems = read(path)
    assert [p.code for p in problems] == ["W007"]
    assert len(docs) < 3


def test_not_a_warc(tmp_path: Path):
    path = tmp_path / "notes.warc"
    path.write_text("These are reporter's notes, not a web archive.\n")
    docs, problems = read(path)
    assert docs == [] and [p.code for p in problems] == ["W007"]


def test_empty_warc(tmp_path: Path):
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    docs, problems = read(path)
    assert docs == [] and [p.code for p in problems] == ["W004"]


def test_record_over_the_cap_is_skipped_alone(tmp_path: Path):
    path = tmp_path / "crawl.warc"
    write_warc(path, gzip=False)
    shortest = min(len(html) for _, html in PAGES)
    docs, problems = read(path, max_bytes=shortest - 1)
    assert [p.code for p in problems] == ["W005"] * 3 and docs == []
    assert problems[0].source.startswith(str(path) + "@")
    docs, problems = read(path, max_bytes=shortest)
    assert len(docs) >= 1 and [p.code for p in problems] == ["W005"] * (3 - len(docs))


def test_legacy_charset_page_and_wet_text_records(tmp_path: Path):
    path = tmp_path / "mixed.warc.gz"
    page = (
        "<html><body><p>\u201cWe stay,\u201d said the caf\u00e9 owner in the old quarter.</p></body></html>"
    )
    text = "Rescue teams reached the village on Sunday, officials said.\n"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=windows-1252")], protocol="HTTP/1.1"
        )
        writer.write_record(writer.create_warc_record(
            "https://old.example.org/cafe", "response", payload=io.BytesIO(page.encode("cp1252")), http_headers=headers))  # fmt: skip
        writer.write_record(writer.create_warc_record(
            "https://old.example.org/village", "conversion", payload=io.BytesIO(text.encode()),
            warc_content_type="text/plain"))  # fmt: skip
    docs, problems = read(path)
    assert problems == []
    assert [(d.kind, d.content, d.encoding) for d in docs] == [
        ("html", page, "cp1252"),
        ("text", text, "utf-8"),
    ]

"""Bytes -> text: legacy encodings, broken UTF-8, binary detection."""

from __future__ import annotations

import pytest

from wirewatch.ingest.decode import binary_reason, declared_charset, decode_bytes

SAMPLES = [
    ("\u201cWe will rebuild,\u201d said the mayor \u2013 a caf\u00e9 owner\u2019s son.", "cp1252", "cp1252"),
    ("Le maire a d\u00e9clar\u00e9 que la route serait rouverte vendredi apr\u00e8s les r\u00e9parations.", "latin-1", "latin-1"),
    ("Die Stra\u00dfe wurde nach dem Unfall f\u00fcr drei Stunden gesperrt, teilte die Polizei mit.", "latin-1", "latin-1"),
    ("El alcalde de Pe\u00f1a Blanca dijo que la reuni\u00f3n termin\u00f3 sin acuerdo.", "latin-1", "latin-1"),
    ("Zak\u0142ad w \u0141odzi zosta\u0142 zamkni\u0119ty po po\u017carze, poinformowa\u0142a policja.", "cp1250", "cp1250"),
    ("\u0412\u043b\u0430\u0441\u0442\u0438 \u0437\u0430\u044f\u0432\u0438\u043b\u0438, \u0447\u0442\u043e \u0434\u043e\u0440\u043e\u0433\u0430 \u0431\u0443\u0434\u0435\u0442 \u043e\u0442\u043a\u0440\u044b\u0442\u0430 \u0432 \u043f\u044f\u0442\u043d\u0438\u0446\u0443.", "cp1251", "cp1251"),
    ("\u653f\u5e9c\u8868\u793a\uff0c\u9053\u8def\u5c06\u4e8e\u5468\u4e94\u91cd\u65b0\u5f00\u653e\u3002", "gb18030", "gb18030"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "encoding", "expected"), SAMPLES)
def test_legacy_encodings_decode_right(text: str, encoding: str, expected: str):
    decoded = decode_bytes(text.encode(encoding), "sample")
    assert decoded.text == text
    assert decoded.encoding == expected
    assert decoded.warning is None


def test_utf8_wins_over_a_wrong_declaration():
    html = '<meta charset="iso-8859-1"><p>Caf\u00e9 owners in Montr\u00e9al</p>'.encode()
    assert decode_bytes(html, "page").text.endswith("Montr\u00e9al</p>")


def test_declared_charset_from_header_and_meta():
    assert declared_charset(b"<p>x</p>", "text/html; charset=ISO-8859-1") == "cp1252"
    assert (
        declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">') == "koi8-r"
    )
    assert declared_charset(b"<meta charset='no-such-charset'>") is None


def test_broken_utf8_warns_once_with_count():
    data = ("Rescuers said the caf\u00e9 in Montr\u00e9al was safe. " * 3).encode() + b"\xc3(" + b" End."
    decoded = decode_bytes(data, "story.txt")
    assert decoded.encoding == "utf-8"
    assert decoded.warning is not None and decoded.warning.code == "W014"
    assert "1 bad byte sequence" in decoded.warning.message


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"plain\x00text", bytes(range(32)) * 10, b"PK\x03\x04rest"],
)
def test_binary_is_detected(data: bytes):
    assert binary_reason(data)


def test_text_is_not_binary():
    assert binary_reason(b"A short report.\n\tWith a tab.\r\n") is None
    assert binary_reason("A report in UTF-16.".encode("utf-16")) is None

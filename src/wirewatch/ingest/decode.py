"""Bytes -> text: BOM, strict UTF-8, declared charset, then detection; binary and empty checks.

Order matters: a byte order mark is certain; valid UTF-8 with non-ASCII characters is
almost never anything else; a declared charset (HTTP header, <meta>) comes next; then
charset-normalizer, whose single-byte Latin guesses we replace with cp1252/latin-1 (see
data/encodings.json for why). Broken UTF-8 (a few bad bytes among good multi-byte
characters) is decoded with replacement characters and a non-fatal W014 warning.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from wirewatch import errors
from wirewatch.errors import InputProblem

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls that do not occur in text; tab, LF, FF, CR and ESC-free text is the norm.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_C1_BYTES = re.compile(rb"[\x80-\x9f]")


@cache
def _data(name: str) -> dict[str, Any]:
    text = resources.files("wirewatch.ingest").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def formats() -> dict[str, Any]:
    """The content-recognition rules (data/formats.json)."""
    return _data("formats.json")


def encoding_rules() -> dict[str, Any]:
    return _data("encodings.json")


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    warning: InputProblem | None = None  # W014 when replacement characters were needed


def binary_reason(data: bytes) -> str | None:
    """Why `data` looks binary (a known file signature, NUL bytes, control characters), or None."""
    head = data[: encoding_rules()["sniff_bytes"]]
    for magic, what in formats()["binary_magic"].items():
        if head.startswith(magic.encode("latin-1")):
            return what
    if any(
        head.startswith(bom) for bom, enc in _BOMS if enc.startswith("utf-16") or enc.startswith("utf-32")
    ):
        return None  # UTF-16/32 text is full of NUL bytes
    if b"\x00" in head:
        return "contains NUL bytes"
    if head:
        controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
        if controls / len(head) > encoding_rules()["control_ratio_max"]:
            return "mostly control characters"
    return None


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset an HTTP Content-Type header or an HTML <meta> tag declares, if Python knows it."""
    candidates: list[str] = []
    if content_type:
        m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
        if m:
            candidates.append(m.group(1))
    m2 = _META_CHARSET.search(data[:4096])
    if m2:
        candidates.append(m2.group(1).decode("ascii", "replace"))
    aliases = encoding_rules()["declared_aliases"]
    for name in candidates:
        name = aliases.get(name.lower(), name)
        try:
            return codecs.lookup(name).name
        except LookupError:
            continue
    return None


def _western(data: bytes) -> tuple[str, str]:
    # cp1252 and latin-1 agree outside 0x80-0x9F; there cp1252 has the curly quotes and dashes.
    if _C1_BYTES.search(data):
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined in cp1252
    return data.decode("latin-1"), "latin-1"


def _utf8_damage(data: bytes) -> tuple[int, int]:
    """(invalid sequences, valid multi-byte characters) when decoding `data` as UTF-8."""
    text = data.decode("utf-8", "replace")
    genuine = data.count("\ufffd".encode())  # U+FFFD already present in the bytes
    bad = text.count("\ufffd") - genuine
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return bad, max(good, 0)


def decode_bytes(data: bytes, source: str, content_type: str | None = None) -> Decoded:
    """Decode bytes already known not to be binary. Never raises."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(enc, "replace")
            return Decoded(text, "utf-8-sig" if enc == "utf-8" else enc)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    bad, good = _utf8_damage(data)
    rules = encoding_rules()
    if good and good >= bad * rules["broken_utf8_min_valid_per_bad"]:
        text = data.decode("utf-8", "replace")
        warning = InputProblem(
            source,
            errors.DECODING_REPLACED,
            f"invalid UTF-8 ({bad} bad byte sequence{'s' if bad != 1 else ''}) replaced with U+FFFD",
            fatal=False,
        )
        return Decoded(text, "utf-8", warning)
    declared = declared_charset(data, content_type)
    if declared and declared not in ("utf-8",):
        try:
            return Decoded(data.decode(declared), declared)
        except (UnicodeDecodeError, LookupError):
            pass
    guess = _detect(data[: rules["sniff_bytes"]])
    if guess:
        try:
            return Decoded(data.decode(guess), guess)
        except (UnicodeDecodeError, LookupError):
            pass
    text, enc = _western(data)
    return Decoded(text, enc)


def _detect(sample: bytes) -> str | None:
    """A plausible non-Western encoding from charset-normalizer's ranking, or None for cp1252/latin-1."""
    try:
        from charset_normalizer import from_bytes

        matches = list(from_bytes(sample))
    except Exception:  # noqa: BLE001 - detection is best effort; we fall back to cp1252/latin-1
        return None
    rules = encoding_rules()
    western, never = set(rules["western"]), set(rules["never_guess"])
    multibyte = set(rules["multibyte"])
    high_ratio = sum(1 for b in sample if b > 0x7F) / max(len(sample), 1)

    def acceptable(match) -> bool:  # type: ignore[no-untyped-def]
        if match.encoding in never:
            return False
        if match.encoding in multibyte:
            return (
                match.chaos <= rules["multibyte_max_chaos"]
                and high_ratio >= rules["multibyte_min_high_ratio"]
            )
        return match.coherence > 0 and match.chaos <= rules["max_chaos"]

    plausible = [m for m in matches if acceptable(m)]
    if not plausible:
        return None
    pick = plausible[0]
    try:
        if _western(sample)[0] == sample.decode(pick.encoding):
            return None  # cp1252/latin-1 read these bytes the same way: say so
    except (UnicodeDecodeError, LookupError):
        pass
    for match in plausible:
        if (
            match.encoding in western
            and match.chaos <= pick.chaos + rules["tie_chaos"]
            and match.coherence >= pick.coherence - rules["tie_coherence"]
        ):
            return None
    return None if pick.encoding in western else pick.encoding


def is_blank(text: str) -> bool:
    return not text.strip() or not text.replace("\ufeff", "").strip()

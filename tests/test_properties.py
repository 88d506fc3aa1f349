"""Property-based tests (Hypothesis) for every parser and normaliser that reads untrusted input:
whatever the input, each either answers within its contract or names the problem with a code;
none raises, none returns a string the database, a JSON encoder or a terminal cannot take."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wirewatch import errors
from wirewatch.errors import InputProblem, WirewatchError
from wirewatch.records import RawDocument
from wirewatch.safe_text import FORMULA_STARTS, spreadsheet_cell, terminal_text, valid_unicode, valid_value

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# any code point, lone surrogates and controls included: what a JSON escape or a file name can carry
any_text = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=200)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


# -- safe_text ---------------------------------------------------------------------------------------------
@given(any_text)
@PROPS
def test_valid_unicode_is_encodable_idempotent_and_changes_only_what_it_must(text):
    fixed, count = valid_unicode(text)
    assert _encodable(fixed)
    assert valid_unicode(fixed) == (fixed, 0)
    assert (count == 0) == (fixed == text)
    if _encodable(text):
        assert fixed == text


def _strings(value):
    """Every string in a JSON-like value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


@given(json_values)
@example({"\\u0000": None})  # the six characters of a JSON escape, not a NUL: nothing to repair
@PROPS
def test_valid_value_repairs_every_string_and_key(value):
    fixed, _count = valid_value(value)
    json.dumps(fixed, ensure_ascii=False).encode("utf-8")  # never raises
    # no NUL and no lone surrogate in any string (the check looked for the text "\u0000" in the
    # encoded JSON, which a string holding those six characters also gives, escaped)
    assert all(_encodable(text) for text in _strings(fixed))


@given(any_text)
@PROPS
def test_spreadsheet_cells_never_start_like_a_formula(text):
    cell = spreadsheet_cell(text)
    assert cell.endswith(text)
    starts = cell.lstrip(" \n")[:1]
    if starts and starts in "".join(FORMULA_STARTS):
        float(cell)  # only a plain number may start with + or -


@given(any_text)
@PROPS
def test_terminal_text_holds_no_control_characters(text):
    shown = terminal_text(text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown)
    assert terminal_text(shown) == shown
    one_line = terminal_text(text, keep_newlines=False)
    assert "\n" not in one_line and "\t" not in one_line


# -- ingest ------------------------------------------------------------------------------------------------
@given(st.binary(max_size=2000), st.none() | st.sampled_from(["text/html; charset=utf-16", "text/plain; charset=koi8-r"]))
@PROPS
def test_decode_bytes_never_raises(data, content_type):
    from wirewatch.ingest.decode import binary_reason, decode_bytes
    from wirewatch.ingest.documents import make_document

    binary_reason(data)
    decoded = decode_bytes(data, "x", content_type)
    assert isinstance(decoded.text, str)
    for item in make_document(data, "x", None, content_type=content_type):
        if isinstance(item, RawDocument):
            assert _encodable(item.content) and item.kind in ("html", "text")
        else:
            assert item.code in errors.CODES and "\n" not in item.line()


@given(json_values)
@PROPS
def test_any_json_value_is_a_document_or_coded_problems(value):
    from wirewatch.ingest.records import record_to_document

    for item in record_to_document(value, "rec.jsonl:1"):
        if isinstance(item, RawDocument):
            assert all(_encodable(v) for v in vars_of(item) if isinstance(v, str))
            item.raw_id  # noqa: B018 - an id for any content
        else:
            assert item.code in errors.CODES and _encodable(item.message)


def vars_of(doc: RawDocument) -> list[object]:
    return [getattr(doc, name) for name in doc.field_names()]


@given(st.lists(st.binary(max_size=300), max_size=8))
@PROPS
def test_jsonl_lines_of_any_bytes(lines):
    from wirewatch.ingest.records import read_jsonl_lines

    for item in read_jsonl_lines([line + b"\n" for line in lines], "f.jsonl", max_bytes=250):
        assert isinstance(item, RawDocument | InputProblem)
        if isinstance(item, InputProblem):
            assert item.code in errors.CODES and "\n" not in item.line()


@given(st.binary(max_size=3000) | any_text.map(lambda t: f"<rss><channel><item><title>{t}</title></item></channel></rss>".encode("utf-8", "surrogatepass")))
@PROPS
def test_parse_feed_of_any_bytes(body):
    from wirewatch.ingest.feeds import parse_feed

    items, problem = parse_feed(body, "feed.xml")
    assert problem is None or problem.code in errors.CODES
    for item in items:
        assert item.published_at is None or re.match(r"\d{4}-\d\d-\d\dT", item.published_at)


@given(any_text)
@PROPS
def test_sniffing_any_text(text):
    from wirewatch.ingest.documents import settle_kind, sniff_kind

    assert sniff_kind(text) in ("feed", "html", "jsonl", "json", "text")
    assert settle_kind(None, text) in ("html", "text")


# -- the faces' parsers ------------------------------------------------------------------------------------
@given(any_text)
@PROPS
def test_filter_dates(text):
    from wirewatch.views import filter_date

    try:
        day = filter_date(text, "since")
    except WirewatchError as exc:
        assert exc.code == errors.BAD_OPTION and "\n" not in exc.line()
        return
    assert day is None or re.fullmatch(r"\d{4}-\d\d-\d\d", day)


@given(any_text | st.lists(st.floats(), min_size=4, max_size=4).map(lambda xs: ",".join(map(str, xs))))
@PROPS
def test_bbox(text):
    from wirewatch.views import parse_bbox

    try:
        box = parse_bbox(text)
    except WirewatchError as exc:
        assert exc.code == errors.BAD_OPTION
        return
    assert box[0] <= box[2] and box[1] <= box[3]


@given(st.lists(st.sampled_from(["event_date", "-fatalities", "+country", "x", "", " ", "event_id", "\x00"]),
                max_size=12).map(",".join) | any_text)  # fmt: skip
@PROPS
def test_sort_orders(text):
    from wirewatch.store.event_filter import SORTABLE, order_by

    try:
        keys = order_by(text)
    except WirewatchError as exc:
        assert exc.code == errors.BAD_OPTION and "SELECT" not in exc.message
        return
    assert 1 <= len(keys) <= len(SORTABLE) + 1


@given(q=any_text, actor=any_text, country=any_text, fatalities=st.integers())
@PROPS
def test_event_filters(q, actor, country, fatalities):
    from wirewatch.views import event_filter

    try:
        flt = event_filter(q=q, actor=actor, country=country, min_fatalities=fatalities)
    except WirewatchError as exc:
        assert exc.code == errors.BAD_OPTION
        return
    assert flt.q is None or flt.q.isprintable()
    assert flt.min_fatalities is None or 0 <= flt.min_fatalities < 2**63


# -- normalisers -------------------------------------------------------------------------------------------
@given(any_text)
@PROPS
def test_dedup_normalise_text(text):
    from wirewatch.dedup.shingles import fingerprints, normalise_text

    text = valid_unicode(text)[0]
    norm = normalise_text(text)
    assert norm.isascii() and norm == norm.lower()
    (fp,) = fingerprints([text], 5, 8)
    assert len(fp.text_hash) == 32


@given(any_text)
@PROPS
def test_clean_normalisers(text):
    from wirewatch.clean.normalize import join_paragraphs, normalize_line, split_units

    text = valid_unicode(text)[0]
    units = split_units(text)
    assert all("\n" not in u for u in units)
    join_paragraphs(units)
    normalize_line(text)


@given(any_text)
@PROPS
def test_sentences_and_dates_point_into_the_text(text):
    from wirewatch.extract.sentences import split_sentences
    from wirewatch.resolve.dates import find_date_expressions

    for s in split_sentences(text):
        assert text[s.start : s.end] == s.text
        for start, end, expr in find_date_expressions(s.text):
            assert s.text[start:end] == expr


@given(any_text)
@PROPS
def test_addresses_of_any_host(host):
    from wirewatch.ingest.netguard import AddressNotAllowed, AddressPolicy

    policy = AddressPolicy()
    try:
        addresses = policy.resolve_literal(host)
    except AddressNotAllowed as exc:
        assert exc.kind
        return
    assert addresses is None or addresses


@pytest.mark.parametrize("text", ["2024-02-30", "2025-13-45", "0000-00-00", "9999-99-99T99:99"])
def test_impossible_dates_are_named(text):
    from wirewatch.views import filter_date

    with pytest.raises(WirewatchError) as bad:
        filter_date(text, "until")
    assert bad.value.code == errors.BAD_OPTION and text in bad.value.message

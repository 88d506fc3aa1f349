"""Dedup against hostile texts and two writers (issue 14, items 2 and 7): word hashing does a
bounded number of vectorised steps whatever the longest word, gives the same hashes as a plain
reference, and a story two writers add copies to keeps both writers' members and prose counts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wirewatch.config import DedupOptions
from wirewatch.dedup import assign_stories
from wirewatch.dedup import shingles as sh
from wirewatch.records import Article
from wirewatch.store import open_store

M64 = (1 << 64) - 1


def _mix(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & M64
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def reference_word_hash(word: bytes) -> int:
    """The word hash as documented in shingles._Chunk._word_hashes, one word, plain integers."""
    first = int.from_bytes(word[:8], "little")
    h = _mix(first ^ ((len(word) * 0x9E3779B97F4A7C15) & M64))
    for pos in range(8, len(word), 8):
        piece = int.from_bytes(word[pos : pos + 8], "little")
        h = _mix(((h * 0xC2B2AE3D27D4EB4F) & M64) ^ piece)
    return h


word_chars = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=40)
long_words = st.integers(min_value=200, max_value=3000).map(lambda n: "ab3" * (n // 3))


@given(st.lists(st.one_of(word_chars, long_words), min_size=1, max_size=30))
@settings(max_examples=150, deadline=None)
def test_word_hashes_equal_the_plain_reference(words):
    text = " ".join(words)
    chunk = sh._Chunk([text], 0)
    expected = [reference_word_hash(w.encode()) for w in words]
    assert chunk.words.tolist() == expected


def test_a_megabyte_word_takes_a_bounded_number_of_vector_steps(monkeypatch):
    calls = []
    real = sh._mix64

    def counting(x):  # type: ignore[no-untyped-def]
        calls.append(len(x))
        return real(x)

    monkeypatch.setattr(sh, "_mix64", counting)
    chunk = sh._Chunk(["z" * 1_000_000 + " end"], 0)
    # one step for the first 8 bytes of every word, one per further 8 bytes up to a fixed length:
    # not one per 8 bytes of a megabyte (125,000 steps before)
    assert len(calls) <= 1 + sh._VECTOR_WORD_BYTES // 8
    assert chunk.words.tolist()[0] == reference_word_hash(b"z" * 1_000_000)


def test_a_stop_followed_by_a_million_closers_is_one_search():
    text = "Word one two three four five six seven." + ")" * 1_000_000 + " next line here now"
    chunk = sh._Chunk([text], 8)
    assert chunk.keep_line.tolist() == [True]  # a sentence end after all the closers
    prose = sh.prose_lines(text, 8)
    assert prose == text


def test_long_word_helper_agrees_with_struct_reading():
    raw = bytes(range(256)) * 10
    assert sh._finish_long_word(5, raw, 8, 40) == _reference_tail(5, raw, 8, 40)


def _reference_tail(h: int, raw: bytes, pos: int, end: int) -> int:
    while pos < end:
        piece = int.from_bytes(raw[pos : min(pos + 8, end)], "little")
        h = _mix(((h * 0xC2B2AE3D27D4EB4F) & M64) ^ piece)
        pos += 8
    return h


# -- item 7: two writers, one story ------------------------------------------------------------------------
WIRE = (
    "The provincial police chief said gunmen on motorcycles opened fire on a checkpoint outside the "
    "town before dawn on Monday, killing three officers and wounding four others, and that a search "
    "of the nearby villages had begun. Officials said the attackers fled towards the border hills "
    "after a gunfight that lasted about two hours, and that reinforcements had been sent from the "
    "provincial capital to secure the roads leading into the district. No group claimed the attack."
)


def _copy(n: int, text: str) -> Article:
    return Article(article_id=f"copy{n:03d}", source=f"c{n}.txt", text=text, outlet=f"Outlet {n}",
                   published_at=f"2024-02-0{n}T10:00:00+00:00")  # fmt: skip


def test_two_writers_adding_copies_to_one_story_both_keep_theirs(tmp_path, monkeypatch):
    db = str(tmp_path / "race.db")
    writer_a, writer_b = open_store(db), open_store(db)
    first = _copy(1, WIRE)
    writer_a.add_articles([first])
    assign_stories(writer_a, [first], DedupOptions())
    (story,) = list(writer_a.iter_stories())
    stale = writer_b.stories_by_id([story.story_id])  # B read the story before A added its copy
    second, third = _copy(2, WIRE + " The district was calm on Tuesday."), _copy(3, WIRE + " Shops reopened.")
    writer_a.add_articles([second, third])
    assign_stories(writer_a, [second], DedupOptions())  # A: copy 2 joins, with its words of prose
    # B works from the story as it read it: copy 2 it finds already indexed (no prose count of its
    # own), copy 3 it adds; before the fix, B's write replaced A's members and prose counts
    monkeypatch.setattr(writer_b, "stories_by_id", lambda ids: {k: v for k, v in stale.items() if k in ids})
    assign_stories(writer_b, [second, third], DedupOptions())
    (saved,) = list(open_store(db).iter_stories())
    members = {m.article_id: m for m in saved.members}
    assert set(members) == {"copy001", "copy002", "copy003"}
    assert all(m.prose_words for m in members.values())  # no copy lost its words of prose
    assert saved.canonical_article_id == "copy002"  # the most complete copy, as one writer finds it

"""Story assignment on our own fixture articles: copies join, different stories stay apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.config import DedupOptions
from wirewatch.dedup import apply_preset, assign_stories, story_of
from wirewatch.errors import WirewatchError
from wirewatch.records import Article
from wirewatch.store import open_store
from wirewatch.store import schema as s

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def load(name: str) -> dict[str, object]:
    head, _, body = (FIXTURES / f"{name}.txt").read_text("utf-8").partition("\n\n")
    meta = {k.strip(): v.strip() for k, v in (ln.split(":", 1) for ln in head.splitlines())}
    return {**meta, "paragraphs": [p.strip() for p in body.split("\n\n") if p.strip()]}


def article(aid: str, text: str, **kw: object) -> Article:
    return Article(article_id=aid, source=f"test:{aid}", text=text, **kw)  # type: ignore[arg-type]


def wire(name: str, aid: str | None = None, **kw: object) -> Article:
    f = load(name)
    return article(
        aid or name, "\n\n".join(f["paragraphs"]), title=f["title"], agency=f.get("agency") or None, **kw
    )


def chrome(text: str, title: str) -> str:
    header = [
        "Epaper",
        "Home | World | Business | Sports",
        "Open in App",
        title,
        "Updated: July 4, 2024, 18:20 IST",
    ]
    footer = [
        "Disclaimer: This story is published from a syndicated feed without edits to the text.",
        "Related Stories",
        "Rocket places weather satellite into orbit on second attempt",
        "Teachers strike over unpaid wages closes schools across province",
        "Follow us on social media",
    ]
    return "\n".join(header) + "\n" + text + "\n" + "\n".join(footer)


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    st = open_store(str(tmp_path / "dedup.db"))
    yield st
    st.close()


def run(store, articles: list[Article], options: DedupOptions | None = None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    store.add_articles(articles)
    return assign_stories(store, articles, options or DedupOptions())


def test_exact_copy_with_case_punctuation_and_quote_style_changes_joins(store) -> None:  # type: ignore[no-untyped-def]
    a = wire("01_flood_jamuna", "a", published_at="2024-07-04T09:00:00")
    text = a.text.replace('"', "\u201c", 1).replace(",", " ,").upper()
    b = article("b", text, outlet="Copy Desk", published_at="2024-07-04T10:00:00")
    got = run(store, [a, b])
    assert got["a"] == got["b"]
    story, siblings = story_of(store, "b")
    assert story is not None and [m["article_id"] for m in siblings] == ["a"]
    assert siblings[0]["similarity"] == 1.0


def test_chrome_wrapped_copy_joins_and_plain_copy_stays_canonical_when_longer(store) -> None:  # type: ignore[no-untyped-def]
    a = wire("06_strike_deir_ezzor", "agency-copy", published_at="2024-03-12T08:00:00")
    page = article("page", chrome(a.text, "Drone strike hits convoy"), outlet="The Daily Lantern")
    got = run(store, [a, page])
    assert got["agency-copy"] == got["page"]
    story = store.get_story(got["page"])
    assert {m["outlet"] for m in story.members} == {None, "The Daily Lantern"}


def test_trimmed_and_retitled_copies_join(store) -> None:  # type: ignore[no-untyped-def]
    a = wire("02_flood_sindh", "full", published_at="2024-08-19T07:00:00")
    paras = load("02_flood_sindh")["paragraphs"]
    trimmed = article("trimmed", "\n\n".join(paras[:3]), published_at="2024-08-19T09:00:00")  # type: ignore[index]
    retitled = article("retitled", "HYDERABAD, Aug 19 (Reuters) - " + a.text, title="UPDATE 1-Sindh floods")
    got = run(store, [a, trimmed, retitled])
    assert got["full"] == got["trimmed"] == got["retitled"]
    story = store.get_story(got["full"])
    assert story.canonical_article_id == "retitled"  # most complete copy: longest clean body
    assert story.first_seen == "2024-08-19T07:00:00"
    assert story.agency == "Reuters"


def test_same_topic_different_stories_stay_apart(store) -> None:  # type: ignore[no-untyped-def]
    got = run(store, [wire("01_flood_jamuna"), wire("02_flood_sindh")])
    assert got["01_flood_jamuna"] != got["02_flood_sindh"]


def test_stories_sharing_a_long_quote_stay_apart(store) -> None:  # type: ignore[no-untyped-def]
    pairs = [("06_strike_deir_ezzor", "07_strike_jurf"), ("25_ceasefire_talks", "26_prisoner_exchange")]
    for x, y in pairs:
        got = run(store, [wire(x), wire(y)])
        assert got[x] != got[y]
    # even a trimmed copy that is mostly the quote does not join the other story
    paras = load("26_prisoner_exchange")["paragraphs"]
    short = article("short-quote", "\n\n".join(paras[:3]))  # type: ignore[index]
    got = run(store, [short])
    assert got["short-quote"] != store.get_article("25_ceasefire_talks").story_id


def test_short_briefs_only_join_when_identical(store) -> None:  # type: ignore[no-untyped-def]
    brief = "Kumasi police arrested {n} men on {day} over the theft of copper cable from a railway yard, a spokesman said."
    items = [
        article("b1", brief.format(n=3, day="Monday")),
        article("b2", brief.format(n=5, day="Tuesday")),
        article("b3", brief.format(n=3, day="Monday")),
    ]
    got = run(store, items)
    assert got["b1"] == got["b3"] != got["b2"]


def test_formulaic_market_reports_with_other_figures_stay_apart(store) -> None:  # type: ignore[no-untyped-def]
    base = load("34_market_close")["paragraphs"]
    text = "\n\n".join(base)  # type: ignore[arg-type]
    other = (
        text.replace("391", "127").replace("0.49", "0.16").replace("80,351", "79,904").replace("112", "41")
        .replace("0.46", "0.17").replace("24,432", "24,310").replace("83.51", "83.62").replace("85", "82")
        .replace("between 2 and 3", "between 1 and 4")
    )  # fmt: skip
    got = run(store, [article("day1", text), article("day2", other)])
    assert got["day1"] != got["day2"]


def test_new_copy_joins_an_indexed_story_incrementally(store) -> None:  # type: ignore[no-untyped-def]
    first = run(
        store, [wire("01_flood_jamuna", "orig", published_at="2024-07-04T09:00:00"), wire("02_flood_sindh")]
    )
    signatures_before = store.count("dedup_signatures")
    copy = article(
        "late-copy", chrome(store.get_article("orig").text, "Floods"), published_at="2024-07-05T09:00:00"
    )
    got = run(store, [copy])
    assert got == {"late-copy": first["orig"]}
    assert store.count("dedup_signatures") == signatures_before + 1
    assert store.get_article("late-copy").story_id == first["orig"]
    assert len(store.get_story(first["orig"]).members) == 2


def test_index_persists_across_store_reopen(tmp_path: Path) -> None:
    db = str(tmp_path / "persist.db")
    st = open_store(db)
    first = run(st, [wire("07_strike_jurf", "jurf")])
    st.close()
    st = open_store(db)
    trimmed = "\n\n".join(load("07_strike_jurf")["paragraphs"][:4])  # type: ignore[index]
    got = run(st, [article("jurf-trim", trimmed)])
    assert got["jurf-trim"] == first["jurf"]
    st.close()


def test_rerun_is_idempotent(store) -> None:  # type: ignore[no-untyped-def]
    arts = [
        wire("01_flood_jamuna", "a"),
        article("b", chrome(wire("01_flood_jamuna").text, "x")),
        wire("25_ceasefire_talks"),
    ]
    first = run(store, arts)
    counts = [store.count(t) for t in ("dedup_signatures", "dedup_bands", "stories")]
    again = run(store, arts)
    assert again == first
    assert [store.count(t) for t in ("dedup_signatures", "dedup_bands", "stories")] == counts
    assert len(store.get_story(first["a"]).members) == 2


def test_copy_bridging_two_stories_merges_them_under_the_oldest_id(store) -> None:  # type: ignore[no-untyped-def]
    paras = load("26_prisoner_exchange")["paragraphs"]
    head = article("head", "\n\n".join(paras[:3]), published_at="2024-05-20T08:00:00")  # type: ignore[index]
    tail = article("tail", "\n\n".join(paras[2:]), published_at="2024-05-20T09:00:00")  # type: ignore[index]
    got = run(store, [head, tail])
    assert got["head"] != got["tail"]  # halves overlap only in one paragraph
    full = article("full", "\n\n".join(paras), published_at="2024-05-20T10:00:00")  # type: ignore[arg-type]
    got = run(store, [full])
    merged = got["full"]
    assert merged == store.get_article("head").story_id == store.get_article("tail").story_id
    assert store.get_story(merged).canonical_article_id == "full"
    assert store.count("stories") == 1
    with store.engine.connect() as conn:
        assert {
            r[0]
            for r in conn.execute(
                s.dedup_signatures.select().with_only_columns(s.dedup_signatures.c.story_id)
            )
        } == {merged}


def test_merged_stories_recount_the_independent_sources_of_their_events(  # type: ignore[no-untyped-def]
    store, baghdad_fields
) -> None:
    from wirewatch.fuse import fuse_pending
    from wirewatch.records import EventMention

    paras = load("26_prisoner_exchange")["paragraphs"]
    head = article("head", "\n\n".join(paras[:3]), published_at="2024-05-20T08:00:00")  # type: ignore[index]
    tail = article("tail", "\n\n".join(paras[2:]), published_at="2024-05-20T09:00:00")  # type: ignore[index]
    got = run(store, [head, tail])
    for aid in ("head", "tail"):  # both report one event, as extract would store it
        mention = EventMention(
            mention_id=f"m-{aid}", article_id=aid, story_id=got[aid], sentence="", **baghdad_fields
        )
        store.replace_mentions(aid, [mention], "test")
    fuse_pending(store)
    (before,) = list(store.iter_events())
    assert before.independent_source_count == 2  # two stories: two independent sources
    merged = run(store, [article("full", "\n\n".join(paras), published_at="2024-05-20T10:00:00")])["full"]  # type: ignore[arg-type]
    assert {m.story_id for m in store.iter_mentions()} == {merged}
    # the story that merged away (the younger) moved: its mention waits to be fused again
    assert {m.article_id: m.event_id for m in store.iter_mentions()} == {
        "head": before.event_id,
        "tail": None,
    }
    fuse_pending(store)
    (after,) = list(store.iter_events())
    assert after.event_id == before.event_id and after.independent_source_count == 1
    assert store.restory_mentions({"head": merged, "tail": merged}) == 0  # nothing left to move


def test_presets_change_thresholds_and_user_settings_win() -> None:
    precise = apply_preset(DedupOptions(), "precision")
    assert (
        precise.preset == "precision" and precise.containment_threshold > DedupOptions().containment_threshold
    )
    mine = apply_preset(DedupOptions(containment_threshold=0.77), "recall")
    assert mine.containment_threshold == 0.77 and mine.jaccard_threshold < DedupOptions().jaccard_threshold
    with pytest.raises(WirewatchError):
        apply_preset(DedupOptions(), "aggressive")


def test_preset_named_in_options_is_used(store) -> None:  # type: ignore[no-untyped-def]
    a = wire("02_flood_sindh", "full")
    paras = load("02_flood_sindh")["paragraphs"]
    trimmed = article("half", "\n\n".join(paras[:3]))  # type: ignore[index]
    got = run(store, [a, trimmed], DedupOptions(preset="precision", min_shingles=500))
    assert got["full"] != got["half"]  # too short for the raised min_shingles: exact hash only


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds not present")
def test_seeds_000_and_001_form_one_story_and_004_another(store) -> None:  # type: ignore[no-untyped-def]
    files = {p.name[:3]: p for p in SEEDS.glob("*.txt")}
    arts = [article(k, files[k].read_text("utf-8")) for k in ("000", "001", "004")]
    got = run(store, arts)
    assert got["000"] == got["001"] != got["004"]


def test_an_undated_copy_takes_its_story_first_publication_date(store) -> None:  # type: ignore[no-untyped-def]
    first = wire("01_flood_jamuna", "dated", published_at="2024-07-04T09:00:00+06:00")
    later = wire("01_flood_jamuna", "later", published_at="2024-07-06T10:00:00+06:00")
    undated = article("undated", chrome(first.text, "Floods"))  # a scraped copy with no date of its own
    run(store, [first, later])
    run(store, [undated])
    got = store.get_article("undated")
    assert got.published_at == "2024-07-04T09:00:00+06:00"  # the earliest copy: "on Tuesday" was written then
    assert got.published_at_source == got.field_sources["published_at"] == "story"
    assert store.get_article("dated").published_at_source != "story"

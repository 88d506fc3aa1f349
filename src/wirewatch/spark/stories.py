"""Stories across a cluster: the single-machine dedup decisions, made without its running index.

Single-machine assignment (`wirewatch.dedup.stories`) takes articles one at a time in
publication order and asks its index which earlier story each one copies. A cluster has no
such running index, so the same decisions are made from pairs instead:

1. every article's fingerprint, MinHash signature and LSH band keys (`article_prints`, per
   partition, with the dedup package's own `fingerprints`, `signatures` and `band_keys`);
2. exact copies: articles with the same normalised-text hash link to the earliest of them
   (`exact_links`), as an exact copy joins the story of the first text with that hash;
3. candidates: articles sharing a band key meet in one bucket through a shuffle; each member
   sees the index rows the single-machine index would hold under that key when it arrives
   (`holder_rows`, `bucket_sightings`: one row per story, at most `max_bucket_stories`), and
   its candidate stories are ranked by the dedup package's `rank_candidates`
   (`candidate_plan`); the copies it would check (`copies_worth_checking`) meet its print
   through a join;
4. every such pair is checked with the dedup package's `verify` (exact Jaccard or
   containment, shared shingles, agreeing figures), the later article against the earlier;
5. the dedup package's `verified_stories` picks the stories found from those results and
   `bridges` says which of them one copy joins: each article links to its best verified
   copy and, when that copy holds most of it, to the copy in every story that does too
   (`choose_links`), as `_Assigner.assign` decides;
6. connected components of those links are the stories (`spark.components`); a story's id
   comes from its earliest member and its record is built by the dedup package's `refresh_story`.

Where the result can differ from `wirewatch run`, and why (docs/spark.md says the same):
- a single-machine run takes each run's articles in publication order, as here, but a
  database filled by several runs took each run after the last, so a copy published earlier
  but read in a later run does not rename its story there; membership is the same;
- single-machine assignment resolves merged stories while it goes, and a story whose record
  was lost cannot be joined there; here every link counts and the components are taken at the
  end (passes repeat until the stories settle), so in rare orders a copy that bridges two
  stories can join them here where one machine had already named them apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np

from wirewatch.config import DedupOptions
from wirewatch.dedup.shingles import fingerprints
from wirewatch.dedup.signature import band_keys, signatures
from wirewatch.dedup.stories import (
    Candidate,
    bridges,
    copies_worth_checking,
    rank_candidates,
    refresh_story,
    story_id_for,
    verified_stories,
    verify,
)
from wirewatch.records import Article, Story, StoryMember

Order = tuple[bool, str, str]  # (undated, published_at, article_id): publication order, undated last


def publication_order(article_id: str, published_at: str | None) -> Order:
    """The order single-machine assignment takes a batch in: publication time (as text, as it is
    stored), undated articles last, then the article id."""
    return (published_at is None, published_at or "", article_id)


@dataclass(slots=True)
class ArticlePrint:
    """What distributed dedup carries for one article (small and picklable: no text)."""

    article_id: str
    order: Order
    text_hash: str
    shingle_count: int
    shingles: np.ndarray  # sorted unique shingle hashes (uint64), what `verify` compares
    numbers: frozenset[bytes]  # figures in the prose, what `verify` compares
    band_keys: tuple[int, ...]  # empty for texts too short for near-duplicate matching
    signature: bytes
    member: StoryMember  # the article as a story member (similarity filled in when it joins)


def article_prints(articles: Sequence[Article], opts: DedupOptions) -> list[ArticlePrint]:
    """Fingerprints, signatures and band keys of a batch of articles, computed together (the
    dedup package's bulk functions, as single-machine assignment calls them)."""
    prints = fingerprints([a.text or "" for a in articles], opts.shingle_size, opts.prose_min_words)
    long_rows = [i for i, fp in enumerate(prints) if fp.shingle_count >= opts.min_shingles]
    sigs = signatures([prints[i].raw for i in long_rows], opts.num_perm)
    keys = band_keys(sigs, opts.bands)
    key_of = {i: tuple(keys[j].tolist()) for j, i in enumerate(long_rows)}
    sig_of = {i: sigs[j].tobytes() for j, i in enumerate(long_rows)}
    out = []
    for i, (a, fp) in enumerate(zip(articles, prints, strict=True)):
        words = fp.shingle_count + opts.shingle_size - 1 if fp.shingle_count else None
        out.append(ArticlePrint(
            article_id=a.article_id, order=publication_order(a.article_id, a.published_at),
            text_hash=fp.text_hash, shingle_count=fp.shingle_count, shingles=fp.shingles,
            numbers=fp.numbers, band_keys=key_of.get(i, ()), signature=sig_of.get(i, b""),
            member=StoryMember(
                article_id=a.article_id, outlet=a.outlet, similarity=1.0, chars=len(a.text or ""),
                prose_words=words, published_at=a.published_at, agency=a.agency, title=a.title,
            ),
        ))  # fmt: skip
    return out


@dataclass(slots=True, frozen=True)
class Link:
    """Article `later` joins the story of article `earlier` (publication ranks and article
    ids), with `similarity` to it (1.0 for an exact copy)."""

    later: int
    earlier: int
    similarity: float
    later_id: str
    earlier_id: str


def exact_links(holders: Iterable[tuple[int, str]]) -> list[Link]:
    """Articles with one normalised-text hash, (rank, article id) each: each later one links to
    the earliest."""
    ordered = sorted(holders)
    first = ordered[0]
    return [Link(rank, first[0], 1.0, aid, first[1]) for rank, aid in ordered[1:]]


Row = tuple[int, str, str]  # an index row: (rank, story id, article id) of the article that wrote it


def holder_rows(members: Iterable[Row], cap: int) -> list[Row]:
    """The rows the single-machine index holds under one band key, from the members with that
    key: the key is written once per story, by its first member to have it, and no more once
    `cap` (`max_bucket_stories`) stories hold it."""
    rows: list[Row] = []
    held: set[str] = set()
    for row in sorted(members):
        if row[1] not in held and len(held) < cap:
            held.add(row[1])
            rows.append(row)
    return rows


def bucket_sightings(members: Sequence[Row], cap: int) -> Iterator[tuple[int, tuple[Row, ...]]]:
    """For each member of one band bucket, the index rows under that key written before it:
    (rank, rows). Rows of the member's own story stay in, as the single-machine look-up finds them."""
    rows = holder_rows(members, cap)
    for rank, _story, _aid in sorted(members):
        seen = tuple(r for r in rows if r[0] < rank)
        if seen:
            yield rank, seen


@dataclass(slots=True, frozen=True)
class Plan:
    """One article's candidate stories, ranked by the dedup package's `rank_candidates` from the
    index rows its band keys found, and the rank of every copy they name."""

    candidates: tuple[Candidate, ...]
    rank_of: dict[str, int]


def candidate_plan(sightings: Iterable[Sequence[Row]], opts: DedupOptions) -> Plan:
    """One article's candidate stories from the index rows its band keys found."""
    hits = Counter(chain.from_iterable(sightings))
    rank_of = {aid: rank for rank, _story, aid in hits}
    by_copy = Counter({(aid, story): n for (_rank, story, aid), n in hits.items()})
    return Plan(tuple(rank_candidates(by_copy, opts.max_candidate_stories)), rank_of)


def checks_needed(plan: Plan) -> list[int]:
    """Ranks of the copies single-machine assignment may verify (`copies_worth_checking`)."""
    return sorted({plan.rank_of[aid] for aid in copies_worth_checking(plan.candidates)})


@dataclass(slots=True, frozen=True)
class Verified:
    """A verified copy: article `later` copies the text of article `earlier` (ranks, ids)."""

    later: int
    earlier: int
    similarity: float
    coverage: float  # share of `later` found in `earlier`
    later_id: str
    earlier_id: str


def verify_pair(
    later: tuple[int, ArticlePrint], earlier: tuple[int, ArticlePrint], opts: DedupOptions
) -> Verified | None:
    """The dedup package's check of a new article against an earlier copy ((rank, print) each)."""
    if earlier[1].shingle_count < opts.min_shingles:
        return None
    checked = verify(later[1], earlier[1], opts)  # type: ignore[arg-type]  # reads .shingles, .numbers
    if checked is None:
        return None
    return Verified(later[0], earlier[0], checked[0], checked[1], later[1].article_id, earlier[1].article_id)


def stories_found(plan: Plan, checked: dict[int, Verified | None]) -> list[tuple[str, Verified]]:
    """The stories single-machine assignment finds a verified copy in, best first: the dedup
    package's `verified_stories` over the results of checks made beforehand."""

    def check(aid: str) -> tuple[float, float] | None:
        v = checked.get(plan.rank_of[aid])
        return None if v is None else (v.similarity, v.coverage)

    return [
        (sid, checked[plan.rank_of[aid]]) for sid, aid, _s, _c in verified_stories(plan.candidates, check)
    ]  # type: ignore[misc]


def choose_links(found: Sequence[tuple[str, Verified]], opts: DedupOptions) -> list[Link]:
    """One article's links: to the copy in its best verified story (the story it joins) and,
    when that copy holds most of it, to the copy in every story that does too (one copy of two
    stories' text makes them one story), as `bridges` decides."""
    if not found:
        return []
    best = found[0][1]
    joined = [v for _, v in found[1:] if bridges(v.similarity, v.coverage, opts)]
    chosen = [best] + (joined if bridges(best.similarity, best.coverage, opts) else [])
    return [Link(v.later, v.earlier, round(v.similarity, 4), v.later_id, v.earlier_id) for v in chosen]


def components(links: Iterable[Link]) -> dict[int, tuple[int, str]]:
    """Connected components of a few links, on one machine: rank -> (rank, article id) of the
    earliest member of its component, for every rank on a link."""
    parent: dict[int, int] = {}
    names: dict[int, str] = {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for link in links:
        for rank, aid in ((link.later, link.later_id), (link.earlier, link.earlier_id)):
            parent.setdefault(rank, rank)
            names[rank] = aid
        a, b = find(link.later), find(link.earlier)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {rank: (find(rank), names[find(rank)]) for rank in parent}


def build_story(members: Iterable[StoryMember]) -> Story:
    """A story record from its members: id from the earliest member, canonical copy, agency,
    title and first seen as the dedup package's `refresh_story` picks them."""
    ordered = sorted(members, key=lambda m: publication_order(m.article_id, m.published_at))
    story = Story(story_id=story_id_for(ordered[0].article_id), canonical_article_id=ordered[0].article_id)
    story.members = ordered
    return refresh_story(story)


def date_from_story(article: Article, story_id: str, first_seen: str | None) -> Article:
    """The article in its story; an undated copy takes the story's first publication date, as
    single-machine dedup gives it (relative dates in the text were written against the earliest
    copy's date)."""
    article.story_id = story_id
    if article.published_at is None and first_seen:
        article.published_at, article.published_at_source = first_seen, "story"
        article.field_sources["published_at"] = "story"
    return article


def signature_row(p: ArticlePrint, story_id: str) -> dict[str, Any]:
    """The article's row of the dedup index (`dedup_signatures`), so a loaded database goes on
    deduplicating new articles against these."""
    return {
        "article_id": p.article_id, "text_hash": p.text_hash, "shingle_count": p.shingle_count,
        "signature": p.signature, "story_id": story_id,
    }  # fmt: skip

"""Stories across a cluster: the single-machine dedup decisions, made without its running index.

Single-machine assignment (`wirewatch.dedup.stories`) takes articles one at a time in
publication order and asks its index which earlier story each one copies. A cluster has no
such running index, so the same decisions are made from pairs instead:

1. every article's fingerprint, MinHash signature and LSH band keys (`article_prints`, per
   partition, with the dedup package's own `fingerprints`, `signatures` and `band_keys`);
2. exact copies: articles with the same normalised-text hash link to the earliest of them
   (`exact_links`), as an exact copy joins the story of the first text with that hash;
3. candidates: articles sharing a band key meet in one bucket through a shuffle; each later
   member is paired with the earliest members of the bucket and its nearest predecessors
   (`bucket_pairs`), so a bucket of boilerplate costs a bounded number of checks;
4. every candidate pair is checked with the dedup package's `verify` (exact Jaccard or
   containment, shared shingles, agreeing figures), the later article against the earlier;
5. each article links to its best verified earlier copy (the story it joins) and, when that
   copy holds most of it, to every other copy that does too (the copy that merges two stories:
   `merge_min_coverage`, `merge_min_similarity`), as in `_Assigner.assign` (`choose_links`);
6. connected components of those links are the stories (`spark.components`); a story's id
   comes from its earliest member and its record is built by the dedup package's `refresh_story`.

Where the result can differ from `wirewatch run`, and why (docs/spark.md says the same):
- a single-machine run orders articles by publication only inside each batch of 1,000 it
  reads (batches come in ingestion order), so when copies of one story are published before
  an earlier batch's member, its id may come from another member; membership is the same;
- single-machine assignment verifies at most two copies of each candidate story and ignores a
  band key held by more than `max_bucket_stories` stories; the pairs here check every copy a
  bucket pairs, so a copy that the single machine missed (its only shared band was crowded)
  can be found here and join its story.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np

from wirewatch.config import DedupOptions
from wirewatch.dedup.shingles import fingerprints
from wirewatch.dedup.signature import band_keys, signatures
from wirewatch.dedup.stories import refresh_story, story_id_for, verify
from wirewatch.records import Article, Story, StoryMember

# as single-machine assignment (dedup/stories.py): weak candidate stories (sharing one band key)
# checked, and copies of one candidate story checked before giving up on it
WEAK_CANDIDATES = 3
VERIFY_PER_STORY = 2

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
class Candidate:
    """A candidate story of one article: the copies to check (ranks, best first) and the band
    keys the best one shares."""

    story_id: str
    copies: tuple[int, ...]
    shared: int


def candidate_stories(sightings: Iterable[Sequence[Row]], opts: DedupOptions) -> list[Candidate]:
    """One article's candidate stories from the index rows its band keys found, in the order
    single-machine assignment checks them: most shared keys first (then story id), at most
    `max_candidate_stories`; of each story its two best copies (one for weak evidence)."""
    hits = Counter(chain.from_iterable(sightings))
    by_story: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for (rank, story, article_id), n in hits.items():
        by_story[story].append((-n, article_id, rank))
    for copies in by_story.values():
        copies.sort()
    ranked = sorted(by_story.items(), key=lambda kv: (kv[1][0][0], kv[0]))[: opts.max_candidate_stories]
    out = []
    for story, copies in ranked:
        shared = -copies[0][0]
        keep = copies[:VERIFY_PER_STORY] if shared >= 2 else copies[:1]
        out.append(Candidate(story, tuple(rank for _, _, rank in keep), shared))
    return out


def checks_needed(candidates: Sequence[Candidate]) -> list[int]:
    """Ranks of the copies single-machine assignment may verify: the copies of every strong
    candidate and of the first `WEAK_CANDIDATES` weak ones."""
    weak = [c for c in candidates if c.shared < 2][:WEAK_CANDIDATES]
    strong = [c for c in candidates if c.shared >= 2]
    return sorted({rank for c in strong + weak for rank in c.copies})


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


def verified_stories(
    candidates: Sequence[Candidate], checked: dict[int, Verified | None]
) -> list[tuple[str, Verified]]:
    """The stories single-machine assignment finds a verified copy in, best first, from the
    results of the checks (`_Assigner._verified_stories`, over results computed beforehand)."""
    found: list[tuple[str, Verified]] = []
    weak = 0
    best_n = 0
    for c in candidates:
        if found and c.shared * 2 < best_n:
            break  # a match is in hand; far fewer shared bands cannot be a strong second story
        if c.shared < 2:
            weak += 1
            if found or weak > WEAK_CANDIDATES:
                break
        for rank in c.copies:
            result = checked.get(rank)
            if result is not None:
                found.append((c.story_id, result))
                best_n = max(best_n, c.shared)
                break
    return sorted(found, key=lambda sv: (-sv[1].similarity, sv[0]))


def _bridges(v: Verified, opts: DedupOptions) -> bool:
    return v.coverage >= opts.merge_min_coverage and v.similarity >= opts.merge_min_similarity


def choose_links(found: Sequence[tuple[str, Verified]], opts: DedupOptions) -> list[Link]:
    """One article's links: to the copy in its best verified story (the story it joins) and,
    when that copy holds most of it, to the copy in every story that does too (one copy of two
    stories' text makes them one story)."""
    if not found:
        return []
    best = found[0][1]
    chosen = [best] + ([v for _, v in found[1:] if _bridges(v, opts)] if _bridges(best, opts) else [])
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

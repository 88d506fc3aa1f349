"""Story assignment: exact and near-duplicate copies of one text become one story.

For each new article, in publication order:
1. an indexed text with the same normalised-text hash -> same story (exact copy);
2. texts with fewer than `min_shingles` shingles stop here (briefs, tables, scores);
3. LSH band look-up gives candidate articles; the best candidates of each candidate story
   are verified exactly: Jaccard of the shingle sets, or containment of the smaller in
   the larger (a copy inside a longer page, a trimmed copy), enough shared shingles, and
   the figures of the shorter copy found in the other (formulaic items differ in figures);
4. the article joins the best verified story, or starts its own.

A story id is derived from its first member. Two stories merge only when one copy holds
most of each text (`merge_min_coverage`, `merge_min_similarity`), so one odd item cannot glue
two stories together; the older story keeps its id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain
from typing import Any

from wirewatch.config import DedupOptions
from wirewatch.dedup.index import DedupIndex
from wirewatch.dedup.presets import effective_options
from wirewatch.dedup.shingles import Fingerprint, fingerprints, overlap
from wirewatch.dedup.signature import band_keys, signatures
from wirewatch.records import Article, Story, StoryMember, content_id
from wirewatch.store import Store

_WEAK_CANDIDATES = 3  # candidate stories sharing a single band with an article that are checked
_VERIFY_PER_STORY = 2  # best-ranked candidates of one story checked before giving up on it


def story_id_for(first_article_id: str) -> str:
    return content_id("story", first_article_id)


def _pub_key(published_at: str | None) -> tuple[bool, str]:
    return (published_at is None, published_at or "")


def _member(article: Article, similarity: float, prose_words: int | None = None) -> StoryMember:
    return StoryMember(
        article_id=article.article_id, outlet=article.outlet, similarity=round(similarity, 4),
        chars=len(article.text or ""), prose_words=prose_words, published_at=article.published_at,
        agency=article.agency, title=article.title,
    )  # fmt: skip


def _completeness(m: StoryMember) -> tuple[int, int]:
    # words in prose lines first (leftover chrome does not make a copy more complete), then characters
    return (m.prose_words or 0, m.chars or 0)


def refresh_story(story: Story) -> Story:
    """Canonical = most complete copy (most prose, then longest body; ties: earliest, then id);
    first_seen = earliest publication; agency and title from the canonical copy, else from the others."""
    members = story.members
    canon = min(
        members,
        key=lambda m: (tuple(-x for x in _completeness(m)), _pub_key(m.published_at), m.article_id),
    )
    story.canonical_article_id = canon.article_id
    by_date = sorted(members, key=lambda m: (_pub_key(m.published_at), m.article_id))
    story.title = canon.title or next((m.title for m in by_date if m.title), None)
    dates = [m.published_at for m in members if m.published_at]
    story.first_seen = min(dates) if dates else None
    agencies = Counter(m.agency for m in members if m.agency)
    story.agency = canon.agency or (agencies.most_common(1)[0][0] if agencies else None)
    return story


def merge_story_copies(stored: Story, ours: Story) -> Story:
    """A story as another writer stored it, combined with this writer's version of it: every
    member either knows (stored first, then ours), and for a copy both list, the record that
    knows its words of prose (a writer that found the copy already indexed does not); then the
    canonical copy, title, first_seen and agency are chosen again."""
    members = {m.article_id: m for m in stored.members}
    for m in ours.members:
        have = members.get(m.article_id)
        if have is None or (have.prose_words is None and m.prose_words is not None):
            members[m.article_id] = m
    ours.members = list(members.values())
    return refresh_story(ours)


def verify(a: Fingerprint, b: Fingerprint, opts: DedupOptions) -> tuple[float, float] | None:
    """(similarity, share of `a` found in `b`) when two long texts are copies of one text, else None."""
    jaccard, containment, shared = overlap(a.shingles, b.shingles)
    if shared < opts.min_shared_shingles:
        return None
    if jaccard < opts.jaccard_threshold and containment < opts.containment_threshold:
        return None
    small = min(len(a.numbers), len(b.numbers))
    if small >= opts.min_figures and len(a.numbers & b.numbers) / small < opts.min_figure_overlap:
        return None
    return max(jaccard, containment), shared / len(a.shingles)


_Holders = dict[int, list[tuple[str, str]]]  # band key -> [(article_id, story_id)]
# a candidate story of one article: (story id, its copies to check best first, band keys the best shares)
Candidate = tuple[str, list[str], int]


# -- the decisions of assignment, as pure functions (the Spark job makes them from pairs too) ------
def rank_candidates(
    hits: Mapping[tuple[str, str], int], max_stories: int, resolve: Callable[[str], str] = str
) -> list[Candidate]:
    """Candidate stories from band hits ((article_id, story_id) -> band keys shared), best first:
    most shared keys (then story id), at most `max_stories`, each with its best copies."""
    by_story: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (aid, sid), n in hits.items():
        by_story[resolve(sid)].append((-n, aid))
    for c in by_story.values():
        c.sort()
    ranked = sorted(by_story.items(), key=lambda kv: (kv[1][0][0], kv[0]))
    return [(sid, [aid for _, aid in c[:_VERIFY_PER_STORY]], -c[0][0]) for sid, c in ranked[:max_stories]]


def copies_worth_checking(candidates: Sequence[Candidate]) -> list[str]:
    """The copies verification may read: those of every candidate story sharing two bands or
    more, and the best copy of the first few sharing one."""
    strong = [aid for _sid, aids, n in candidates if n >= 2 for aid in aids]
    weak = [aids[0] for _sid, aids, n in candidates if n < 2][:_WEAK_CANDIDATES]
    return strong + weak


def verified_stories(
    candidates: Sequence[Candidate], check: Callable[[str], tuple[float, float] | None]
) -> list[tuple[str, str, float, float]]:
    """Stories with a verified copy, best first: (story id, the copy, similarity, share of the
    article in that copy). `check(article_id)` verifies the article against one copy."""
    found: list[tuple[str, str, float, float]] = []
    weak = 0
    best_n = 0
    for sid, aids, n in candidates:
        if found and n * 2 < best_n:
            break  # a match is in hand; far fewer shared bands cannot be a strong second story
        if n < 2:  # one shared band: weak evidence, checked for a few stories only
            weak += 1
            if found or weak > _WEAK_CANDIDATES:
                break
            aids = aids[:1]
        for aid in aids:
            checked = check(aid)
            if checked is not None:
                found.append((sid, aid, checked[0], checked[1]))
                best_n = max(best_n, n)
                break
    return sorted(found, key=lambda t: (-t[2], t[0]))


def bridges(similarity: float, coverage: float, opts: DedupOptions) -> bool:
    """One copy holding most of the article: the stories it is verified in become one."""
    return coverage >= opts.merge_min_coverage and similarity >= opts.merge_min_similarity


class _Assigner:
    def __init__(self, store: Store, opts: DedupOptions):
        self.store = store
        self.opts = opts
        self.index = DedupIndex(store, opts)
        self.stories: dict[str, Story] = {}
        self.fps: dict[str, Fingerprint] = {}
        self.merged: dict[str, str] = {}  # story id merged away -> the story it went into
        self.missing: set[str] = set()  # story ids with no stored record

    def resolve(self, story_id: str) -> str:
        while story_id in self.merged:
            story_id = self.merged[story_id]
        return story_id

    def story(self, story_id: str) -> Story | None:
        if story_id not in self.stories and story_id not in self.missing:
            self.preload([story_id])
        return self.stories.get(story_id)

    def preload(self, story_ids: Sequence[str]) -> None:
        """Read stories not cached yet in one query; remember the ids that have no record."""
        wanted = sorted({sid for sid in story_ids if sid not in self.stories and sid not in self.missing})
        found = self.store.stories_by_id(wanted)
        self.stories.update(found)
        self.missing.update(sid for sid in wanted if sid not in found)

    def add_member(
        self,
        story_id: str,
        article: Article,
        similarity: float,
        *,
        new: bool = False,
        fp: Fingerprint | None = None,
    ) -> None:
        story = None if new else self.story(story_id)
        if story is None:
            story = Story(story_id=story_id, canonical_article_id=article.article_id)
            self.stories[story_id] = story
        if all(m.article_id != article.article_id for m in story.members):
            words = fp.shingle_count + self.opts.shingle_size - 1 if fp and fp.shingle_count else None
            story.members.append(_member(article, similarity, words))
            refresh_story(story)

    def merge(self, story_ids: list[str]) -> str:
        """Merge stories that one copy links; the oldest story (first member earliest) keeps its id."""
        stories = [st for st in (self.story(sid) for sid in story_ids) if st is not None]

        def age(st: Story) -> tuple:
            first = min(st.members, key=lambda m: (_pub_key(m.published_at), m.article_id))
            return (_pub_key(first.published_at), first.article_id)

        stories.sort(key=age)
        keep = stories[0]
        for st in stories[1:]:
            have = {m.article_id for m in keep.members}
            keep.members.extend(m for m in st.members if m.article_id not in have)
            self.merged[st.story_id] = keep.story_id
            self.stories.pop(st.story_id, None)
        refresh_story(keep)
        return keep.story_id

    def load_fingerprints(self, article_ids: Sequence[str]) -> None:
        wanted = [a for a in dict.fromkeys(article_ids) if a not in self.fps]
        if not wanted:
            return
        texts = self.store.article_texts(wanted)
        found = [aid for aid in wanted if aid in texts]
        prints = fingerprints(
            [texts[aid] for aid in found], self.opts.shingle_size, self.opts.prose_min_words
        )
        self.fps.update(zip(found, prints, strict=True))

    def assign(self, articles: Sequence[Article]) -> dict[str, str]:
        opts = self.opts
        unique = {a.article_id: a for a in articles}
        ordered = sorted(unique.values(), key=lambda a: (_pub_key(a.published_at), a.article_id))
        known = self.index.stories_of([a.article_id for a in ordered])
        self.stories.update(self.store.stories_by_id(sorted(set(known.values()))))
        result: dict[str, str] = {}
        for a in ordered:  # already indexed: keep its story (and repair the story record if needed)
            if a.article_id in known:
                result[a.article_id] = known[a.article_id]
                self.add_member(known[a.article_id], a, 1.0)
        fresh = [a for a in ordered if a.article_id not in known]

        fps = fingerprints([a.text or "" for a in fresh], opts.shingle_size, opts.prose_min_words)
        for a, fp in zip(fresh, fps, strict=True):
            self.fps[a.article_id] = fp
        long_rows = [i for i, fp in enumerate(fps) if fp.shingle_count >= opts.min_shingles]
        sigs = signatures([fps[i].raw for i in long_rows], opts.num_perm)
        keys = band_keys(sigs, opts.bands)
        key_of = {i: keys[j].tolist() for j, i in enumerate(long_rows)}
        sig_of = {i: sigs[j].tobytes() for j, i in enumerate(long_rows)}

        stored_exact = self.index.by_text_hash([fp.text_hash for fp in fps])
        stored_bands = self.index.by_band_keys(
            [k for ks in key_of.values() for k in ks], opts.max_bucket_stories
        )
        self.preload([sid for _, sid in stored_exact.values()])
        stored_hits = {i: self._hits(keys, stored_bands) for i, keys in key_of.items()}
        self._prefetch(stored_hits)

        batch_exact: dict[str, tuple[str, str]] = {}
        batch_bands: _Holders = defaultdict(list)
        boilerplate = self.index.boilerplate
        key_stories: dict[int, set[str]] = defaultdict(set)  # band key -> stories holding it
        for key, holders in stored_bands.items():
            key_stories[key].update(sid for _, sid in holders)
        signature_rows: list[dict[str, Any]] = []
        band_rows: list[dict[str, Any]] = []
        for i, (a, fp) in enumerate(zip(fresh, fps, strict=True)):
            story_id, similarity, new = story_id_for(a.article_id), 1.0, True
            exact = batch_exact.get(fp.text_hash) or stored_exact.get(fp.text_hash)
            if exact and self.story(self.resolve(exact[1])) is not None:
                story_id, new = self.resolve(exact[1]), False
            elif i in key_of:
                hits = stored_hits[i] + self._hits(key_of[i], batch_bands) if batch_bands else stored_hits[i]
                # a story whose record was lost cannot be joined: the copy starts afresh
                verified = [v for v in self._verified_stories(fp, hits) if self.story(v[0]) is not None]
                if verified:
                    story_id, _copy, similarity, _ = verified[0]
                    new = False
                    bridged = [sid for sid, _copy, sim, cover in verified if bridges(sim, cover, opts)]
                    if story_id in bridged and len(bridged) > 1:  # one copy of two stories' text: one story
                        story_id = self.merge(bridged)
            result[a.article_id] = story_id
            self.add_member(story_id, a, similarity, new=new and story_id not in self.stories, fp=fp)
            batch_exact.setdefault(fp.text_hash, (a.article_id, story_id))
            for key in key_of.get(i, ()):
                holders = key_stories[key]
                if key in boilerplate or len(holders) >= opts.max_bucket_stories:
                    continue  # enough stories answer to this key already; it identifies nothing
                if story_id in holders or (self.merged and any(self.resolve(h) == story_id for h in holders)):
                    continue  # the story already answers to this key
                holders.add(story_id)
                batch_bands[key].append((a.article_id, story_id))
                band_rows.append({"band_key": key, "article_id": a.article_id})
            signature_rows.append({
                "article_id": a.article_id, "text_hash": fp.text_hash, "shingle_count": fp.shingle_count,
                "signature": sig_of.get(i, b""), "story_id": story_id,
            })  # fmt: skip

        # index first, then stories and article story ids: a rerun after a crash repairs the rest
        for row in signature_rows:
            row["story_id"] = self.resolve(row["story_id"])
        result = {aid: self.resolve(sid) for aid, sid in result.items()}
        self.index.add(signature_rows, band_rows)
        gone = sorted(self.merged)
        if gone:
            self.index.move_stories({sid: self.resolve(sid) for sid in gone})
        touched = {self.resolve(sid) for sid in gone} | set(result.values())
        self.store.save_stories([self.stories[sid] for sid in sorted(touched)], merge=merge_story_copies)
        self.store.delete_stories(gone)
        moved: dict[str, str] = {}
        for sid in {self.resolve(g) for g in gone}:  # earlier members of merged stories move too
            moved.update((m.article_id, sid) for m in self.stories[sid].members)
        self.store.set_story_ids(result | moved)
        self.store.restory_mentions(moved)  # their events are re-fused and recounted
        for a in ordered:
            a.story_id = result[a.article_id]
        self._date_from_siblings(fresh)
        return result

    def _date_from_siblings(self, articles: Sequence[Article]) -> None:
        """An undated copy takes its story's first publication date: relative dates in the text
        ("on Tuesday") were written against the earliest copy's date, not a later one's."""
        dated = []
        for a in articles:
            story = self.stories.get(a.story_id or "")
            if a.published_at is None and story is not None and story.first_seen:
                a.published_at, a.published_at_source = story.first_seen, "story"
                a.field_sources["published_at"] = "story"
                dated.append(a)
        if dated:
            self.store.update_articles(dated)

    @staticmethod
    def _hits(keys: list[int], source: _Holders) -> Counter[tuple[str, str]]:
        """(article_id, story_id) -> number of the article's band keys it shares."""
        return Counter(chain.from_iterable(source.get(key, ()) for key in keys))

    def _candidates(self, hits: Counter[tuple[str, str]]) -> list[Candidate]:
        return rank_candidates(hits, self.opts.max_candidate_stories, self.resolve)

    def _prefetch(self, stored_hits: dict[int, Counter[tuple[str, str]]]) -> None:
        """Read in one go what verification will likely need: the stored copies worth checking
        for each article, and the story record of each article's best candidate."""
        wanted: list[str] = []
        likely: list[str] = []
        for hits in stored_hits.values():
            ranked = self._candidates(hits)
            if ranked:
                likely.append(ranked[0][0])
            wanted.extend(copies_worth_checking(ranked))
        self.load_fingerprints(wanted)
        self.preload(likely)

    def _verified_stories(
        self, fp: Fingerprint, hits: Counter[tuple[str, str]]
    ) -> list[tuple[str, str, float, float]]:
        """Stories with a verified copy of `fp`, best first (`verified_stories`)."""

        def check(aid: str) -> tuple[float, float] | None:
            self.load_fingerprints([aid])
            other = self.fps.get(aid)
            if other is None or other.shingle_count < self.opts.min_shingles:
                return None
            return verify(fp, other, self.opts)

        return verified_stories(self._candidates(hits), check)


def assign_stories(store: Store, articles: Sequence[Article], options: DedupOptions) -> dict[str, str]:
    """Give every article a story (joining an indexed one or starting its own); persist index and stories."""
    if not articles:
        return {}
    return _Assigner(store, DedupIndex(store).shaped(effective_options(options))).assign(articles)


def story_of(store: Store, article_id: str) -> tuple[Story | None, list[dict[str, Any]]]:
    """An article's story and its sibling members (the other copies), for `wirewatch show`."""
    article = store.get_article(article_id)
    if article is None:
        return None, []
    story_id = article.story_id or DedupIndex(store).stories_of([article.article_id]).get(article.article_id)
    story = store.get_story(story_id) if story_id else None
    if story is None:
        return None, []
    siblings = [
        m.to_dict() | {"canonical": m.article_id == story.canonical_article_id}
        for m in story.members
        if m.article_id != article.article_id
    ]
    return story, siblings


STORY_COLUMNS = ["story_id", "members", "agency", "first_seen", "title"]


def story_rows(store: Store, *, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Stories for `wirewatch stories`: the columns above plus the canonical copy and every member."""
    for story in store.iter_stories(limit=limit):
        yield {
            "story_id": story.story_id, "members": len(story.members), "agency": story.agency,
            "first_seen": story.first_seen, "title": story.title,
            "canonical_article_id": story.canonical_article_id, "member_list": story.members,
        }  # fmt: skip


__all__ = [
    "STORY_COLUMNS",
    "assign_stories",
    "refresh_story",
    "story_id_for",
    "story_of",
    "story_rows",
    "verify",
]

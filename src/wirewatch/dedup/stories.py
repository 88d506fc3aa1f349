"""Story assignment: exact and near-duplicate copies of one text become one story.

For each new article, in publication order:
1. an indexed text with the same normalised-text hash -> same story (exact copy);
2. texts with fewer than `min_shingles` shingles stop here (briefs, tables, scores);
3. LSH band look-up gives candidate articles; the best candidates of each candidate story
   are verified exactly: Jaccard of the shingle sets, or containment of the smaller in
   the larger (a copy inside a longer page, a trimmed copy), enough shared shingles, and
   the figures of the shorter copy found in the other (formulaic items differ in figures);
4. the article joins the best verified story, or starts its own.

Stories are never merged, so one odd item cannot glue two stories together, and a story
id (derived from its first member) never changes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from wirewatch.config import DedupOptions
from wirewatch.dedup.index import DedupIndex
from wirewatch.dedup.presets import effective_options
from wirewatch.dedup.shingles import Fingerprint, fingerprints, overlap
from wirewatch.dedup.signature import band_keys, signatures
from wirewatch.records import Article, Story, content_id
from wirewatch.store import Store

_VERIFY_PER_STORY = 3  # best-ranked candidates of one story checked before giving up on it


def story_id_for(first_article_id: str) -> str:
    return content_id("story", first_article_id)


def _pub_key(published_at: str | None) -> tuple[bool, str]:
    return (published_at is None, published_at or "")


def _member(article: Article, similarity: float) -> dict[str, Any]:
    return {
        "article_id": article.article_id, "outlet": article.outlet, "similarity": round(similarity, 4),
        "chars": len(article.text or ""), "published_at": article.published_at,
        "agency": article.agency, "title": article.title,
    }  # fmt: skip


def refresh_story(story: Story) -> Story:
    """Canonical = most complete copy (longest clean body; ties: earliest, then id); first_seen, agency."""
    members = story.members
    canon = min(
        members, key=lambda m: (-(m.get("chars") or 0), _pub_key(m.get("published_at")), m["article_id"])
    )
    story.canonical_article_id = canon["article_id"]
    story.title = canon.get("title")
    dates = [m["published_at"] for m in members if m.get("published_at")]
    story.first_seen = min(dates) if dates else None
    agencies = Counter(m["agency"] for m in members if m.get("agency"))
    story.agency = canon.get("agency") or (agencies.most_common(1)[0][0] if agencies else None)
    return story


def verify(a: Fingerprint, b: Fingerprint, opts: DedupOptions) -> float | None:
    """Similarity of two long texts when they are copies of one text, else None."""
    jaccard, containment, shared = overlap(a.shingles, b.shingles)
    if shared < opts.min_shared_shingles:
        return None
    if jaccard < opts.jaccard_threshold and containment < opts.containment_threshold:
        return None
    small = min(len(a.numbers), len(b.numbers))
    if small >= opts.min_figures and len(a.numbers & b.numbers) / small < opts.min_figure_overlap:
        return None
    return max(jaccard, containment)


class _Assigner:
    def __init__(self, store: Store, opts: DedupOptions):
        self.store = store
        self.opts = opts
        self.index = DedupIndex(store)
        self.stories: dict[str, Story] = {}
        self.fps: dict[str, Fingerprint] = {}

    def story(self, story_id: str) -> Story | None:
        if story_id not in self.stories:
            found = self.index.load_stories([story_id])
            if story_id in found:
                self.stories[story_id] = found[story_id]
        return self.stories.get(story_id)

    def add_member(self, story_id: str, article: Article, similarity: float) -> None:
        story = self.story(story_id)
        if story is None:
            story = Story(story_id=story_id, canonical_article_id=article.article_id)
            self.stories[story_id] = story
        if all(m["article_id"] != article.article_id for m in story.members):
            story.members.append(_member(article, similarity))
            refresh_story(story)

    def load_fingerprints(self, article_ids: Sequence[str]) -> None:
        wanted = [a for a in dict.fromkeys(article_ids) if a not in self.fps]
        if not wanted:
            return
        stored = list(self.store.iter_articles(ids=wanted))
        for art, fp in zip(
            stored, fingerprints([a.text or "" for a in stored], self.opts.shingle_size), strict=True
        ):
            self.fps[art.article_id] = fp

    def assign(self, articles: Sequence[Article]) -> dict[str, str]:
        opts = self.opts
        unique = {a.article_id: a for a in articles}
        ordered = sorted(unique.values(), key=lambda a: (_pub_key(a.published_at), a.article_id))
        known = self.index.stories_of([a.article_id for a in ordered])
        self.stories.update(self.index.load_stories(sorted(set(known.values()))))
        result: dict[str, str] = {}
        for a in ordered:  # already indexed: keep its story (and repair the story record if needed)
            if a.article_id in known:
                result[a.article_id] = known[a.article_id]
                self.add_member(known[a.article_id], a, 1.0)
        fresh = [a for a in ordered if a.article_id not in known]

        fps = fingerprints([a.text or "" for a in fresh], opts.shingle_size)
        for a, fp in zip(fresh, fps, strict=True):
            self.fps[a.article_id] = fp
        long_rows = [i for i, fp in enumerate(fps) if len(fp.shingles) >= opts.min_shingles]
        sigs = signatures([fps[i].shingles for i in long_rows], opts.num_perm)
        keys = band_keys(sigs, opts.bands)
        key_of = {i: keys[j].tolist() for j, i in enumerate(long_rows)}
        sig_of = {i: sigs[j].tobytes() for j, i in enumerate(long_rows)}

        stored_exact = self.index.by_text_hash([fp.text_hash for fp in fps])
        stored_bands = self.index.by_band_keys(
            [k for ks in key_of.values() for k in ks], opts.max_bucket_stories
        )
        self.stories.update(self.index.load_stories(sorted({sid for _, sid in stored_exact.values()})))
        self._prefetch(key_of, stored_bands)

        batch_exact: dict[str, tuple[str, str]] = {}
        batch_bands: dict[int, list[tuple[str, str]]] = defaultdict(list)
        signature_rows: list[dict[str, Any]] = []
        band_rows: list[dict[str, Any]] = []
        for i, (a, fp) in enumerate(zip(fresh, fps, strict=True)):
            match: tuple[str, float] | None = None
            exact = batch_exact.get(fp.text_hash) or stored_exact.get(fp.text_hash)
            if exact:
                match = (exact[1], 1.0)
            elif i in key_of:
                match = self._best_story(fp, key_of[i], stored_bands, batch_bands)
            story_id, similarity = match if match else (story_id_for(a.article_id), 1.0)
            if match and self.story(story_id) is None:  # indexed but its story record was lost
                story_id, similarity = story_id_for(a.article_id), 1.0
            result[a.article_id] = story_id
            self.add_member(story_id, a, similarity)
            batch_exact.setdefault(fp.text_hash, (a.article_id, story_id))
            for key in key_of.get(i, ()):
                holders = batch_bands[key]
                if any(sid == story_id for _, sid in holders) or any(
                    sid == story_id for _, sid in stored_bands.get(key, ())
                ):
                    continue  # the story already answers to this key
                holders.append((a.article_id, story_id))
                band_rows.append({"band_key": key, "article_id": a.article_id})
            signature_rows.append({
                "article_id": a.article_id, "text_hash": fp.text_hash, "shingle_count": len(fp.shingles),
                "signature": sig_of.get(i, b""), "story_id": story_id,
            })  # fmt: skip

        # index first, then stories and article story ids: a rerun after a crash repairs the rest
        self.index.add(signature_rows, band_rows)
        touched = {result[a.article_id] for a in ordered}
        self.store.save_stories([self.stories[sid] for sid in sorted(touched)])
        self.store.set_story_ids(result)
        for a in ordered:
            a.story_id = result[a.article_id]
        return result

    def _candidates(
        self, keys: list[int], *sources: dict[int, list[tuple[str, str]]]
    ) -> list[tuple[str, list[str]]]:
        """Candidate stories, best first, each with its candidate articles, best first."""
        hits: Counter[tuple[str, str]] = Counter()
        for source in sources:
            for key in keys:
                hits.update(source.get(key, ()))
        by_story: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for (aid, sid), n in hits.items():
            by_story[sid].append((-n, aid))
        ranked = sorted(by_story.items(), key=lambda kv: (min(kv[1])[0], kv[0]))
        return [
            (sid, [aid for _, aid in sorted(c)[:_VERIFY_PER_STORY]])
            for sid, c in ranked[: self.opts.max_candidate_stories]
        ]

    def _prefetch(self, key_of: dict[int, list[int]], stored_bands: dict[int, list[tuple[str, str]]]) -> None:
        wanted = []
        for keys in key_of.values():
            for _sid, aids in self._candidates(keys, stored_bands):
                wanted.append(aids[0])
        self.load_fingerprints(wanted)

    def _best_story(
        self, fp: Fingerprint, keys: list[int], stored: dict[int, list[tuple[str, str]]],
        batch: dict[int, list[tuple[str, str]]],
    ) -> tuple[str, float] | None:  # fmt: skip
        best: tuple[str, float] | None = None
        for sid, aids in self._candidates(keys, stored, batch):
            self.load_fingerprints(aids)
            for aid in aids:
                other = self.fps.get(aid)
                if other is None or len(other.shingles) < self.opts.min_shingles:
                    continue
                score = verify(fp, other, self.opts)
                if score is not None:
                    if best is None or score > best[1]:
                        best = (sid, score)
                    break
        return best


def assign_stories(store: Store, articles: Sequence[Article], options: DedupOptions) -> dict[str, str]:
    """Give every article a story (joining an indexed one or starting its own); persist index and stories."""
    if not articles:
        return {}
    return _Assigner(store, effective_options(options)).assign(articles)


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
        dict(m, canonical=m["article_id"] == story.canonical_article_id)
        for m in story.members
        if m["article_id"] != article.article_id
    ]
    return story, siblings


__all__ = ["assign_stories", "story_of", "refresh_story", "verify", "story_id_for"]

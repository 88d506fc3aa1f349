"""Dedup: group copies of one wire text into stories.

Contract: `assign_stories(store, articles, options) -> dict[article_id, story_id]`; it also
saves the stories it creates or changes (store.save_stories) and its index.
`story_of(store, article_id)` gives an article's story and sibling copies.
"""

from wirewatch.dedup.presets import apply_preset
from wirewatch.dedup.stories import assign_stories, story_of

__all__ = ["apply_preset", "assign_stories", "story_of"]

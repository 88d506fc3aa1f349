"""Dedup: group copies of one wire text into stories.

Contract: `assign_stories(store, articles, options) -> dict[article_id, story_id]`; it also
saves the stories it creates or changes (store.save_stories) and its index.
"""

from wirewatch.dedup.stories import assign_stories

__all__ = ["assign_stories"]

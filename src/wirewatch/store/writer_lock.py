"""One writer per database: `run`, `watch` (each cycle), corrections and the API's ingest hold
this lock while they write, so two of them never re-extract the same articles or fuse the same
events at once.

SQLite: an exclusive `flock` on a file beside the database (`news.db.lock`). PostgreSQL: a
session-level advisory lock, held on its own connection. Both are released by the operating
system or the server when the holding process dies, so a crash never leaves a stale lock. Who
holds it (process, host, command, since when) is written to the `meta` table, for the message a
second writer gets.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import sqlalchemy as sa

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.store import schema as s
from wirewatch.store.db import Store, now_iso

HOLDER_KEY = "writer"
POLL_S = 0.2  # how often a waiting writer tries again
# the advisory lock's key: any fixed 64-bit number; advisory locks are per database
ADVISORY_KEY = 0x5757_6972_6577_6174  # "WWirewat"


class WriterLock:
    """The database's writer lock: a context manager (`with WriterLock(store, wait_s=30): ...`).

    `wait_s` is how long to wait for another writer (0: refuse at once); a writer still busy
    after that is a W022 error naming it. `purpose` names this writer in that message."""

    def __init__(self, store: Store, *, wait_s: float = 0.0, purpose: str = "run") -> None:
        self.store, self.wait_s, self.purpose = store, max(float(wait_s), 0.0), purpose
        self._file: IO[str] | None = None
        self._conn: sa.Connection | None = None
        self.held = False

    # -- the public calls ---------------------------------------------------------------------
    def acquire(self) -> WriterLock:
        deadline = time.monotonic() + self.wait_s
        while not self._try():
            if time.monotonic() >= deadline:
                raise WirewatchError(errors.DATABASE_BUSY, self._busy_message())
            time.sleep(POLL_S)
        self.held = True
        self._write_holder()
        return self

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        try:
            with self.store.engine.begin() as conn:
                conn.execute(s.meta.delete().where(s.meta.c.key == HOLDER_KEY))
        finally:
            self._unlock()

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    # -- per dialect ------------------------------------------------------------------------------
    def _try(self) -> bool:
        if self.store.dialect == "postgresql":
            return self._try_advisory()
        path = lock_path(self.store)
        return True if path is None else self._try_file(path)

    def _try_file(self, path: Path) -> bool:
        try:
            handle = path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise WirewatchError(
                errors.DATABASE_ERROR, f"{path}: cannot create the writer lock file ({exc.strerror})"
            ) from None
        if _lock_file(handle):
            self._file = handle
            return True
        handle.close()
        return False

    def _try_advisory(self) -> bool:
        conn = self.store.engine.connect()
        try:
            got = bool(conn.execute(sa.select(sa.func.pg_try_advisory_lock(ADVISORY_KEY))).scalar_one())
            conn.commit()  # a session lock outlives the transaction: hold no transaction open
        except BaseException:
            conn.close()
            raise
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def _unlock(self) -> None:
        if self._file is not None:
            _unlock_file(self._file)
            self._file.close()
            self._file = None
        if self._conn is not None:
            try:
                self._conn.execute(sa.select(sa.func.pg_advisory_unlock(ADVISORY_KEY)))
                self._conn.commit()
            finally:
                self._conn.close()
                self._conn = None

    # -- who holds it -----------------------------------------------------------------------------
    def _write_holder(self) -> None:
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "purpose": self.purpose,
            "since": now_iso(),
        }
        self.store.set_meta_value(HOLDER_KEY, json.dumps(holder))

    def _busy_message(self) -> str:
        holder = current_holder(self.store)
        who = "another wirewatch process"
        if holder:
            who = (
                f"another wirewatch {holder.get('purpose', 'process')} (pid {holder.get('pid')} on "
                f"{holder.get('host')}, since {holder.get('since')})"
            )
        waited = f"; still busy after waiting {self.wait_s:g}s" if self.wait_s else ""
        return (
            f"{self.store.db}: {who} is writing to this database{waited}: let it finish, or pass "
            "--wait SECONDS to wait for it"
        )


def writer_lock(store: Store, *, wait_s: float = 0.0, purpose: str = "run") -> WriterLock:
    """The database's writer lock, to use in a `with` block."""
    return WriterLock(store, wait_s=wait_s, purpose=purpose)


def current_holder(store: Store) -> dict[str, Any] | None:
    """Who holds the writer lock, as it wrote when it took it (None when no one said)."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == HOLDER_KEY)).first()
    try:
        return json.loads(row[0]) if row else None
    except ValueError:
        return None


def lock_path(store: Store) -> Path | None:
    """The lock file of a SQLite database (None for an in-memory one, private to its process)."""
    path = store.url.removeprefix("sqlite:///")
    if path in ("", ":memory:") or path.startswith("file::memory:"):
        return None
    return Path(path + ".lock")


def _lock_file(handle: IO[str]) -> bool:
    """Take an exclusive lock on an open file without blocking; False if another holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock_file(handle: IO[str]) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

"""A time budget for one piece of work on one article: past it, the work is interrupted.

Cleaning and extraction are pure Python over untrusted text; an input built to be slow (or a
slow path nobody found yet) must not hold a run, or every later run, behind it. `time_budget`
raises `OverBudget` inside the block when its seconds are spent, in whichever thread runs it
(the CLI's main thread, or an API worker thread), through CPython's asynchronous exception:
a watchdog timer asks the interpreter to raise in that thread at its next bytecode. Code
stuck in one long C call (a single regex over megabytes) is interrupted when that call returns;
the caps on what each stage reads keep those calls short.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class OverBudget(BaseException):
    """The block ran past its time budget. A BaseException, as KeyboardInterrupt is: library code
    that catches every Exception must not swallow it and carry on."""

    def __init__(self, seconds: float | None = None):
        super().__init__(f"took longer than {seconds:g}s" if seconds else "took longer than its time budget")
        self.seconds = seconds


class _Watchdog:
    """Raises OverBudget in one thread once, unless disarmed first. The lock makes "disarm" and
    "fire" exclusive: after `disarm` returns, nothing is raised in the thread any more."""

    def __init__(self, thread_id: int, seconds: float):
        self.thread_id, self.seconds = thread_id, seconds
        self.lock = threading.Lock()
        self.armed, self.fired = True, False
        self.timer = threading.Timer(seconds, self.fire)
        self.timer.daemon = True

    def fire(self) -> None:
        with self.lock:
            if not self.armed:
                return
            self.fired = True
            _raise_in(self.thread_id, OverBudget)

    def disarm(self) -> bool:
        """Stop the timer; True when it had fired (an OverBudget may still be pending: cleared)."""
        self.timer.cancel()
        with self.lock:
            self.armed = False
            if self.fired:
                _raise_in(self.thread_id, None)  # clear it if not delivered yet
            return self.fired


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else ctypes.c_void_p(0)
    )


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Run the block with `seconds` to spend (None or 0: no budget); raises OverBudget(seconds)
    when they run out. Only the block is interrupted: the exception never escapes after it."""
    if not seconds or seconds <= 0:
        yield
        return
    dog = _Watchdog(threading.get_ident(), seconds)
    dog.timer.start()
    try:
        yield
    except OverBudget:
        dog.disarm()
        raise OverBudget(seconds) from None
    fired = dog.disarm()  # may itself be interrupted by a pending OverBudget: the same outcome
    if fired:
        raise OverBudget(seconds)

"""What a Python worker of the job sets up once, when it first imports this package.

Spark's Python worker calls `importlib.invalidate_caches()` before every task (so that files
added with `addFile` are seen). On Python before 3.12 that makes every zip importer re-read its
archive's directory at once: the workers import PySpark from `pyspark.zip`, whose directory is
read some sixteen times, ~0.13 CPU-s per task on the machine we measured, more than many of
the job's tasks cost. A worker's archives never change while it runs (an added Python file is a
new path, which gets a new importer), so in a worker the zip importers keep what they read.
"""

from __future__ import annotations

import sys


def in_python_worker() -> bool:
    """True inside a Spark Python worker running a task (never on the driver)."""
    if "pyspark" not in sys.modules:
        return False
    try:
        from pyspark import TaskContext
    except ImportError:  # pragma: no cover - pyspark half imported
        return False
    return TaskContext.get() is not None


def _keep_directory(self: object) -> None:
    """zipimporter.invalidate_caches in a worker: the archive has not changed."""


def steady_imports() -> bool:
    """In a Python worker on Python < 3.12, stop zip importers re-reading their archives before
    every task; returns whether it did."""
    if sys.version_info >= (3, 12) or not in_python_worker():
        return False
    import zipimport

    zipimport.zipimporter.invalidate_caches = _keep_directory  # type: ignore[method-assign]
    return True

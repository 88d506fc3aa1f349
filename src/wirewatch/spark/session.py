"""A SparkSession for the job: the caller's, the one spark-submit started, or a local one.

A local session is offline and private: the driver binds 127.0.0.1, no packages are
resolved from Maven or Ivy (the job needs none: connected components are plain PySpark), the
console progress bar is off, and the Python workers run this interpreter.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from wirewatch import errors
from wirewatch.errors import WirewatchError

DEFAULT_MASTER = "local[*]"
# settings of every session this module starts (a spark-submit or user session keeps its own)
LOCAL_CONF = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.showConsoleProgress": "false",
    "spark.jars.packages": "",
    "spark.sql.session.timeZone": "UTC",
    "spark.python.worker.reuse": "true",  # a worker keeps its loaded spaCy model between tasks
    # a worker holding the spaCy model is ~500 MB: below this, every shuffle it merges spills to disk
    "spark.python.worker.memory": "1g",
    # the JVM here only moves the Python workers' bytes: its optimising compiler and parallel
    # collector took as much CPU as a quarter of the job's (2,000 articles at local[1]: JVM
    # 35 CPU-s of 101); the quick compiler and one collector thread halve that
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


def pyspark_installed() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


def under_spark_submit() -> bool:
    """True when spark-submit started this process (it runs the JVM and tells us its port)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def spark_session(
    master: str | None = None, conf: dict[str, str] | None = None, app_name: str = "wirewatch"
) -> Any:
    """A session to run the job on: `master` (e.g. local[2], spark://host:7077, yarn), else the
    one spark-submit configured, else local[*]. Raises a W055 error when Spark cannot start."""
    if not pyspark_installed():
        raise WirewatchError(
            errors.SPARK_UNAVAILABLE,
            "PySpark is not installed: pip install 'wirewatch[spark]' (and Java 17 or newer)",
        )
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master or not under_spark_submit():
        builder = builder.master(master or DEFAULT_MASTER)
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        for key, value in LOCAL_CONF.items():
            builder = builder.config(key, value)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - py4j and pyspark raise many kinds when the JVM fails
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        raise WirewatchError(
            errors.SPARK_UNAVAILABLE, f"Spark could not start ({reason}); is Java 17 or newer installed?"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session

"""One SparkSession in local mode for every Spark test of the run (starting one costs seconds).

Tests that need it skip when PySpark or Java is missing; with WIREWATCH_REQUIRE_SPARK=1 (CI,
which installs both) they fail instead. The session is small: local[2], two shuffle
partitions, 512 MB for the driver, no web UI, bound to 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

SESSION_CONF = {
    "spark.driver.memory": "512m",
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
}


def _missing() -> str | None:
    from wirewatch.spark.session import pyspark_installed

    if not pyspark_installed():
        return "PySpark not installed (the wirewatch[spark] extra)"
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        return "Java not installed (openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get("WIREWATCH_REQUIRE_SPARK"):
            pytest.fail(reason)
        pytest.skip(reason)
    from wirewatch.spark.session import spark_session

    session = spark_session("local[2]", SESSION_CONF, app_name="wirewatch-tests")
    try:
        yield session
    finally:
        session.stop()

"""Spark: the same stage functions mapped over partitions on Apache Spark (the optional extra
`wirewatch[spark]`; docs/spark.md).

Contract: `run_spark(inputs, out, options, ...) -> SparkSummary` reads files and folders (WARC,
JSONL, Parquet, text, HTML), runs ingest -> clean -> dedup -> extract -> fuse on a SparkSession
and writes Parquet tables of articles, stories, mentions and events to `out` (and, with `load`,
into a database). Stories and events are those `wirewatch run` gives on the same input, compared
by membership (spark/stories.py and spark/fusion.py say where ids can differ, and why).
`wirewatch spark` and `spark/submit.py` (for spark-submit) are thin faces over it.

PySpark is imported only when a job runs, so this package imports without it.
"""

from wirewatch.spark.job import SparkSummary, run_spark
from wirewatch.spark.worker import steady_imports

steady_imports()  # in a Python worker only (spark/worker.py says why)

__all__ = ["SparkSummary", "run_spark"]

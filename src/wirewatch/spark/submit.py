"""The spark-submit entry point: the `wirewatch spark` command under spark-submit.

    spark-submit --master yarn --deploy-mode client [Spark options] \\
      "$(python -c 'import wirewatch.spark.submit as s; print(s.__file__)')" \\
      INPUT... --out hdfs:///wirewatch/out [--load postgresql://...]

spark-submit starts the JVM and sets the master and the other settings; the job uses that
session (`--master` here would replace spark-submit's). Every executor needs wirewatch and its
dependencies installed (docs/spark.md: a packed virtual environment with --archives).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from wirewatch.cli import app

    app(["spark", *(sys.argv[1:] if argv is None else argv)], prog_name="wirewatch spark")


if __name__ == "__main__":
    main()

"""Run every benchmark in turn with its default settings and print their figures (`make bench`).

Each script prints its own tables; this runner only sequences them and reports which failed.
Pass script names to run a subset: python bench/run_all.py clean_quality dedup_bench
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "clean_quality", "dedup_bench", "pipeline_bench", "extract_speed", "real_news_speed", "fusion_bench",
    "ucdp_syria", "gazetteer_compare", "api_latency", "dashboard_latency", "api_load", "hostile_sizes",
    "store_scale", "spark_bench",
]  # fmt: skip


def main(names: list[str]) -> int:
    failed = []
    for name in names or SCRIPTS:
        script = HERE / f"{name.removesuffix('.py')}.py"
        print(f"\n=== {script.name} ===", flush=True)
        t0 = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)])
        print(f"=== {script.name}: exit {code}, {time.perf_counter() - t0:.0f} s ===", flush=True)
        if code:
            failed.append(script.name)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

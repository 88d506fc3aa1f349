"""Quality gates on real text we did not write: a fixed sample of ACLED analysts' notes and GTD
summaries (../shared/bench, never copied here) through the whole pipeline, scored as
bench/real_text.py scores them, must keep every figure at or above the floors pinned in
tests/data/quality_floors.json ("real_text"). Skipped cleanly when the data is absent.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from wirewatch.evaluate.acled import score_acled

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ROOT / "tests" / "data" / "quality_floors.json"


def _bench():
    spec = importlib.util.spec_from_file_location("real_text_bench", ROOT / "bench" / "real_text.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def section():
    return json.loads(FLOORS.read_text(encoding="utf-8"))["real_text"]


@pytest.fixture(scope="module")
def bench():
    module = _bench()
    if not module.ACLED.exists() or not module.GTD.exists():
        pytest.skip(f"real-text data not present under {module.SHARED}")
    return module


def _figures(bench, items, tmp_path_factory, name):  # type: ignore[no-untyped-def]
    gold, predictions, _mentioned, _cpu = bench.run(items, str(tmp_path_factory.mktemp(name)))
    figures = score_acled(gold, predictions).figures()
    if name == "gtd_us":
        figures.update(bench.gtd_city_figures(gold, predictions))
    return figures


def _check(name: str, figures: dict[str, float], floors: dict[str, float]) -> None:
    below = {k: (figures.get(k, 0.0), floor) for k, floor in floors.items() if figures.get(k, 0.0) < floor}
    shown = ", ".join(f"{k} {figures.get(k, 0.0):.3f}" for k in floors)
    assert not below, f"{name}: below the pinned floor (measured, floor): {below}; all: {shown}"


@pytest.mark.parametrize("name", ["acled_notes", "gtd_us"])
def test_real_text_floors(name, bench, section, tmp_path_factory):
    sample = section["sample"][name]
    items = bench.acled_items(sample) if name == "acled_notes" else bench.gtd_items(sample)
    _check(name, _figures(bench, items, tmp_path_factory, name), section["floors"][name])

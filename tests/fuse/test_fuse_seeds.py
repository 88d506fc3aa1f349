"""The issue's acceptance check on the real seeds (skips when ../shared is absent): the Baghdad
strike is one event with two sources and one independent source (both copies of one IANS story)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wirewatch.config import Options
from wirewatch.pipeline import run_pipeline
from wirewatch.store import open_store

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.exists(), reason=f"seed articles not available at {SEEDS}")
def test_baghdad_strike_is_one_event_with_two_sources_one_independent(tmp_path):
    store = open_store(str(tmp_path / "seeds.db"))
    run_pipeline([str(p) for p in sorted(SEEDS.glob("*.txt"))], store, Options())
    baghdad = [
        e for e in store.iter_events() if e.location == "Baghdad" and e.sub_event_type == "Air/drone strike"
    ]
    assert len(baghdad) == 1
    ev = baghdad[0]
    assert ev.source_count == 2 and ev.independent_source_count == 1
    assert ev.fatalities == 3 and ev.country == "Iraq"
    assert len({s["article_id"] for s in ev.sources}) == 2
    assert "Military Forces of the United States conducted an air/drone strike on" in ev.notes

"""Gold-file checks (one-line W030 errors), `wirewatch eval` on a real SQLite store, and the dev set's gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.errors import WirewatchError
from wirewatch.evaluate import evaluate, load_gold
from wirewatch.records import Article, Event
from wirewatch.store import open_store

DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset"
SEEDS_GOLD = Path(__file__).resolve().parents[2].parent / "shared" / "seeds" / "gold.json"

GOOD_EVENT = {
    "key": "k1",
    "sources": ["a.txt"],
    "event_type": "Battles",
    "fatalities": {"low": 1, "high": 3},
    "event_date": {"low": "2025-01-01", "high": "2025-01-07"},
}


def write(tmp_path: Path, data, name="gold.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def error_of(tmp_path: Path, data) -> str:
    with pytest.raises(WirewatchError) as info:
        load_gold(write(tmp_path, data))
    assert info.value.code == "W030"
    line = info.value.line()
    assert "\n" not in line
    return line


def test_a_good_gold_file_loads(tmp_path):
    gold = load_gold(
        write(tmp_path, {"events": [GOOD_EVENT], "not_events": [{"text": "x happened", "why": "y"}]})
    )
    assert gold.events[0].key == "k1" and gold.events[0].required
    assert gold.not_events[0].sources == []
    assert gold.article_keys() == {"a.txt"}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ("{not json", "not JSON (line 1"),
        ([], "must be a JSON object"),
        ({"articles": {}}, "needs an 'events' list"),
        ({"events": [{"sources": ["a.txt"], "event_type": "Battles"}]}, "needs a 'key'"),
        ({"events": [dict(GOOD_EVENT, sources=[])]}, "'sources' must be a non-empty list"),
        ({"events": [GOOD_EVENT, GOOD_EVENT]}, "duplicate key"),
        ({"events": [{k: v for k, v in GOOD_EVENT.items() if k != "event_type"}]}, "needs an 'event_type'"),
        ({"events": [dict(GOOD_EVENT, fatalities={"low": 5, "high": 1})]}, "low is above high"),
        ({"events": [dict(GOOD_EVENT, fatalities={"low": 5})]}, "needs both 'low' and 'high'"),
        ({"events": [dict(GOOD_EVENT, country=["Iraq", "Syria"])]}, 'write {"any_of"'),
        ({"events": [dict(GOOD_EVENT, country={"low": "A", "high": "B"})]}, "cannot be a low/high range"),
        ({"events": [dict(GOOD_EVENT, actor1={"any_of": []})]}, "non-empty list"),
        ({"events": [dict(GOOD_EVENT, fatalites=3)]}, "unknown field 'fatalites'"),
        ({"events": [dict(GOOD_EVENT, required="no")]}, "'required' must be true or false"),
        ({"articles": {"b.txt": {}}, "events": [GOOD_EVENT]}, "source 'a.txt' is not in 'articles'"),
        ({"events": [], "not_events": [{"why": "no text"}]}, "not_events[0]: needs a non-empty 'text'"),
        ({"events": [], "stories": [{"why": "no members"}]}, "'members' list"),
    ],
)
def test_malformed_gold_is_one_line_w030(tmp_path, data, problem):
    line = error_of(tmp_path, data)
    assert line.startswith("error W030: ")
    assert problem in line


def test_missing_gold_file(tmp_path):
    with pytest.raises(WirewatchError, match="no such gold file"):
        load_gold(tmp_path / "nope.json")


def test_the_dev_set_gold_is_valid_and_names_existing_articles():
    gold = load_gold(DEVSET / "gold.json")
    files = {p.name for p in (DEVSET / "articles").iterdir()}
    assert len(gold.articles) >= 60
    assert set(gold.articles) == files
    for ev in gold.events:
        assert set(ev.sources) <= files
    for story in gold.stories:
        assert set(story["members"]) <= files
    negatives = [k for k, a in gold.articles.items() if a.get("negative")]
    assert len(negatives) >= 5
    types = set()
    for ev in gold.events:
        t = ev.fields["event_type"]
        types.update(t["any_of"] if isinstance(t, dict) else [t])
    assert types == {
        "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
        "Strategic developments",
    }  # fmt: skip


def test_not_event_texts_are_in_their_articles():
    gold = load_gold(DEVSET / "gold.json")
    for item in (*gold.not_events, *gold.optional_events):
        for src in item.sources:
            assert item.text in (DEVSET / "articles" / src).read_text(encoding="utf-8"), (src, item.text)


def test_the_seed_gold_loads_when_present():
    if not SEEDS_GOLD.exists():
        pytest.skip(f"{SEEDS_GOLD} not present (shared seeds are outside the repository)")
    assert len(load_gold(SEEDS_GOLD).events) >= 5


def _store_with_one_event(tmp_path: Path):
    store = open_store(str(tmp_path / "ww.db"))
    store.add_articles(
        [Article(article_id="aid1", source=str(tmp_path / "a.txt"), text="A strike hit Baghdad.")]
    )
    store.save_events([Event(event_id="e1", event_type="Battles", fatalities=2, event_date="2025-01-03",
                             sources=[{"article_id": "aid1", "mention_id": "m1"}])])  # fmt: skip
    return store


def test_evaluate_reads_events_from_a_store(tmp_path):
    store = _store_with_one_event(tmp_path)
    report = evaluate(store, write(tmp_path, {"events": [GOOD_EVENT]}))
    assert report.matched == 1
    assert report.field("fatalities").tp == 1 and report.field("event_date").tp == 1


def test_cli_eval_table_and_jsonl(tmp_path):
    _store_with_one_event(tmp_path).close()
    gold = write(tmp_path, {"events": [GOOD_EVENT]})
    runner = CliRunner()
    result = runner.invoke(app, ["eval", str(gold), "--db", str(tmp_path / "ww.db")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["field", "precision", "recall", "f1"]
    assert any(line.startswith("event found") and "1.000" in line for line in lines)
    assert any(line.startswith("not_events wrongly coded") for line in lines)
    result = runner.invoke(app, ["eval", str(gold), "--db", str(tmp_path / "ww.db"), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[0]["key"] == "found" and rows[0]["f1"] == 1.0
    assert rows[-1]["key"] == "extra_events"


def test_cli_eval_errors_are_one_line(tmp_path):
    _store_with_one_event(tmp_path).close()
    runner = CliRunner()
    bad = write(tmp_path, "{broken")
    result = runner.invoke(app, ["eval", str(bad), "--db", str(tmp_path / "ww.db")])
    assert result.exit_code == 2
    assert "error W030" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["eval", str(bad), "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 2 and "error W020" in result.output


def _first(constraint):
    if isinstance(constraint, dict) and "any_of" in constraint:
        return constraint["any_of"][0]
    if isinstance(constraint, dict) and "low" in constraint:
        low, high = constraint["low"], constraint["high"]
        return (low + high) / 2 if isinstance(low, float) else low
    return constraint


def test_a_prediction_built_from_each_gold_answer_scores_perfectly():
    """The dev set's gold agrees with the metric: its own first answers are judged right."""
    from wirewatch.evaluate.metrics import Prediction, score

    gold = load_gold(DEVSET / "gold.json")
    preds = []
    for ev in gold.events:
        values = {name: _first(c) for name, c in ev.fields.items()}
        preds.append(Prediction(f"p-{ev.key}", values, list(ev.sources), [""]))
    report = score(gold, preds)
    assert report.extra_events == 0 and report.not_events_coded == 0
    for row in report.fields:
        assert row.f1 == 1.0, (
            row.field,
            row.tp,
            row.fp,
            row.fn,
            [e for e in report.events if e["fields"].get(row.field) != "ok"][:3],
        )


def test_cli_eval_details_lists_gold_events(tmp_path):
    _store_with_one_event(tmp_path).close()
    gold = write(tmp_path, {"events": [GOOD_EVENT, dict(GOOD_EVENT, key="k2", sources=["b.txt"])]})
    result = CliRunner().invoke(app, ["eval", str(gold), "--db", str(tmp_path / "ww.db"), "--details"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["event", "required", "found"]
    assert any(line.startswith("k1") and "True" in line for line in lines[2:])
    assert any(line.startswith("k2") and "False" in line for line in lines[2:])

"""Agreement with ACLED-format gold: reading the CSV, pairing, per-field verdicts, the confusion
table. Rows are invented for these tests (no real ACLED rows)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from wirewatch.errors import WirewatchError
from wirewatch.evaluate.acled import (
    actors_agree,
    compare,
    gold_from_row,
    pair,
    parse_acled_date,
    read_acled_csv,
    score_acled,
)

ROW = {
    "event_id_cnty": "XYZ1", "event_date": "04-March-24", "event_type": "Battles",
    "sub_event_type": "Armed clash", "actor1": "Military Forces of Mali (2021-)", "inter1": "1",
    "actor2": "JNIM: Group for Support of Islam and Muslims", "inter2": "2", "country": "Mali",
    "iso3": "MLI", "admin1": "Mopti", "location": "Sevare", "latitude": "14.53", "longitude": "-4.10",
    "geo_precision": "1", "fatalities": "7", "notes": "On 4 March 2024, soldiers and militants fought near a town.",
}  # fmt: skip
PREDICTED = {
    "event_date": "2024-03-04", "event_type": "Battles", "sub_event_type": "Armed clash",
    "actor1": "JNIM: Group for Support of Islam and Muslims", "inter1": 2,
    "actor2": "Military Forces of Mali", "inter2": 1, "iso3": "MLI", "country": "Mali",
    "admin1": "Mopti", "location": "Sevare", "latitude": 14.52, "longitude": -4.09, "geo_precision": 1,
    "fatalities": 7, "articles": ["a1"],
}  # fmt: skip


def test_dates_in_acled_forms():
    assert parse_acled_date("9-May-20") == "2020-05-09"
    assert parse_acled_date("04 March 2024") == "2024-03-04"
    assert parse_acled_date("2024-03-04") == "2024-03-04"
    assert parse_acled_date("someday") is None


def test_actor_names_compare_without_the_period_and_unit():
    assert actors_agree("Military Forces of Mali (2021-) Special Forces", "Military Forces of Mali")
    assert actors_agree("Civilians (Mali)", "Civilians")
    assert actors_agree(None, None)
    assert not actors_agree("Civilians (Mali)", None)
    assert not actors_agree("Military Forces of Mali (2021-)", "Police Forces of Mali")


def test_battle_sides_may_come_either_way_round():
    gold = gold_from_row(ROW)
    verdicts, values = compare(gold, PREDICTED)
    assert verdicts["actor1"] and verdicts["actor2"] and verdicts["inter1"]
    assert values["actor1"] == "Military Forces of Mali"
    assert all(verdicts[f] for f in ("event_type", "sub_event_type", "country", "location", "fatalities"))


def test_a_toll_the_note_overrides_is_not_scored():
    gold = gold_from_row(
        ROW | {"notes": "Rebels said they killed several soldiers. Several fatalities coded as 3."}
    )
    assert not gold.fatalities_stated
    verdicts, _ = compare(gold, PREDICTED | {"fatalities": 1})
    assert verdicts["fatalities"] is None


def test_pairing_by_article_and_by_date_and_place():
    linked = gold_from_row(ROW)
    linked.article = "a1"
    assert pair([linked], [PREDICTED | {"articles": ["other"]}, PREDICTED]) == {0: 1}
    unlinked = gold_from_row(ROW)
    far = PREDICTED | {"latitude": 12.6, "longitude": -8.0, "articles": []}
    late = PREDICTED | {"event_date": "2024-03-09", "articles": []}
    assert pair([unlinked], [far, late, PREDICTED]) == {0: 2}


def test_report_counts_found_rows_and_all_rows():
    rows = [gold_from_row(ROW | {"event_id_cnty": f"X{i}"}) for i in range(2)]
    for i, g in enumerate(rows):
        g.article = f"a{i}"
    report = score_acled(rows, [PREDICTED | {"articles": ["a0"], "event_type": "Violence against civilians"}])
    assert report.found == 1 and report.detection == 0.5
    assert report.agreement("event_type") == 0.0 and report.agreement_all("country") == 0.5
    assert report.confusion[("Battles", "Violence against civilians")] == 1
    assert report.confusion[("Battles", "(none)")] == 1
    assert report.disagreements["event_type"].most_common(1)[0][0] == (
        "Battles",
        "Violence against civilians",
    )


def test_reading_a_csv_and_its_one_line_errors(tmp_path: Path):
    path = tmp_path / "gold.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ROW))
        writer.writeheader()
        writer.writerow(ROW)
    (row,) = read_acled_csv(path)
    assert row.key == "XYZ1" and row.values["country"] == "MLI" and row.values["fatalities"] == 7
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(WirewatchError) as info:
        read_acled_csv(bad)
    assert info.value.code == "W030" and "event_date" in info.value.message
    with pytest.raises(WirewatchError):
        read_acled_csv(tmp_path / "missing.csv")

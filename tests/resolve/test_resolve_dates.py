"""Date expressions and their windows against the publication date."""

import pytest

from wirewatch.resolve.dates import find_date_expressions, is_aggregate, publication_date, resolve_date

THU = "2024-02-08T14:45:00+05:30"  # a Thursday, with a time zone
WED = "2024-02-07"  # a Wednesday


def window(expr, published):
    w = resolve_date(expr, published)
    assert w is not None, expr
    return (w.event_date, w.date_low, w.date_high, w.time_precision)


def test_on_thursday_same_day_and_week_before():
    assert window("on Thursday", THU) == ("2024-02-08", "2024-02-08", "2024-02-08", 1)
    assert window("on Thursday", WED) == ("2024-02-01", "2024-02-01", "2024-02-01", 1)
    assert window("last Thursday", THU)[0] == "2024-02-01"
    assert window("last Friday", THU)[0] == "2024-02-02"
    assert window("on Monday night", THU)[0] == "2024-02-05"


def test_week_and_month_windows():
    assert window("last week", THU)[1:] == ("2024-01-29", "2024-02-04", 2)
    assert window("late January", THU)[1:] == ("2024-01-21", "2024-01-31", 2)
    assert window("early January", THU)[1:] == ("2024-01-01", "2024-01-10", 2)
    assert window("mid-January", THU)[1:] == ("2024-01-11", "2024-01-20", 2)
    assert window("last month", THU)[1:] == ("2024-01-01", "2024-01-31", 3)
    assert window("earlier this month", THU)[1:] == ("2024-02-01", "2024-02-07", 2)
    assert window("in January 2024", THU)[1:] == ("2024-01-01", "2024-01-31", 3)
    assert window("late December", THU)[1:] == ("2023-12-21", "2023-12-31", 2)


def test_month_part_after_publication_means_last_year():
    assert window("late February", THU)[1:3] == ("2023-02-21", "2023-02-28")


def test_days_relative_to_publication():
    assert window("around 9:30 p.m. local time", THU) == ("2024-02-08", "2024-02-08", "2024-02-08", 1)
    for same_day in ("this morning", "today", "tonight"):
        assert window(same_day, THU)[0] == "2024-02-08"
    assert window("yesterday", THU)[0] == "2024-02-07"
    assert window("two days ago", THU)[0] == "2024-02-06"
    # overnight: the night ending on publication day; best estimate the day it began
    assert window("overnight", THU) == ("2024-02-07", "2024-02-07", "2024-02-08", 1)


def test_calendar_dates():
    assert window("October 17", THU) == ("2023-10-17", "2023-10-17", "2023-10-17", 1)
    assert window("on 7 February", THU)[0] == "2024-02-07"
    assert window("Feb 7", THU)[0] == "2024-02-07"
    assert window("Feb. 7th", THU)[0] == "2024-02-07"
    assert window("2024-02-07", THU)[0] == "2024-02-07"
    assert resolve_date("October 17", THU).inferred is True
    assert resolve_date("2024-02-07", THU).inferred is False


def test_since_is_an_aggregate_window():
    w = resolve_date("since October 17", THU)
    assert is_aggregate(w)
    assert (w.date_low, w.date_high) == ("2023-10-17", "2024-02-08")
    assert not is_aggregate(resolve_date("last week", THU))


def test_no_publication_date_keeps_the_expression():
    w = resolve_date("on Thursday", None)
    assert w.expression == "on Thursday" and w.inferred
    assert (w.event_date, w.date_low, w.date_high) == (None, None, None)
    assert resolve_date("last week", "not a date").event_date is None
    # absolute dates with a year still resolve
    assert window("January 7, 2023", None)[0] == "2023-01-07"
    assert window("2024-02-07", None)[0] == "2024-02-07"
    assert window("in January 2024", None)[1:3] == ("2024-01-01", "2024-01-31")


def test_publication_date_uses_the_local_date():
    assert publication_date("2024-02-08T01:30:00+05:30").isoformat() == "2024-02-08"
    assert publication_date("2024-02-08T23:30:00Z").isoformat() == "2024-02-08"
    assert publication_date("yesterday-ish") is None


def test_find_date_expressions_offsets():
    sentence = "The US said last week it hit 85 targets, and in late January a drone killed three troops."
    found = find_date_expressions(sentence)
    assert [t for _, _, t in found] == ["last week", "late January"]
    for start, end, text in found:
        assert sentence[start:end] == text


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Pakistan on Thursday launched retaliatory strikes.", ["on Thursday"]),
        ("Militias have attacked US troops more than 160 times since October 17.", ["since October 17"]),
        ("The blast came around 9:30 p.m. local time on Feb 7.", ["around 9:30 p.m. local time", "Feb 7"]),
        ("Gunmen struck overnight and again this morning.", ["overnight", "this morning"]),
        ("The raid took place on Monday night, two days ago.", ["on Monday night", "two days ago"]),
        ("He said they may 5 times refuse; the Sun reported it.", []),
        ("The war broke out in May 2023.", ["in May 2023"]),
    ],
)
def test_find_date_expressions(sentence, expected):
    assert [t for _, _, t in find_date_expressions(sentence)] == expected

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
        ("Rebels have shelled the garrison more than 40 times since October 17.", ["since October 17"]),
        ("The blast came around 9:30 p.m. local time on Feb 7.", ["around 9:30 p.m. local time", "Feb 7"]),
        ("Gunmen struck overnight and again this morning.", ["overnight", "this morning"]),
        ("The raid took place on Monday night, two days ago.", ["on Monday night", "two days ago"]),
        ("He said they may 5 times refuse; the Sun reported it.", []),
        ("The war broke out in May 2023.", ["in May 2023"]),
    ],
)
def test_find_date_expressions(sentence, expected):
    assert [t for _, _, t in find_date_expressions(sentence)] == expected


def test_numeric_dates_pick_the_reading_before_publication():
    assert window("08.02.2024", THU)[0] == "2024-02-08"
    assert window("5/03/2016", "2016-03-05")[0] == "2016-03-05"  # day-first fits, month-first is later
    assert window("13/09/2016", None)[0] == "2016-09-13"


def test_parts_of_named_days():
    assert window("in the early hours of Tuesday", THU) == ("2024-02-06", "2024-02-06", "2024-02-06", 1)
    assert window("the night of February 6", THU)[0] == "2024-02-06"
    assert window("the first week of January", THU)[1:] == ("2024-01-01", "2024-01-07", 2)
    assert window("the end of October", THU)[1:] == ("2023-10-21", "2023-10-31", 2)


def test_past_periods_are_aggregates():
    w = resolve_date("over the past two weeks", THU)
    assert is_aggregate(w) and (w.date_low, w.date_high, w.time_precision) == ("2024-01-25", "2024-02-08", 2)
    assert is_aggregate(resolve_date("in the past week", THU))


def test_month_abbreviation_with_full_stop_and_year():
    found = find_date_expressions("Officials said on 12 Feb. 2024 that the road had reopened.")
    assert [t for _, _, t in found] == ["12 Feb. 2024"]
    assert window("12 Feb. 2024", None)[0] == "2024-02-12"


def test_may_the_month_not_the_verb():
    found = find_date_expressions(
        "The fighting began in May and they may return in may or in early May 2023."
    )
    assert [t for _, _, t in found] == ["in May", "early May 2023"]
    assert window("in May", THU)[1:] == ("2023-05-01", "2023-05-31", 3)

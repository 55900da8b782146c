"""``dates.resolve``: time expressions anchored to the publication date, across year boundaries.

``resolve(expression, published)`` takes a ``datetime.date`` (``parse_published`` turns the
record's ``YYYY-MM-DD`` string into one) and returns ``(ISO date or None, certainty)``.
Calendar facts used below: 2008-12-28 and 2009-01-04 are Sundays; 2009-01-03 is a Saturday;
2008-12-29 and 2009-01-05 are Mondays.
"""
from __future__ import annotations

import datetime as dt

from saidwhat.text.dates import parse_published, resolve

D = dt.date


def test_month_day_without_year_in_early_january_is_last_december():
    assert resolve("Dec. 21", D(2009, 1, 3)) == ("2008-12-21", "inferred")
    assert resolve("December 31", D(2009, 1, 3)) == ("2008-12-31", "inferred")
    assert resolve("21 December", D(2009, 1, 3)) == ("2008-12-21", "inferred")


def test_month_day_earlier_in_the_same_year_stays_in_that_year():
    assert resolve("Dec. 21", D(2008, 12, 29)) == ("2008-12-21", "inferred")
    assert resolve("Jan. 2", D(2009, 1, 3)) == ("2009-01-02", "inferred")


def test_weekday_on_that_weekday_is_the_same_day():
    # 2008-12-28 is a Sunday: "on Sunday" in a Sunday paper is today, not a week ago.
    assert resolve("on Sunday", D(2008, 12, 28)) == ("2008-12-28", "inferred")
    # ... and a weekday crosses the year boundary backwards: Sunday 2009-01-04 -> Monday 2008-12-29.
    assert resolve("Monday", D(2009, 1, 4)) == ("2008-12-29", "inferred")


def test_last_weekday():
    # Published Saturday 2009-01-03: "last Monday" is 2008-12-29, in the previous year.
    assert resolve("last Monday", D(2009, 1, 3)) == ("2008-12-29", "inferred")
    # Published on a Monday: "last Monday" is a week earlier, never the same day.
    assert resolve("last Monday", D(2009, 1, 5)) == ("2008-12-29", "inferred")


def test_yesterday_and_today_on_new_years_day():
    assert resolve("yesterday", D(2009, 1, 1)) == ("2008-12-31", "inferred")
    assert resolve("today", D(2009, 1, 1)) == ("2009-01-01", "inferred")
    assert resolve("on Thursday", D(2009, 1, 1)) == ("2009-01-01", "inferred")  # Jan 1 2009 is a Thursday


def test_full_date_is_exact_whatever_the_publication_date():
    assert resolve("Jan. 5, 2010", D(2009, 1, 3)) == ("2010-01-05", "exact")
    assert resolve("Jan. 5, 2010", None) == ("2010-01-05", "exact")
    assert resolve("2008-12-21", None) == ("2008-12-21", "exact")


def test_no_publication_date_means_unknown_for_relative_expressions():
    for expr in ("Dec. 21", "on Sunday", "last Monday", "yesterday", "today"):
        assert resolve(expr, None) == (None, "unknown"), expr


def test_impossible_dates_are_unknown_not_guessed():
    assert resolve("Feb. 30", D(2009, 3, 10)) == (None, "unknown")
    assert resolve("Feb. 30, 2009", D(2009, 3, 10)) == (None, "unknown")
    assert resolve("2009-02-30", None) == (None, "unknown")


def test_unplaceable_expressions_are_unknown():
    assert resolve("last week", D(2009, 1, 3)) == (None, "unknown")
    assert resolve("earlier this month", D(2009, 1, 3)) == (None, "unknown")


def test_parse_published():
    assert parse_published("2009-01-03") == D(2009, 1, 3)
    assert parse_published("2009-02-30") is None
    assert parse_published("") is None and parse_published(None) is None


# --- Regression tests for three bugs these tests revealed in dates.py (since fixed there):
# the look-ahead across New Year, 3-letter month prefixes, and timestamps as publication dates.


def test_month_day_a_few_days_ahead_across_new_year_is_next_year():
    # Published Tue 2008-12-30: "Jan. 2" (three days ahead, e.g. a scheduled vote) is 2009-01-02.
    # dates._md builds 2008-01-02 (a year back) because it never tries published.year + 1.
    assert resolve("Jan. 2", D(2008, 12, 30)) == ("2009-01-02", "inferred")



def test_durations_are_not_month_days():
    # A DATE entity "three decades ago" / "3 decades" passes TIME_WORDS ('dec[a-z]*') and then
    # _DAY_MONTH reads "3 decades" as 3 December.
    assert resolve("3 decades ago", D(2009, 1, 3)) == (None, "unknown")



def test_published_timestamp_is_a_date():
    # Feeds and HTML metadata give "2009-01-03T10:00:00Z"; \b after "03" fails before "T", so the
    # article loses its anchor and every relative date becomes unknown.
    assert parse_published("2009-01-03T10:00:00Z") == D(2009, 1, 3)

"""The SLA clock counts the organisation's working hours (08:00-18:00 Monday to Friday, Europe/London), skipping
weekends and the bank holidays in content/forum.yaml; correct across both clock changes."""

from datetime import UTC, datetime, timedelta

import pytest

from core.forum.sla import add_working_days, working_time_between


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def clock(content):
    rules = content.nudges
    return rules.default_hours, content.organisation.timezone, content.forum.bank_holidays


@pytest.mark.parametrize(
    ("asked", "deadline", "why"),
    [
        (utc(2026, 11, 25, 10), utc(2026, 11, 27, 10), "two ordinary working days"),
        (utc(2026, 12, 4, 15), utc(2026, 12, 8, 15), "over a weekend: Fri 3 h, Mon 10 h, Tue 7 h"),
        (utc(2026, 11, 28, 11), utc(2026, 12, 1, 18), "asked on a Saturday: the clock starts on Monday"),
        (utc(2026, 12, 24, 15), utc(2026, 12, 30, 15), "Christmas Day and the Boxing Day substitute are skipped"),
        (utc(2026, 4, 2, 11), utc(2026, 4, 8, 11), "Good Friday and Easter Monday are skipped (BST)"),
        (utc(2026, 3, 27, 14), utc(2026, 3, 31, 13), "clocks go forward on Sunday 29 March: 14:00 BST is 13:00 UTC"),
        (utc(2026, 10, 23, 13), utc(2026, 10, 27, 14), "clocks go back on Sunday 25 October: 14:00 GMT"),
        (utc(2026, 11, 25, 19), utc(2026, 11, 27, 18), "asked after hours: counted from the next morning"),
    ],
)
def test_two_working_days(clock, asked, deadline, why):
    assert add_working_days(asked, 2, *clock) == deadline, why


def test_a_bank_holiday_on_a_weekday_moves_the_deadline_a_day(clock):
    hours, tz, holidays = clock
    plain = add_working_days(utc(2026, 12, 23, 12), 2, hours, tz, frozenset())
    assert plain == utc(2026, 12, 25, 12)
    assert add_working_days(utc(2026, 12, 23, 12), 2, hours, tz, holidays) == utc(2026, 12, 29, 12)


def test_working_time_between_skips_nights_weekends_and_holidays(clock):
    assert working_time_between(utc(2026, 12, 4, 15), utc(2026, 12, 8, 15), *clock) == timedelta(hours=20)
    assert working_time_between(utc(2026, 12, 24, 9), utc(2026, 12, 29, 9), *clock) == timedelta(hours=10)
    assert working_time_between(utc(2026, 12, 29, 9), utc(2026, 12, 24, 9), *clock) == timedelta(0)

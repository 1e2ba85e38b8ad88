"""Months are the organisation's local months: evidence late on the last evening of May in summer is June's."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from core.measures.months import add_months, month_of, months_between

LONDON = ZoneInfo("Europe/London")


def test_a_moment_falls_in_its_local_month():
    assert month_of(datetime(2026, 5, 31, 23, 30, tzinfo=UTC), LONDON) == date(2026, 6, 1)  # 00:30 BST, 1 June
    assert month_of(datetime(2026, 1, 31, 23, 30, tzinfo=UTC), LONDON) == date(2026, 1, 1)  # GMT: still January
    assert month_of(datetime(2026, 6, 15, 12, tzinfo=UTC), LONDON) == date(2026, 6, 1)
    assert month_of(datetime(2026, 10, 31, 23, 59, tzinfo=UTC), LONDON) == date(2026, 10, 1)  # GMT again
    assert month_of(date(2026, 9, 14), LONDON) == date(2026, 9, 1)


def test_runs_of_months():
    assert add_months(date(2026, 11, 1), -11) == date(2025, 12, 1)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert months_between(date(2026, 11, 1), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]

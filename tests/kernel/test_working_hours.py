from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.kernel.model import WorkingHours
from core.kernel.working_hours import local_day_bounds, next_open, parse_days, parse_hours

LONDON = ZoneInfo("Europe/London")
OFFICE = WorkingHours(days=frozenset(range(5)), start=time(8), end=time(18))


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_inside_working_hours_is_now():
    when = london(2026, 11, 25, 10, 30)  # Wednesday
    assert next_open(when, OFFICE, LONDON) == when


def test_evening_moves_to_next_morning():
    assert next_open(london(2026, 11, 25, 19, 0), OFFICE, LONDON) == london(2026, 11, 26, 8, 0)


def test_friday_evening_moves_to_monday_morning():
    assert next_open(london(2026, 11, 27, 18, 0), OFFICE, LONDON) == london(2026, 11, 30, 8, 0)


def test_before_start_waits_for_start():
    assert next_open(london(2026, 11, 25, 6, 15), OFFICE, LONDON) == london(2026, 11, 25, 8, 0)


def test_night_shift_runs_overnight():
    nights = WorkingHours(days=frozenset({0, 1}), start=time(20), end=time(8))  # Mon and Tue nights
    # Tuesday 03:00 is inside Monday's night shift.
    assert next_open(london(2026, 11, 24, 3, 0), nights, LONDON) == london(2026, 11, 24, 3, 0)
    # Wednesday 09:00: next shift starts the following Monday at 20:00.
    assert next_open(london(2026, 11, 25, 9, 0), nights, LONDON) == london(2026, 11, 30, 20, 0)


@pytest.mark.parametrize("sunday", [datetime(2026, 3, 29), datetime(2026, 10, 25)])
def test_clock_changes_keep_local_start_time(sunday):
    """The Monday after the clocks change still opens at 08:00 London time, whatever the UTC offset."""
    saturday_evening = datetime(sunday.year, sunday.month, sunday.day - 1, 20, 0, tzinfo=UTC)
    opened = next_open(saturday_evening, OFFICE, LONDON).astimezone(LONDON)
    assert (opened.date().day, opened.hour, opened.minute) == (sunday.day + 1, 8, 0)


def test_day_bounds_are_23_hours_when_clocks_go_forward():
    start, end = local_day_bounds(london(2026, 3, 29, 12), LONDON)
    assert (end - start).total_seconds() == 23 * 3600


def test_parse_hours_and_days():
    hours = parse_hours("07:30-19:30", "mon-wed,sat")
    assert hours.days == frozenset({0, 1, 2, 5})
    assert (hours.start, hours.end) == (time(7, 30), time(19, 30))
    assert parse_days("fri-mon") == {4, 5, 6, 0}
    with pytest.raises(ValueError):
        parse_hours("8 till 6")


def test_working_hours_must_make_sense():
    with pytest.raises(ValueError):
        WorkingHours(days=frozenset(), start=time(8), end=time(18))
    with pytest.raises(ValueError):
        WorkingHours(days=frozenset({1}), start=time(8), end=time(8))

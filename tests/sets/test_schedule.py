"""Meeting and reminder times keep their local wall-clock time across both clock changes (Europe/London)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from core.kernel.model import WorkingHours
from core.sets.schedule import days_before, meeting_times, reminder_times

LONDON = ZoneInfo("Europe/London")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_meetings_every_four_weeks_stay_at_two_in_the_afternoon_through_both_changes():
    times = meeting_times(date(2027, 1, 14), time(14), 4, 12, 120, LONDON)
    starts = [start for start, _ in times]
    assert [s.astimezone(LONDON).time() for s in starts] == [time(14)] * 12
    assert starts[2] == utc(2027, 3, 11, 14)  # GMT
    assert starts[3] == utc(2027, 4, 8, 13)  # BST after 28 March
    assert starts[9] == utc(2027, 9, 23, 13)  # still BST
    assert starts[10] == utc(2027, 10, 21, 13)
    assert starts[11] == utc(2027, 11, 18, 14)  # GMT again after 31 October
    assert all(end.astimezone(LONDON).time() == time(16) for _, end in times)
    assert [s.astimezone(LONDON).date().weekday() for s in starts] == [3] * 12  # every one a Thursday


def test_a_meeting_over_the_change_night_ends_at_a_real_moment():
    [(start, end)] = meeting_times(date(2027, 3, 27), time(23), 4, 1, 120, LONDON)
    assert start == utc(2027, 3, 27, 23)
    assert end == utc(2027, 3, 28, 1)  # 01:00 that night does not exist: it is read as 02:00 BST


def test_reminders_straddling_the_march_change_keep_nine_in_the_morning():
    start = utc(2027, 4, 1, 13)  # Thu 1 April 14:00 BST
    times = reminder_times(start, time(9), LONDON)
    assert times["week"] == utc(2027, 3, 25, 9)  # 09:00 GMT
    assert times["day"] == utc(2027, 3, 31, 8)  # 09:00 BST


def test_reminders_straddling_the_october_change_keep_nine_in_the_morning():
    start = utc(2027, 11, 4, 14)  # Thu 4 November 14:00 GMT
    times = reminder_times(start, time(9), LONDON)
    assert times["week"] == utc(2027, 10, 28, 8)  # 09:00 BST
    assert times["day"] == utc(2027, 11, 3, 9)  # 09:00 GMT


def test_own_working_hours_move_a_reminder_to_the_start_of_that_day():
    nights = WorkingHours(days=frozenset({2}), start=time(19), end=time(7))  # Wednesday nights
    start = utc(2027, 11, 4, 14)
    assert reminder_times(start, time(9), LONDON, nights)["day"] == utc(2027, 11, 3, 19)
    assert reminder_times(start, time(9), LONDON, nights)["week"] == utc(2027, 10, 28, 8)  # a Thursday: not theirs
    assert days_before(start, 3, time(9), LONDON) == utc(2027, 11, 1, 9)

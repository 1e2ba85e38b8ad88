"""`written`: strftime with `%-d`, the day of the month without a leading zero, on every platform."""

from datetime import date, datetime

from core.kernel.dates import written


def test_a_single_digit_day_has_no_leading_zero():
    assert written(date(2027, 6, 1), "%-d %B %Y") == "1 June 2027"
    assert written(datetime(2026, 12, 7, 9, 30), "%H:%M on %a %-d %b") == "09:30 on Mon 7 Dec"


def test_a_two_digit_day_and_the_rest_of_strftime_are_unchanged():
    assert written(datetime(2026, 12, 17, 14, 5), "%a %-d %b %Y, %H:%M") == "Thu 17 Dec 2026, 14:05"

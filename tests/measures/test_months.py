"""Months are the organisation's local months: evidence late on the last evening of May in summer is June's."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from core.measures.months import add_months, month_of, months_between

LONDON = ZoneInfo("Europe/London")


def test_a_moment_falls_in_its_local_month():
    assert month_of(datetime(2026, 5, 31, 23, 30, tzinfo=UTC), LONDON) == date(2026, 6, 1)  # 00:30 BST, 1 June
    assert month_of(datetime(2026, 1, 31, 23, 30, tzinfo=UTC), LONDON) == date(2026, 1, 1)  # GMT: still January
    assert month_of(datetime(2026, 6, 15, 12, tzinfo=UTC), LONDON) == date(2026, 6, 1)
    assert month_of(datetime(2026, 10, 31, 23, 59, tzinfo=UTC), LONDON) == date(2026, 10, 1)  # GMT again
    assert month_of(date(2026, 9, 14), LONDON) == date(2026, 9, 1)


def test_a_moment_given_in_another_zone_is_first_put_in_the_organisations():
    # 00:30 on 2 June at +14:00 is 10:30 UTC on 1 June: 23:30 on 31 May in Pago Pago (-11:00), 11:30 1 June in London
    far_east = datetime(2026, 6, 2, 0, 30, tzinfo=ZoneInfo("Pacific/Kiritimati"))
    assert month_of(far_east, ZoneInfo("Pacific/Pago_Pago")) == date(2026, 5, 1)
    assert month_of(far_east, LONDON) == date(2026, 6, 1)


def test_every_quarter_hour_around_each_london_month_end_is_in_its_local_month():
    # Ten years of month ends, the clocks' changes among them (last Sunday of October can be the 31st: 2021's was)
    for month in months_between(date(2020, 1, 1), date(2030, 12, 1)):
        start = datetime(month.year, month.month, month.day, tzinfo=UTC) - timedelta(days=2)
        for quarter in range(4 * 24 * 4):
            when = start + timedelta(minutes=15 * quarter)
            assert month_of(when, LONDON) == when.astimezone(LONDON).date().replace(day=1), when


@settings(max_examples=300, deadline=None)
@given(
    when=st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2199, 12, 30), timezones=st.timezones()),
    tz=st.one_of(st.just(LONDON), st.timezones()),
)
def test_the_month_is_the_local_date_s_month_for_any_moment_and_zone(when, tz):
    assert month_of(when, tz) == when.astimezone(tz).date().replace(day=1)


@given(st.dates())
def test_a_date_is_already_local(day):
    assert month_of(day, LONDON) == day.replace(day=1)


def test_runs_of_months():
    assert add_months(date(2026, 11, 1), -11) == date(2025, 12, 1)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert months_between(date(2026, 11, 1), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]

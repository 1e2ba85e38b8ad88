"""Staff supported by QI clinics: the admin card's two figures, through the one suppression function, attacked."""

from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from core.clinics.model import Attendance
from core.clinics.reports import staff_supported, supported_figures
from core.kernel.contacts import record_contact
from core.kernel.suppression import footnote
from tests.clinics.data import add_booking, add_session_to
from tests.dialogs.harness import Chat, card_text, only_card
from tests.fakes import FakeUnitOfWork, teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)  # the transcripts' clock
THIS_MONTH = datetime(2026, 11, 20, 12, tzinfo=UTC)
EARLIER = datetime(2026, 5, 12, 12, tzinfo=UTC)
GRID = range(0, 16)  # people this month, and people who came only earlier in the 12 months


async def attended(uow, people: range, starts_at: datetime, *, mark=Attendance.ATTENDED) -> None:
    session = add_session_to(uow, starts_at=starts_at, capacity=len(people))
    for n in people:
        user = (await record_contact(uow, address=teams_address(n), now=NOW)).user
        booking = await add_booking(uow, session_id=session.id, user_id=user.id, now=starts_at)
        await uow.clinics.set_attendance(booking.id, mark, now=starts_at)


def card(this_month: int, earlier_only: int) -> tuple[str, str]:
    month, year = supported_figures(this_month, this_month + earlier_only)
    return month.text, year.text


def test_figures_of_five_or_more_that_differ_by_five_or_more_are_shown():
    assert card(6, 7) == ("6", "13")
    assert card(0, 0) == ("0", "0")
    assert card(5, 0) == ("5", "5")  # nobody came only earlier: zero is no one


def test_a_small_figure_is_hidden_with_its_partner_so_the_difference_cannot_be_worked_out():
    assert card(3, 7) == ("[c]", "10")  # 3 this month: hidden, and the 7 earlier are not shown
    assert card(2, 1) == ("[c]", "[c]")  # 3 in the year is small too
    assert card(0, 3) == ("0", "[c]")


def test_the_subtraction_attack_is_blocked():
    # 6 this month and 7 in the year would say one person came only earlier in the year.
    month, year = card(6, 1)
    assert (month, year) == ("[c]", "7")


def test_no_card_lets_a_reader_subtract_or_search_out_a_small_group():
    """For every true pair, the reader sees the card and knows the rule. Each small group (this month, only
    earlier, the year) must still have more than one possible size among the pairs that give the same card."""
    cards: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for m, e in product(GRID, GRID):
        cards.setdefault(card(m, e), []).append((m, e))
    for (month, year), pairs in cards.items():
        if month.isdigit() and year.isdigit():
            assert int(year) - int(month) == 0 or int(year) - int(month) >= 5, (month, year)
        for m, e in pairs:
            inner = m < GRID[-1] and e < GRID[-1]  # at the grid's edge a search would stop for lack of pairs
            for size, of in ((m, lambda p: p[0]), (e, lambda p: p[1]), (m + e, lambda p: p[0] + p[1])):
                if 0 < size < 5 and inner:
                    assert len({of(p) for p in pairs}) > 1, f"card {(month, year)} pins down a group of {size}"


def test_nested_figures_are_checked():
    with pytest.raises(ValueError):
        supported_figures(3, 2)


async def test_the_service_counts_distinct_people_who_attended_this_month_and_in_the_last_12(content):
    uow = FakeUnitOfWork()
    await attended(uow, range(1, 7), THIS_MONTH)  # 6 people this month
    await attended(uow, range(1, 3), EARLIER)  # two of them came earlier too: still 6 people
    await attended(uow, range(7, 14), EARLIER)  # 7 more, only earlier
    await attended(uow, range(14, 20), THIS_MONTH, mark=Attendance.NO_SHOW)  # did not come: not supported
    await attended(uow, range(20, 30), NOW - timedelta(days=400))  # over a year ago
    supported = await staff_supported(uow, content=content, now=NOW)
    assert (supported.month_start.isoformat(), supported.this_month.text, supported.last_12_months.text) == (
        "2026-11-01",
        "6",
        "13",
    )
    assert supported.footnote is None


async def test_the_admin_card_hides_the_figure_a_subtraction_would_give_away(content):
    admin = Chat(content, admins=frozenset({"aad-100"}), n=100)
    await attended(admin.uow, range(1, 7), THIS_MONTH)
    await attended(admin.uow, range(7, 8), EARLIER)  # one person came only earlier: 7 - 6 would show them
    text = card_text(only_card(await admin.say("admin")))
    assert "Since 1 November\n[c]" in text and "Last 12 months\n7" in text
    assert "\n6\n" not in text and footnote() in text
    await attended(admin.uow, range(8, 13), EARLIER)  # five more: 6 and 12 are safe to show
    text = card_text(only_card(await admin.say("admin")))
    assert "Since 1 November\n6" in text and "Last 12 months\n12" in text and footnote() not in text

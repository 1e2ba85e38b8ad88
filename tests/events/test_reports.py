"""What admins see: places and waitlists, attendance by site and staff group with small groups hidden (and not
recoverable by subtraction), abstracts by site and division, and the attendee list for the exports."""

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.events import reports
from core.events.model import Mark, RegistrationStatus
from core.kernel.errors import NotAllowed
from core.kernel.model import Role
from core.kernel.suppression import HIDDEN
from tests.events.data import add_event, person
from tests.fakes import FakeUnitOfWork
from tests.kernel.test_suppression import assert_no_small_shown, assert_safe, breakdown_view

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def attended_event(uow, people, *, days_ago=10):
    event_id = await add_event(uow, starts_at=NOW - timedelta(days=days_ago), capacity=200)
    event = await uow.events.get_event(event_id)
    for user in people:
        registration = await uow.events.add_registration(
            event_id=event_id, user_id=user.id, status=RegistrationStatus.CONFIRMED, answers={}, now=NOW
        )
        await uow.events.set_mark(registration.id, event.dates[0].id, Mark.ATTENDED, method="register", now=NOW)
    return event_id


async def admin(uow):
    user = await person(uow, 900, now=NOW, site="community")
    return replace(user, roles=user.roles | {Role.ADMIN})


async def test_attendance_by_site_and_staff_group_hides_small_groups_against_subtraction(uow, content):
    n = itertools.count(1)
    people = [await person(uow, next(n), now=NOW, site="basildon", group="ahp") for _ in range(7)]
    people += [await person(uow, next(n), now=NOW, site="southend", group="ahp") for _ in range(6)]
    people += [await person(uow, next(n), now=NOW, site="broomfield", group="medical_dental") for _ in range(2)]
    event_id = await attended_event(uow, people)
    for user in people[:9]:
        await uow.events.add_training(
            user_id=user.id, event_id=event_id, course="fundamentals", completed_on=NOW.date(), now=NOW
        )
    report = await reports.events_report(uow, user=await admin(uow), content=content, now=NOW)
    site, group, course = (report.attended[k] for k in ("site", "staff_group", "course"))
    assert site.total.text == "15" and report.footnote
    assert site.cells["broomfield"].text == HIDDEN  # 2 people
    # The subtraction attack and the exhaustive search on the report's real output (the three breakdowns share
    # their total): no hidden group is pinned down, and no small group is shown.
    assert_safe(breakdown_view(report.attended), cap=40)
    for breakdown in (site, group, course):
        assert_no_small_shown([*breakdown.cells.values(), breakdown.total])
    assert group.cells["medical_dental"].text == HIDDEN and group.cells["ahp"].text == HIDDEN
    assert course.cells["completed"].text == "9"


async def test_places_and_waitlists_and_abstracts_by_site_and_division(uow, content):
    event_id = await add_event(uow, starts_at=NOW + timedelta(days=20), capacity=1)
    a, b = await person(uow, 1, now=NOW), await person(uow, 2, now=NOW)
    await uow.events.take_seat(event_id)
    await uow.events.add_registration(
        event_id=event_id, user_id=a.id, status=RegistrationStatus.CONFIRMED, answers={}, now=NOW
    )
    await uow.events.add_registration(
        event_id=event_id, user_id=b.id, status=RegistrationStatus.WAITLISTED, answers={}, now=NOW
    )
    report = await reports.events_report(uow, user=await admin(uow), content=content, now=NOW)
    [places] = report.places
    assert (places.event.id, places.confirmed, places.waiting) == (event_id, 1, 1)
    with pytest.raises(NotAllowed):
        await reports.events_report(uow, user=a, content=content, now=NOW)


async def test_the_attendee_list_has_the_answers_and_attendance_for_admins_only(uow, content):
    user = await person(uow, 1, now=NOW)
    event_id = await add_event(uow, starts_at=NOW - timedelta(days=1), capacity=5)
    event = await uow.events.get_event(event_id)
    registration = await uow.events.add_registration(
        event_id=event_id,
        user_id=user.id,
        status=RegistrationStatus.CONFIRMED,
        answers={"dietary": "Vegan", "manager_agreement": "yes"},
        now=NOW,
    )
    await uow.events.set_mark(registration.id, event.dates[0].id, Mark.NO_SHOW, method="register", now=NOW)
    table = await reports.attendee_list(uow, user=await admin(uow), event_id=event_id, content=content)
    assert table.header[:5] == ["Name", "Site", "Staff group", "Place", "Dietary needs (optional)"]
    assert table.rows == [
        ["User 1", "Basildon University Hospital", "Allied health professionals", "booked", "Vegan", "", "yes",
         "did not attend"]
    ]  # fmt: skip
    with pytest.raises(NotAllowed):
        await reports.attendee_list(uow, user=user, event_id=event_id, content=content)

"""What admins see of events: places taken and waitlists, attendance by site and staff group, abstracts by site
and division, and the attendee list of one event (with dietary and access needs) for the exports.

Attendance is a count of people, so it goes through core.kernel.suppression: the site and staff group breakdowns
and "completed a course" are breakdowns of the same people with one shared total, suppressed together, so no
hidden group can be worked out by subtraction. Abstracts are counted per project, not per person, and the day
shows them publicly, so their counts are shown as they are."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.events.model import AbstractStatus, Event, EventKind, Mark, RegistrationStatus
from core.events.services import get_event, require_admin, template_of, waiting_list
from core.kernel import suppression
from core.kernel.content import Content
from core.kernel.dates import written
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.kernel.suppression import Breakdown

NOT_SET = "not set"
PERIOD = timedelta(days=365)


@dataclass(frozen=True)
class Places:
    event: Event
    confirmed: int
    waiting: int


@dataclass(frozen=True)
class EventsReport:
    places: list[Places]  # upcoming events
    attended: dict[str, Breakdown]  # "site", "staff_group", "course" (completed / not), one shared total
    abstracts: dict[tuple[str, str], int]  # (site, division) -> submitted abstracts, this year's celebration days
    footnote: str | None


async def events_report(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> EventsReport:
    require_admin(user)
    end = now + timedelta(days=31 * content.events.rules.months_shown)
    places = []
    for event in await uow.events.list_events(start=now, end=end):
        waiting = len(await waiting_list(uow, event.id))
        places.append(Places(event, confirmed=event.seats_taken, waiting=waiting))
    people: dict[int, tuple[str, str]] = {}
    abstracts: Counter[tuple[str, str]] = Counter()
    # only events that are over: the figures do not move while one is running
    past = [e for e in await uow.events.list_events(start=now - PERIOD, end=now) if e.ends_at <= now]
    ids = [e.id for e in past]
    # Marks, registrations and training of every past event in three queries, not three per event (issue 16).
    attended = await uow.events.attended_registrations(ids)
    confirmed = await uow.events.registrations_of(ids, statuses=(RegistrationStatus.CONFIRMED,))
    trained = await uow.events.trained_at_events(ids)
    for registration in confirmed:
        if registration.id in attended:
            people[registration.user_id] = (registration.user_site or NOT_SET, registration.user_staff_group or NOT_SET)
    completed = {r.user_id for r in confirmed if (r.event_id, r.user_id) in trained}
    for event in past:
        if event.kind == EventKind.CELEBRATION:
            for abstract in await uow.events.event_abstracts(event.id, status=AbstractStatus.SUBMITTED):
                abstracts[(abstract.site or NOT_SET, abstract.division or NOT_SET)] += 1
    for event in await uow.events.list_events(start=now, end=end):
        if event.kind == EventKind.CELEBRATION:
            for abstract in await uow.events.event_abstracts(event.id, status=AbstractStatus.SUBMITTED):
                abstracts[(abstract.site or NOT_SET, abstract.division or NOT_SET)] += 1
    attended = attendance_breakdowns(people, completed & set(people))
    hidden = any(cell.suppressed for b in attended.values() for cell in [*b.cells.values(), b.total])
    return EventsReport(places, attended, dict(abstracts), suppression.footnote() if hidden else None)


def attendance_breakdowns(people: dict[int, tuple[str, str]], completed: set[int]) -> dict[str, Breakdown]:
    """People who attended, by site and by staff group, and how many of them completed a course: three
    breakdowns of the same people, suppressed together against their one total."""
    return suppression.suppress_breakdowns(
        {
            "site": Counter(site for site, _ in people.values()),
            "staff_group": Counter(group for _, group in people.values()),
            "course": {"completed": len(completed), "not completed": len(people) - len(completed)},
        },
        total=len(people),
    )


@dataclass(frozen=True)
class AttendeeList:
    event: Event
    header: list[str]
    rows: list[list[str]]


async def attendee_list(uow: UnitOfWork, *, user: User, event_id: int, content: Content) -> AttendeeList:
    """Everyone booked or waiting, with their answers (dietary, access, manager's agreement) and attendance per
    date: for the admins' CSV and XLSX exports only."""
    require_admin(user)
    event = await get_event(uow, event_id)
    org = content.organisation
    questions = content.events.questions_for(template_of(event, content))
    marks = {(m.registration_id, m.date_id): m.mark for m in await uow.events.marks(event.id)}
    header = ["Name", "Site", "Staff group", "Place", *(q.label for q in questions)]
    tz = content.organisation.timezone
    header += [f"Date {d.position}: {written(d.starts_at.astimezone(tz), '%-d %b %Y')}" for d in event.dates]
    rows = []
    waiting = 0
    for registration in await uow.events.event_registrations(event.id):
        waiting += registration.status == RegistrationStatus.WAITLISTED
        row = [
            registration.user_name or "",
            org.label("sites", registration.user_site),
            org.label("staff_groups", registration.user_staff_group),
            "booked" if registration.status == RegistrationStatus.CONFIRMED else f"waiting ({waiting})",
            *(registration.answers.get(q.id, "") for q in questions),
        ]
        for when in event.dates:
            mark = marks.get((registration.id, when.id))
            row.append({Mark.ATTENDED: "attended", Mark.NO_SHOW: "did not attend"}.get(mark, ""))
        rows.append(row)
    return AttendeeList(event, header, rows)


async def log_export(uow: UnitOfWork, *, user: User, event_id: int, kind: str, now: datetime) -> None:
    """Who downloaded an event's attendee list, and when (ids only: no names in logs)."""
    await uow.events.log_export(user_id=user.id, event_id=event_id, kind=kind, now=now)

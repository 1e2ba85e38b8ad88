"""Attendance: the facilitator's register for each date, QR check-in at the venue, and completing a course
(training attended, dated; the profile's QI experience; the certificate). Also the answers to the interim feedback
card (the surveys' feedback instrument replaced it; cards already sent still record their answers).

QR check-in: the facilitator's screen shows a QR code of a Teams deep link to the bot,
`https://teams.microsoft.com/l/chat/0/0?users=<bot id>&message=checkin%20<token>`. Scanning it opens the chat
with the bot with "checkin <token>" typed; sending it checks the person in. The token is signed with the
server's link secret (itsdangerous, through `Links.token`, salted for check-in only), names the date and its
event, and expires after content/events.yaml's `checkin_code_minutes` (never after the date ends); the
facilitator's page renews it. A forged, altered, expired or other page's token is refused, and so is a valid one
for an event the person is not booked on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from urllib.parse import quote

from core.events import hooks
from core.events.commands import FeedbackAnswers, InvalidAnswer
from core.events.model import (
    AttendanceMark,
    CheckIn,
    Event,
    EventDate,
    EventKind,
    Mark,
    RegisterRow,
    RegisterSheet,
    Registration,
    RegistrationStatus,
)
from core.events.ports import EventMessages
from core.events.services import (
    CONFIRMED,
    MAX_COMMENT,
    UPDATES,
    clean_answer,
    fire,
    get_event,
    registration_key,
    require_manager,
    template_of,
)
from core.kernel.content import Content
from core.kernel.dates import written
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.nudges import notify
from core.kernel.pages import Page, PageError, PageRequest, PageResult
from core.kernel.ports import Links, UnitOfWork
from core.profile.services import save_profile

CHECKIN_WORD = "checkin"
INVALID_CODE = "That check-in code is not valid or has expired. Please scan the code on the screen again."


async def _not_served(request: PageRequest) -> PageResult:
    raise PageError(404, "Not a page.")


# The signing namespace of check-in tokens (its name is their salt). Not served: the token travels in a chat
# message, not a URL of ours. Claims: d = the date's id, v = its event's id.
CHECKIN_TOKEN = Page("events.checkin", "/events/checkin/{token}", _not_served, claims=("d", "v"))


def _date(event: Event, date_id: int) -> EventDate:
    when = event.date(date_id)
    if when is None:
        raise NotFound("That date is not part of this event.")
    return when


# --- the register ----------------------------------------------------------------------------------------------


async def register_sheet(
    uow: UnitOfWork, *, user: User, event_id: int, date_id: int, content: Content, now: datetime
) -> RegisterSheet:
    require_manager(user)
    event = await get_event(uow, event_id)
    when = _date(event, date_id)
    confirmed = await uow.events.event_registrations(event.id, statuses=CONFIRMED)
    marks = {m.registration_id: m for m in await uow.events.marks(event.id) if m.date_id == when.id}
    opens = when.starts_at - content.events.rules.checkin_opens_before
    return RegisterSheet(
        event,
        when,
        [RegisterRow(r, marks.get(r.id)) for r in confirmed],
        can_mark=now >= when.starts_at,
        checkin_open=opens <= now < when.ends_at and not event.cancelled,
    )


async def record_register(
    uow: UnitOfWork,
    *,
    user: User,
    event_id: int,
    date_id: int,
    marks: Mapping[int, Mark],
    content: Content,
    messages: EventMessages,
    now: datetime,
) -> RegisterSheet:
    """The facilitator marks each confirmed person attended or not, for one date."""
    sheet = await register_sheet(uow, user=user, event_id=event_id, date_id=date_id, content=content, now=now)
    if not sheet.can_mark:
        raise InvalidInput("The register can be marked once the date has started.")
    rows = {row.registration.id: row for row in sheet.rows}
    if set(marks) - set(rows):
        raise InvalidInput("Some of those people are no longer booked on this event; please refresh the register.")
    for registration_id, mark in marks.items():
        before = rows[registration_id].mark
        if before is not None and before.mark == mark:
            continue
        await uow.events.set_mark(registration_id, sheet.date.id, Mark(mark), method="register", now=now)
        await _after_mark(uow, sheet.event, sheet.date, rows[registration_id].registration, content, messages, now)
    return await register_sheet(uow, user=user, event_id=event_id, date_id=date_id, content=content, now=now)


# --- QR check-in -----------------------------------------------------------------------------------------------


async def checkin_link(
    uow: UnitOfWork, *, user: User, event_id: int, date_id: int, links: Links, content: Content, now: datetime
) -> tuple[str, datetime]:
    """The deep link the facilitator's QR code shows, and when its token expires."""
    require_manager(user)
    event = await get_event(uow, event_id)
    when = _date(event, date_id)
    opens = when.starts_at - content.events.rules.checkin_opens_before
    if not opens <= now < when.ends_at or event.cancelled:
        local = opens.astimezone(content.organisation.timezone)
        opening = written(local, "%H:%M on %a %-d %b")
        raise InvalidInput(f"Check-in is open from {opening} until the date ends.")
    address = await uow.addresses.personal(user.id)
    if address is None:
        raise InvalidInput("Open a one-to-one chat with QI Companion first, so the code can point to it.")
    expires_at = min(now + content.events.rules.checkin_code_lifetime, when.ends_at)
    token = links.token(CHECKIN_TOKEN, {"d": when.id, "v": event.id}, expires_at=expires_at)
    bot = address.address.bot_id if address.address.bot_id.startswith("28:") else f"28:{address.address.bot_id}"
    message = quote(f"{CHECKIN_WORD} {token}")
    return f"https://teams.microsoft.com/l/chat/0/0?users={quote(bot, safe=':')}&message={message}", expires_at


def token_in(text: str) -> str | None:
    """The token of a "checkin <token>" message (Teams may keep the word and token in any case of spacing)."""
    words = text.split()
    if len(words) >= 2 and words[0].lower() == CHECKIN_WORD:
        return words[1]
    return None


async def check_in(
    uow: UnitOfWork,
    *,
    user: User,
    token: str | None,
    links: Links,
    content: Content,
    messages: EventMessages,
    now: datetime,
) -> CheckIn:
    claims = links.read(CHECKIN_TOKEN, token, now=now) if token else None
    if claims is None:
        raise InvalidInput(INVALID_CODE)
    event = await uow.events.get_event(claims["v"])
    when = event.date(claims["d"]) if event else None
    if event is None or when is None or event.cancelled:
        raise InvalidInput(INVALID_CODE)
    registration = await uow.events.active_registration(event.id, user.id)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        raise NotAllowed(f"You do not have a confirmed place on {event.title}, so I cannot check you in.")
    if now >= when.ends_at:
        raise InvalidInput(INVALID_CODE)
    mine = next(
        (m for m in await uow.events.marks(event.id) if m.registration_id == registration.id and m.date_id == when.id),
        None,
    )
    if mine is not None and mine.mark == Mark.ATTENDED:
        return CheckIn(event, when, already=True, completed=False)
    await uow.events.set_mark(registration.id, when.id, Mark.ATTENDED, method="qr", now=now)
    completed = await _after_mark(uow, event, when, registration, content, messages, now)
    return CheckIn(event, when, already=False, completed=completed)


# --- completion ----------------------------------------------------------------------------------------------


def _attended(marks: list[AttendanceMark], registration: Registration) -> set[int]:
    return {m.date_id for m in marks if m.registration_id == registration.id and m.mark == Mark.ATTENDED}


async def _after_mark(
    uow: UnitOfWork,
    event: Event,
    changed: EventDate,
    registration: Registration,
    content: Content,
    messages: EventMessages,
    now: datetime,
) -> bool:
    """After one person's mark for the date `changed` changed: the first-date hook (when that mark became
    attended), and a course completed (or, after a correction, no longer completed). True when this mark
    completed the course."""
    attended = _attended(await uow.events.marks(event.id), registration)
    if changed.position == 1 and changed.id in attended:
        await fire(uow, hooks.ATTENDED_FIRST_DATE, event, registration, now)
    if event.kind != EventKind.COURSE:
        return False
    if attended >= {d.id for d in event.dates}:
        return await _completed(uow, event, registration, content, messages, now)
    await uow.events.remove_training(user_id=registration.user_id, event_id=event.id)
    return False


def completed_on(event: Event, content: Content) -> date:
    return event.ends_at.astimezone(content.organisation.timezone).date()


async def _completed(
    uow: UnitOfWork, event: Event, registration: Registration, content: Content, messages: EventMessages, now
) -> bool:
    template = template_of(event, content)
    day = completed_on(event, content)
    if not await uow.events.add_training(
        user_id=registration.user_id, event_id=event.id, course=template.id, completed_on=day, now=now
    ):
        return False
    person = await uow.users.get(registration.user_id)
    assert person is not None
    person = await raise_experience(uow, person, template.awards_experience, content, now)
    await notify(
        uow,
        content,
        user_id=person.id,
        category=UPDATES,
        message=messages.certificate(event, person, day),
        key=f"{registration_key(registration.id)}certificate",
        now=now,
    )
    await fire(uow, hooks.COMPLETED, event, registration, now)
    return True


async def raise_experience(uow: UnitOfWork, person: User, level: str | None, content: Content, now) -> User:
    """The profile's QI experience moves up to `level` (never down: a coach who takes Fundamentals stays a coach),
    through the profile service. Someone who has not set up their profile keeps it empty."""
    org = content.organisation
    ranks = [choice.id for choice in org.experience_levels]
    if level not in ranks or not (
        org.is_valid("sites", person.site) and org.is_valid("staff_groups", person.staff_group)
    ):
        return person
    current = ranks.index(person.experience) if person.experience in ranks else -1
    if ranks.index(level) <= current:
        return person
    return await save_profile(
        uow,
        user_id=person.id,
        site=person.site,
        staff_group=person.staff_group,
        experience=level,
        organisation=org,
        now=now,
    )


# --- feedback cards already sent ------------------------------------------------------------------------------
# After an event, the surveys capability now sends its feedback instrument (bot/hooks.py wires the events' hooks
# to its triggers); the two-question card is no longer sent, but the cards already in people's chats still work.


async def record_feedback(uow: UnitOfWork, *, user: User, answers: FeedbackAnswers, now: datetime) -> bool:
    """True if stored; False if this registration's feedback was already given (an old card changes nothing)."""
    registration = await uow.events.get_registration(answers.registration_id)
    if registration is None or registration.user_id != user.id:
        raise NotAllowed("That feedback card is not yours.")
    if not _attended(await uow.events.marks(registration.event_id), registration):
        raise InvalidInput("Feedback is for events you attended.")
    if answers.rating is None or not 1 <= answers.rating <= 5:
        raise InvalidAnswer("rating", "Please rate the event from 1 to 5.")
    comment = clean_answer("comment", answers.comment, MAX_COMMENT, "your comment")
    return await uow.events.add_feedback(registration.id, rating=answers.rating, comment=comment, now=now)

"""A facilitator sets up a set: its details (a draft), its members chosen by name, then creating it, which makes
its meetings, picks the first presenter and tells every member with the dates."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import PersonMatch, Role, User
from core.kernel.nudges import notify
from core.kernel.people import find_people
from core.kernel.ports import UnitOfWork
from core.profile.services import line_pairs
from core.sets.commands import InvalidAnswer, SetDetails
from core.sets.model import ActionSet, Draft, Pattern, SetStatus
from core.sets.ports import SetMessages
from core.sets.schedule import meeting_times
from core.sets.services import (
    MAX_COHORT,
    MAX_NAME,
    MAX_URL,
    MAX_VENUE,
    UPDATES,
    clean_answer,
    ensure_presenter,
    get_set,
    require_facilitator,
)

SEARCH_LIMIT = 8


def _require_role(user: User) -> None:
    if not user.has_role(Role.FACILITATOR):
        raise NotAllowed("Only a QI facilitator can set up an action learning set.")


def check_details(details: SetDetails, content: Content, now: datetime) -> tuple[str, str | None, str | None, Pattern]:
    """The details as the set will keep them, or InvalidAnswer naming the first field that is wrong."""
    rules, org = content.sets.rules, content.organisation
    name = clean_answer("name", details.name, MAX_NAME, "the set's name", required=True)
    if details.site is not None and not org.is_valid("sites", details.site):
        raise InvalidAnswer("site", "Please choose a site, or cross-site.")
    cohort = clean_answer("cohort", details.cohort, MAX_COHORT, "the training cohort")
    weeks = details.every_weeks
    if weeks is None or not rules.min_weeks_between <= weeks <= rules.max_weeks_between:
        raise InvalidAnswer(
            "every_weeks",
            f"Sets meet every {rules.min_weeks_between} to {rules.max_weeks_between} weeks: please choose one.",
        )
    count = details.meetings
    if count is None or not rules.min_meetings <= count <= rules.max_meetings:
        raise InvalidAnswer(
            "meetings", f"Please plan {rules.min_meetings} to {rules.max_meetings} meetings (at least 4 work best)."
        )
    if details.first_date is None:
        raise InvalidAnswer("first_date", "Please choose the date of the first meeting.")
    if details.local_time is None:
        raise InvalidAnswer("local_time", "Please choose the time meetings start.")
    tz = content.organisation.timezone
    (first_start, _), *_ = meeting_times(details.first_date, details.local_time, weeks, 1, rules.meeting_minutes, tz)
    if first_start <= now:
        raise InvalidAnswer("first_date", "The first meeting must be in the future.")
    venue = clean_answer("venue", details.venue, MAX_VENUE, "the place")
    url = clean_answer("online_url", details.online_url, MAX_URL, "the online link")
    if url is not None and (not url.startswith("https://") or " " in url):
        raise InvalidAnswer("online_url", "Please paste the online meeting link, starting https://.")
    if venue is None and url is None:
        raise InvalidAnswer("venue", "Please say where the set meets: a place, an online link, or both.")
    assert name is not None  # required
    return name, details.site, cohort, Pattern(weeks, details.first_date, details.local_time, count, venue, url)


async def _draft_view(uow: UnitOfWork, found: ActionSet, content: Content) -> Draft:
    rules = content.sets.rules
    return Draft(found, await uow.sets.members(found.id), rules.min_members, rules.max_members)


async def current_draft(uow: UnitOfWork, *, user: User, content: Content) -> Draft | None:
    """The facilitator's unfinished set, if any (`new set` resumes it)."""
    _require_role(user)
    draft = await uow.sets.draft_of(user.id)
    return await _draft_view(uow, draft, content) if draft else None


async def _own_draft(uow: UnitOfWork, user: User, set_id: int, *, lock: bool = False) -> ActionSet:
    _require_role(user)
    found = await require_facilitator(uow, user, set_id, lock=lock)
    if found.status != SetStatus.DRAFT:
        raise InvalidInput("This set has already been created: see **my sets**.")
    return found


async def save_details(
    uow: UnitOfWork, *, user: User, set_id: int | None, details: SetDetails, content: Content, now: datetime
) -> Draft:
    """Step one: a new draft (set_id None) or the same draft changed."""
    _require_role(user)
    name, site, cohort, pattern = check_details(details, content, now)
    if set_id is None:
        await uow.users.lock(user.id)  # one draft per facilitator, even from two windows at once
        existing = await uow.sets.draft_of(user.id)
        set_id = existing.id if existing else None
    if set_id is None:
        created = await uow.sets.create_draft(
            facilitator_id=user.id,
            name=name,
            site=site,
            cohort=cohort,
            pattern=pattern,
            minutes=content.sets.rules.meeting_minutes,
            now=now,
        )
        return await _draft_view(uow, created, content)
    await _own_draft(uow, user, set_id)
    await uow.sets.update_draft(set_id, name=name, site=site, cohort=cohort, pattern=pattern, now=now)
    return await _draft_view(uow, await get_set(uow, set_id), content)


async def draft(uow: UnitOfWork, *, user: User, set_id: int, content: Content) -> Draft:
    return await _draft_view(uow, await _own_draft(uow, user, set_id), content)


async def set_members(uow: UnitOfWork, *, user: User, set_id: int, content: Content) -> Draft:
    """The members card of a draft or running set, for its facilitator."""
    return await _draft_view(uow, await require_facilitator(uow, user, set_id), content)


async def search_people(
    uow: UnitOfWork, *, user: User, set_id: int, text: object, content: Content
) -> tuple[Draft, list[PersonMatch]]:
    """People who use the bot, by name, for the set's facilitator (name and site only)."""
    found = await require_facilitator(uow, user, set_id)
    view = await _draft_view(uow, found, content)
    matches = await find_people(uow, text=text, limit=SEARCH_LIMIT + 1)
    return view, [m for m in matches if m.id != user.id][:SEARCH_LIMIT]


async def add_member(
    uow: UnitOfWork,
    *,
    user: User,
    set_id: int,
    member_id: int,
    content: Content,
    messages: SetMessages,
    now: datetime,
) -> Draft:
    """Add one person (to a draft, or to a running set, who is then told with the dates)."""
    rules = content.sets.rules
    found = await require_facilitator(uow, user, set_id, lock=True)
    person = await uow.users.get(member_id)
    if person is None:
        raise NotFound("That person is no longer known to the bot.")
    if person.id == found.facilitator_id:
        raise InvalidInput("You facilitate this set, so you are already part of it.")
    members = await uow.sets.members(set_id)
    if any(m.user_id == person.id for m in members):
        raise InvalidInput(f"{person.name or 'That person'} is already in this set.")
    if len(members) >= rules.max_members:
        raise InvalidInput(f"A set has at most {rules.max_members} members, and this one is full.")
    await _refuse_line_managers(uow, found, [m.user_id for m in members], adding=person.id)
    if not await uow.sets.add_member(set_id, person.id, now=now):
        raise InvalidInput(f"{person.name or 'That person'} is already in this set.")
    if found.active:
        meetings = [m for m in await uow.sets.meetings(set_id) if m.starts_at > now]
        await notify(
            uow,
            content,
            user_id=person.id,
            category=UPDATES,
            message=messages.added(found, meetings),
            key=f"set:{set_id}:added:{person.id}:{now.isoformat()}",
            now=now,
        )
    return await _draft_view(uow, found, content)


async def _refuse_line_managers(uow: UnitOfWork, found: ActionSet, members: list[int], *, adding=None) -> None:
    """A set keeps a member and their line manager apart (facilitator included), so people can speak freely about
    their work: line managers are as each person gave them in their profile."""
    group = {found.facilitator_id, *members} | ({adding} if adding is not None else set())
    for person_id, manager_id in await line_pairs(uow, group):
        if adding is not None and adding not in (person_id, manager_id):
            continue  # an older pair (declared after both joined) is caught when the set is created
        person, manager = await uow.users.get(person_id), await uow.users.get(manager_id)
        raise InvalidInput(
            f"{(manager.name if manager else None) or 'Someone in this set'} is the line manager of "
            f"{(person.name if person else None) or 'a member'}. A set keeps people and their line managers apart, "
            "so everyone can talk freely: please choose someone else."
        )


async def remove_member(uow: UnitOfWork, *, user: User, set_id: int, member_id: int, content: Content) -> Draft:
    """Take someone off a draft (before anyone is told); a running set's members leave themselves."""
    found = await _own_draft(uow, user, set_id)
    await uow.sets.remove_member(set_id, member_id)
    return await _draft_view(uow, found, content)


async def create_set(
    uow: UnitOfWork, *, user: User, set_id: int, content: Content, messages: SetMessages, now: datetime
) -> tuple[ActionSet, bool]:
    """Make the draft a running set: its meetings, the first presenter, and every member told with the dates.
    (set, created): created is False when it had already been created (a second press changes nothing)."""
    rules = content.sets.rules
    _require_role(user)
    found = await require_facilitator(uow, user, set_id, lock=True)
    if found.active:
        return found, False
    members = await uow.sets.members(set_id)
    if not rules.min_members <= len(members) <= rules.max_members:
        raise InvalidInput(
            f"A set needs {rules.min_members} to {rules.max_members} members; this one has {len(members)}."
        )
    await _refuse_line_managers(uow, found, [m.user_id for m in members])
    pattern = found.pattern
    times = meeting_times(
        pattern.first_date,
        pattern.local_time,
        pattern.every_weeks,
        pattern.meetings,
        found.minutes,
        content.organisation.timezone,
    )
    if times[0][0] <= now:
        raise InvalidInput("The first meeting is now in the past: please change the set's details.")
    if not await uow.sets.activate(set_id, now=now):
        return await get_set(uow, set_id), False
    await uow.sets.add_meetings(set_id, times, now=now)
    meetings = await uow.sets.meetings(set_id)
    await ensure_presenter(uow, meetings[0], now=now)
    created = await get_set(uow, set_id)
    meetings = await uow.sets.meetings(set_id)
    for member in members:
        await notify(
            uow,
            content,
            user_id=member.user_id,
            category=UPDATES,
            message=messages.added(created, meetings),
            key=f"set:{set_id}:added:{member.user_id}",
            now=now,
        )
    return created, True

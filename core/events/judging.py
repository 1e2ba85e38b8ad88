"""Judging the celebration day and the people's choice: admins assign judges; a judge scores the rubric of
content/events.yaml for each abstract they may judge (never one from their own site's team or their own project:
checked here, on the server); nobody sees another judge's scores; results are means with the number of judges,
shown once every score is in. Attendees vote once for a poster, changeable until voting closes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from statistics import fmean

from core.events.commands import Conflicted, InvalidAnswer, ScoreSheet
from core.events.model import (
    Abstract,
    AbstractResult,
    AbstractStatus,
    Event,
    EventKind,
    Format,
    JudgeItem,
    Person,
    RegistrationStatus,
    Results,
)
from core.events.ports import EventMessages
from core.events.services import (
    CONFIRMED,
    MAX_COMMENT,
    NEWS,
    UPDATES,
    clean_answer,
    get_event,
    require_admin,
)
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.projects.services import get_project

_DAY = timedelta(days=1)


def _celebration(event: Event) -> None:
    if event.kind != EventKind.CELEBRATION:
        raise InvalidInput("Judging and voting are for the celebration day.")


# --- judges ------------------------------------------------------------------------------------------------------


async def judge_candidates(uow: UnitOfWork, *, user: User, event_id: int) -> tuple[Event, list[Person], set[int]]:
    """Who may be a judge (coaches, faculty, admins) and who already is."""
    require_admin(user)
    event = await get_event(uow, event_id)
    _celebration(event)
    return event, await uow.events.judge_candidates(), {p.id for p in await uow.events.judges(event.id)}


async def assign_judges(
    uow: UnitOfWork,
    *,
    user: User,
    event_id: int,
    judge_ids: Sequence[int],
    content: Content,
    messages: EventMessages,
    now: datetime,
) -> list[Person]:
    event, candidates, before = await judge_candidates(uow, user=user, event_id=event_id)
    allowed = {p.id for p in candidates}
    if not judge_ids:
        raise InvalidAnswer("judges", "Please choose at least one judge.")
    if set(judge_ids) - allowed:
        raise InvalidAnswer("judges", "Judges are chosen from the coaches, faculty and admins.")
    if event.results_announced_at is not None:
        raise InvalidInput("The results have been announced, so the judges can no longer change.")
    await uow.events.set_judges(event.id, sorted(set(judge_ids)))
    for judge_id in sorted(set(judge_ids) - before):
        await notify(
            uow,
            content,
            user_id=judge_id,
            category=UPDATES,
            message=messages.judge_invite(event),
            key=f"events:judge:{event.id}:{judge_id}",
            now=now,
        )
    return await uow.events.judges(event.id)


async def conflict(uow: UnitOfWork, judge: User, abstract: Abstract) -> str | None:
    """Why this judge may not score this abstract, or None."""
    if judge.site is not None and judge.site == abstract.site:
        return "It comes from your own site's team."
    project = await get_project(uow, abstract.project_id)
    if judge.id in (project.lead_id, project.coach_id) or judge.id in project.member_ids:
        return "It is your own project."
    return None


async def _require_judge(uow: UnitOfWork, user: User, event: Event) -> None:
    if user.id not in {p.id for p in await uow.events.judges(event.id)}:
        raise NotAllowed("You are not a judge for this event.")


async def judge_queue(uow: UnitOfWork, *, user: User, event_id: int) -> tuple[Event, list[JudgeItem]]:
    """The submitted abstracts this judge may score, each with the judge's own score (never anyone else's)."""
    event = await get_event(uow, event_id)
    _celebration(event)
    await _require_judge(uow, user, event)
    mine = {s.abstract_id: s for s in await uow.events.event_scores(event.id) if s.judge_id == user.id}
    items = []
    for abstract in await uow.events.event_abstracts(event.id, status=AbstractStatus.SUBMITTED):
        if await conflict(uow, user, abstract) is None:
            items.append(JudgeItem(abstract, mine.get(abstract.id)))
    return event, items


async def abstract_to_judge(uow: UnitOfWork, *, user: User, abstract_id: int) -> JudgeItem:
    abstract = await uow.events.get_abstract(abstract_id)
    if abstract is None or abstract.status != AbstractStatus.SUBMITTED:
        raise NotFound("That abstract is not there to judge.")
    event = await get_event(uow, abstract.event_id)
    await _require_judge(uow, user, event)
    reason = await conflict(uow, user, abstract)
    if reason:
        raise Conflicted(f"You cannot judge this abstract: {reason}")
    mine = next(
        (s for s in await uow.events.event_scores(event.id) if s.judge_id == user.id and s.abstract_id == abstract.id),
        None,
    )
    return JudgeItem(abstract, mine, await uow.events.get_poster(abstract.id))


async def score_abstract(
    uow: UnitOfWork, *, user: User, sheet: ScoreSheet, content: Content, now: datetime
) -> JudgeItem:
    item = await abstract_to_judge(uow, user=user, abstract_id=sheet.abstract_id)
    event = await get_event(uow, item.abstract.event_id)
    if event.results_announced_at is not None:
        raise InvalidInput("The results have been announced, so scores can no longer change.")
    scores = {}
    for criterion in content.events.rubric:
        value = sheet.scores.get(criterion.id)
        if value is None or not 1 <= value <= 4:
            raise InvalidAnswer(f"crit_{criterion.id}", f"Please score '{criterion.label}' from 1 to 4.")
        scores[criterion.id] = value
    comment = clean_answer("comment", sheet.comment, MAX_COMMENT, "your comment")
    await uow.events.save_score(abstract_id=item.abstract.id, judge_id=user.id, scores=scores, comment=comment, now=now)
    return await abstract_to_judge(uow, user=user, abstract_id=item.abstract.id)


# --- results -----------------------------------------------------------------------------------------------------


async def results(uow: UnitOfWork, *, user: User | None, event_id: int, content: Content, now: datetime) -> Results:
    """Means with the number of judges, by format, best first, once every expected score is in; the people's
    choice once voting has closed. `user`: an admin (None only for the announcement, already checked)."""
    if user is not None:
        require_admin(user)
    event = await get_event(uow, event_id)
    _celebration(event)
    abstracts = await uow.events.event_abstracts(event.id, status=AbstractStatus.SUBMITTED)
    scores = await uow.events.event_scores(event.id)
    judges = [await uow.users.get(p.id) for p in await uow.events.judges(event.id)]
    scored = {(s.abstract_id, s.judge_id) for s in scores}
    missing = 0
    for abstract in abstracts:
        for judge in judges:
            if judge is not None and await conflict(uow, judge, abstract) is None:
                missing += (abstract.id, judge.id) not in scored
    complete = bool(abstracts) and bool(judges) and missing == 0
    by_format: dict[str, list[AbstractResult]] = {f.value: [] for f in Format}
    if complete:
        for abstract in abstracts:
            mine = [s for s in scores if s.abstract_id == abstract.id]
            means = {c.id: round(fmean(s.scores[c.id] for s in mine), 2) for c in content.events.rubric} if mine else {}
            total = round(fmean(s.total for s in mine), 2) if mine else None
            by_format[abstract.format.value].append(AbstractResult(abstract, len(mine), total, means))
        for ranked in by_format.values():
            ranked.sort(key=lambda r: (-(r.mean_total or 0), r.abstract.id))
    voting_closed = event.voting_closes_at is not None and now >= event.voting_closes_at
    choice: list[Abstract] = []
    if voting_closed:
        counts = await uow.events.vote_counts(event.id)
        most = max(counts.values(), default=0)
        choice = [a for a in abstracts if most and counts.get(a.id) == most]
    return Results(event, complete, missing, by_format, choice, voting_closed)


async def announce_results(
    uow: UnitOfWork, *, user: User, event_id: int, content: Content, messages: EventMessages, now: datetime
) -> int:
    """Every confirmed attendee gets the results (once); returns how many were told."""
    outcome = await results(uow, user=user, event_id=event_id, content=content, now=now)
    if not outcome.complete:
        raise InvalidInput(f"Some scores are still to come ({outcome.missing}), so the results cannot be announced.")
    if not outcome.voting_closed:
        raise InvalidInput("The people's choice vote is still open.")
    if not await uow.events.set_results_announced(event_id, now=now):
        return 0
    told = 0
    for registration in await uow.events.event_registrations(event_id, statuses=CONFIRMED):
        told += await notify(
            uow,
            content,
            user_id=registration.user_id,
            category=NEWS,
            message=messages.results(outcome.event, outcome),
            key=f"events:results:{event_id}:{registration.user_id}",
            now=now,
        )
    return told


# --- the people's choice ---------------------------------------------------------------------------------------


def voting_open(event: Event, content: Content, now: datetime) -> bool:
    """On the day: from local midnight of the day until voting closes (the end of the event)."""
    tz = content.organisation.timezone
    opens = datetime.combine(event.starts_at.astimezone(tz).date(), time(0), tzinfo=tz)
    return not event.cancelled and event.voting_closes_at is not None and opens <= now < event.voting_closes_at


async def ballot(
    uow: UnitOfWork, *, user: User, event_id: int, content: Content, now: datetime
) -> tuple[Event, list[Abstract], int | None, bool]:
    """The posters to vote for, the person's current vote, and whether voting is open."""
    event = await get_event(uow, event_id)
    _celebration(event)
    await _require_attendee(uow, user, event)
    posters = [
        a
        for a in await uow.events.event_abstracts(event.id, status=AbstractStatus.SUBMITTED)
        if a.format == Format.POSTER
    ]
    return event, posters, await uow.events.vote_of(event.id, user.id), voting_open(event, content, now)


async def _require_attendee(uow: UnitOfWork, user: User, event: Event) -> None:
    registration = await uow.events.active_registration(event.id, user.id)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        raise NotAllowed("The people's choice vote is for people registered to attend the day.")


async def cast_vote(
    uow: UnitOfWork, *, user: User, event_id: int, abstract_id: int, content: Content, now: datetime
) -> Abstract:
    event = await get_event(uow, event_id)
    _celebration(event)
    await _require_attendee(uow, user, event)
    if not voting_open(event, content, now):
        raise InvalidInput("Voting is not open: it runs on the day until the end of the event.")
    abstract = await uow.events.get_abstract(abstract_id)
    if abstract is None or abstract.event_id != event.id or abstract.status != AbstractStatus.SUBMITTED:
        raise NotFound("That poster is not in this event's vote.")
    if abstract.format != Format.POSTER:
        raise InvalidInput("The people's choice is for posters.")
    await uow.events.cast_vote(event_id=event.id, user_id=user.id, abstract_id=abstract.id, now=now)
    return abstract


async def judging_events(uow: UnitOfWork, *, user: User, now: datetime) -> list[Event]:
    """The celebration days this person judges, from a month ago to a year ahead."""
    found = []
    for event in await uow.events.list_events(start=now - timedelta(days=31), end=now + timedelta(days=366)):
        if event.kind == EventKind.CELEBRATION and user.id in {p.id for p in await uow.events.judges(event.id)}:
            found.append(event)
    return found


async def vote_events(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> list[Event]:
    """The celebration days whose vote is open today and on which the person has a place."""
    found = []
    for event in await uow.events.list_events(start=now, end=now + _DAY):
        registration = await uow.events.active_registration(event.id, user.id)
        if (
            event.kind == EventKind.CELEBRATION
            and voting_open(event, content, now)
            and registration is not None
            and registration.status == RegistrationStatus.CONFIRMED
        ):
            found.append(event)
    return found

"""Celebration day abstracts: a project lead writes one for an active or completed project, pre-filled from the
project (title, aim, measures with their latest values, the changes PDSA cycles adopted, results, lessons), edits
it within the word limit and submits it by the deadline as a poster or a presentation.

Projects are read through the projects capability's services (`stories_led_by`), never its tables."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from core.events.commands import AbstractText, InvalidAnswer
from core.events.model import (
    Abstract,
    AbstractDraftView,
    AbstractSource,
    AbstractStatus,
    Event,
    EventKind,
    Format,
)
from core.events.services import clean_answer, get_event
from core.kernel.content import Content
from core.kernel.dates import written
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.projects.services import ProjectStory, stories_led_by

MAX_TITLE = 200
MAX_FIELD = 4000  # characters of one field; the word limit is what keeps the abstract short
TEXT_FIELDS = ("aim", "measures", "changes", "results", "lessons")  # what the word limit counts
WORD = re.compile(r"[\w'’-]+")
ADOPTED = ("adopt", "adapt")


def word_count(*texts: str | None) -> int:
    return sum(len(WORD.findall(text or "")) for text in texts)


def _open_for_abstracts(event: Event, now: datetime) -> None:
    if event.kind != EventKind.CELEBRATION:
        raise InvalidInput("Abstracts are for the celebration day.")
    if event.cancelled or event.abstracts_close_at is None or now >= event.abstracts_close_at:
        raise InvalidInput("Abstracts for this celebration day are closed.")


async def celebrations(uow: UnitOfWork, *, content: Content, now: datetime) -> list[Event]:
    """Celebration days still taking abstracts."""
    end = now + timedelta(days=366)
    return [
        e
        for e in await uow.events.list_events(start=now, end=end)
        if e.kind == EventKind.CELEBRATION and e.abstracts_close_at is not None and e.abstracts_close_at > now
    ]


async def abstract_sources(uow: UnitOfWork, *, user: User, event_id: int, now: datetime) -> list[AbstractSource]:
    """The person's active or completed projects they lead, each with its abstract for this event if started."""
    event = await get_event(uow, event_id)
    _open_for_abstracts(event, now)
    mine = {a.project_id: a for a in await uow.events.event_abstracts(event.id) if a.lead_id == user.id}
    return [
        AbstractSource(project.id, project.title or "Untitled project", mine.get(project.id))
        for project, *_ in await stories_led_by(uow, user.id)
    ]


def prefill(story: ProjectStory, content: Content) -> dict[str, str | None]:
    """The abstract's first draft from the project: its aim, measures and their latest values, the changes its
    PDSA cycles adopted or adapted, and the evaluation's results and lessons."""
    project, pdsas, evaluation, latest = story
    measures = []
    for measure in project.measures:
        line = f"{measure.name} ({measure.kind})"
        if measure.id in latest:
            on, value, points = latest[measure.id]
            line += f": latest {value:g} on {written(on, '%-d %b %Y')}, {points} points"
        measures.append(line)
    changes = [f"{cycle.plan} ({cycle.act}ed)" for cycle in pdsas if cycle.act in ADOPTED]
    evaluation = evaluation or {}
    return {
        "title": project.title or "Untitled project",
        "aim": project.aim or project.aim_what,
        "measures": "; ".join(measures) or None,
        "changes": "; ".join(changes) or None,
        "results": evaluation.get("results"),
        "lessons": evaluation.get("lessons"),
    }


async def _view(uow, event: Event, abstract: Abstract, user: User, content: Content, now) -> AbstractDraftView:
    open_ = not event.cancelled and event.abstracts_close_at is not None and now < event.abstracts_close_at
    return AbstractDraftView(
        event,
        abstract,
        can_edit=open_ and abstract.lead_id == user.id,
        words=word_count(*(getattr(abstract, f) for f in TEXT_FIELDS)),
        word_limit=content.events.rules.abstract_word_limit,
        poster=await uow.events.get_poster(abstract.id),
        poster_max_bytes=content.events.rules.poster_max_bytes,
    )


async def start_abstract(
    uow: UnitOfWork, *, user: User, event_id: int, project_id: int, content: Content, now: datetime
) -> AbstractDraftView:
    """The abstract for this project, started from the project the first time (a second start returns it)."""
    event = await get_event(uow, event_id)
    _open_for_abstracts(event, now)
    story = next((s for s in await stories_led_by(uow, user.id) if s[0].id == project_id), None)
    if story is None:
        raise NotAllowed("You can write an abstract for an active or completed project you lead.")
    fields = prefill(story, content)
    abstract = await uow.events.save_abstract(
        event_id=event.id,
        project_id=project_id,
        lead_id=user.id,
        site=story[0].site,
        division=story[0].division,
        title=(fields.pop("title") or "")[:MAX_TITLE],
        format=Format.POSTER,
        now=now,
        **fields,
    )
    return await _view(uow, event, abstract, user, content, now)


async def _own_abstract(uow: UnitOfWork, user: User, abstract_id: int) -> Abstract:
    abstract = await uow.events.get_abstract(abstract_id)
    if abstract is None:
        raise NotFound("That abstract no longer exists.")
    if abstract.lead_id != user.id:
        raise NotAllowed("That abstract belongs to another project lead.")
    return abstract


async def abstract_view(uow: UnitOfWork, *, user: User, abstract_id: int, content: Content, now: datetime):
    abstract = await _own_abstract(uow, user, abstract_id)
    return await _view(uow, await get_event(uow, abstract.event_id), abstract, user, content, now)


async def save_abstract(
    uow: UnitOfWork, *, user: User, text: AbstractText, submit: bool, content: Content, now: datetime
) -> AbstractDraftView:
    """Save the lead's edits (and submit them); a submitted abstract can still be improved until the deadline."""
    abstract = await _own_abstract(uow, user, text.abstract_id)
    event = await get_event(uow, abstract.event_id)
    _open_for_abstracts(event, now)
    title = clean_answer("title", text.title, MAX_TITLE, "the title", required=True)
    fields = {f: clean_answer(f, getattr(text, f), MAX_FIELD, "this part") for f in TEXT_FIELDS}
    limit = content.events.rules.abstract_word_limit
    words = word_count(*fields.values())
    if words > limit:
        raise InvalidAnswer("lessons", f"Your abstract is {words} words; please keep it to {limit}.")
    try:
        chosen = Format(text.format)
    except ValueError:
        raise InvalidAnswer("format", "Please choose a poster or a presentation.") from None
    if submit and not (fields["aim"] and fields["changes"] and fields["results"]):
        raise InvalidAnswer("results", "Please give the aim, what changed and the results before submitting.")
    status = AbstractStatus.SUBMITTED if submit or abstract.status == AbstractStatus.SUBMITTED else AbstractStatus.DRAFT
    await uow.events.update_abstract(abstract.id, title=title, format=chosen, status=status, now=now, **fields)
    return await abstract_view(uow, user=user, abstract_id=abstract.id, content=content, now=now)

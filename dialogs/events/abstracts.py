"""`submit abstract`: a project lead writes the celebration day abstract for an active or completed project,
pre-filled from the project, edits it within the word limit and submits it as a poster or a presentation."""

from __future__ import annotations

from core.events import abstracts as service
from core.events.commands import AbstractText, InvalidAnswer
from core.events.model import AbstractDraftView, AbstractStatus, Event, Format
from core.kernel.content import Choice
from dialogs.events import browse, posters
from dialogs.events.router import router
from dialogs.events.wording import STALE, event_when, text
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

FORMATS = (Choice(Format.POSTER.value, "Poster"), Choice(Format.PRESENTATION.value, "Presentation"))
LABELS = {
    "aim": "Aim",
    "measures": "Measures and latest data",
    "changes": "What changed (PDSA cycles)",
    "results": "Results",
    "lessons": "Lessons",
}


def _deadline(event: Event, turn: Turn) -> str:
    closes, tz = event.abstracts_close_at, turn.content.organisation.timezone
    local = closes.astimezone(tz) if closes else None
    return f"{local:%a} {local.day} {local:%b} {local:%H:%M}" if local else "the deadline"


async def _choose_event_card(turn: Turn, events: list[Event]) -> dict:
    rows = [
        cards.list_row(
            [
                cards.text(f"**{e.title}**"),
                cards.text(
                    f"{event_when(e, turn.content)} · abstracts by {_deadline(e, turn)}", subtle=True, size="Small"
                ),
            ],
            [cards.execute("Write an abstract", projects, {"event_id": e.id})],
        )
        for e in events
    ]
    return cards.card(
        cards.title("Celebration day abstracts"),
        *rows,
        cards.text("No celebration day is taking abstracts just now.") if not rows else None,
        actions=[cards.execute("Courses and events", browse.browse)],
    )


@router.action("abstracts")
@router.command(
    "submit abstract",
    title="Submit abstract",
    description="Write the celebration day abstract for your QI project, pre-filled from the project",
    aliases=("abstract", "my abstract", "poster", "abstracts"),
    in_manifest=False,
)
async def start(turn: Turn) -> Response:
    events = await service.celebrations(turn.uow, content=turn.content, now=turn.now)
    if len(events) == 1:
        return Response.show(await projects_card(turn, events[0].id))
    return Response.show(await _choose_event_card(turn, events))


async def projects_card(turn: Turn, event_id: int) -> dict:
    sources = await service.abstract_sources(turn.uow, user=turn.user, event_id=event_id, now=turn.now)
    rows = []
    for source in sources:
        if source.abstract is None:
            status, label = "Not started", "Start from the project"
        else:
            status = "Submitted" if source.abstract.status == AbstractStatus.SUBMITTED else "Draft"
            label = "Edit"
        rows.append(
            cards.list_row(
                [cards.text(f"**{source.title}**"), cards.text(status, subtle=True, size="Small")],
                [cards.execute(label, open_abstract, {"event_id": event_id, "project_id": source.project_id})],
            )
        )
    return cards.card(
        cards.title("Your projects"),
        cards.text(
            "Choose the project to write up. The abstract starts from what the project already holds.", subtle=True
        ),
        *rows,
        cards.text("You have no active or completed project that you lead. Type **register project** to start one.")
        if not rows
        else None,
    )


@router.action("projects")
async def projects(turn: Turn) -> Response:
    return Response(card=await projects_card(turn, card_int(turn.inbound.data, "event_id", stale=STALE)))


def abstract_card(turn: Turn, view: AbstractDraftView, notice: str | None = None) -> dict:
    abstract, event = view.abstract, view.event
    status = "Submitted" if abstract.status == AbstractStatus.SUBMITTED else "Draft"
    head = [
        cards.notice(notice) if notice else None,
        cards.title(f"Abstract: {event.title}"),
        cards.text(
            f"{status} · {view.words} of {view.word_limit} words · by {_deadline(event, turn)}",
            subtle=True,
            size="Small",
        ),
    ]
    head += posters.poster_line(turn, abstract, view.poster)
    if not view.can_edit:
        body = [cards.facts([("Title", abstract.title), ("Format", abstract.format.value.capitalize())])]
        body += [cards.text(f"**{label}**: {getattr(abstract, key) or '-'}") for key, label in LABELS.items()]
        return cards.card(*head, *body)
    head.append(cards.text(posters.how_to_send(abstract, view.poster_max_bytes), subtle=True, size="Small"))
    fields = [
        cards.text_input(key, label, service.MAX_FIELD, getattr(abstract, key), multiline=True)
        for key, label in LABELS.items()
    ]
    data = {"abstract_id": abstract.id}
    buttons = [
        cards.execute("Submit" if abstract.status == AbstractStatus.DRAFT else "Save", submit, data, style="positive")
    ]
    if abstract.status == AbstractStatus.DRAFT:
        buttons.append(cards.execute("Save draft", save, data))
    return cards.card(
        *head,
        cards.text_input("title", "Title", service.MAX_TITLE, abstract.title, required=True),
        cards.choice_set("format", "Poster or presentation?", FORMATS, abstract.format.value, compact=False),
        *fields,
        actions=buttons,
    )


@router.action("open_abstract")
async def open_abstract(turn: Turn) -> Response:
    data = turn.inbound.data
    view = await service.start_abstract(
        turn.uow,
        user=turn.user,
        event_id=card_int(data, "event_id", stale=STALE),
        project_id=card_int(data, "project_id", stale=STALE),
        content=turn.content,
        now=turn.now,
    )
    return Response(card=abstract_card(turn, view))


async def _save(turn: Turn, *, submit: bool) -> Response:
    data = turn.inbound.data
    abstract_id = card_int(data, "abstract_id", stale=STALE)
    edited = AbstractText(
        abstract_id, text(data, "title"), *(text(data, k) for k in LABELS), format=text(data, "format")
    )
    try:
        view = await service.save_abstract(
            turn.uow, user=turn.user, text=edited, submit=submit, content=turn.content, now=turn.now
        )
    except InvalidAnswer as problem:
        current = await service.abstract_view(
            turn.uow, user=turn.user, abstract_id=abstract_id, content=turn.content, now=turn.now
        )
        raise FormError(abstract_card(turn, current), problem.message, field=problem.field) from None
    done = "Submitted: good luck on the day!" if view.abstract.status == AbstractStatus.SUBMITTED else "Draft saved."
    return Response(card=abstract_card(turn, view, done))


@router.action("submit_abstract")
async def submit(turn: Turn) -> Response:
    return await _save(turn, submit=True)


@router.action("save_abstract")
async def save(turn: Turn) -> Response:
    return await _save(turn, submit=False)

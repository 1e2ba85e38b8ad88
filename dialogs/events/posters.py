"""Posters sent in the chat: a PDF or PNG file the lead sends while an abstract is open becomes its poster
(core/events/posters.py checks whose, when, how big and what type). Also the poster's page behind a signed link."""

from __future__ import annotations

from datetime import timedelta

from core.events import posters as service
from core.events.model import Abstract, Poster
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.pages import Page, PageError, PageRequest, PageResult
from core.kernel.roles import person_with_roles
from dialogs.events.router import router
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn

LINK_LIFETIME = timedelta(days=1)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 100 * 1024 else f"{max(1, round(size / 1024))} KB"


def how_to_send(abstract: Abstract, limit: int) -> str:
    return (
        f"To add or replace the poster, send the PDF or PNG file (up to {limit // (1024 * 1024)} MB) here in this "
        f"chat while abstracts are open. With more than one abstract, type **poster {abstract.id}** with the file."
    )


def poster_line(turn: Turn, abstract: Abstract, poster: Poster | None) -> list[cards.Element]:
    """The abstract card's poster part: the file sent (with a link to it), or how to send one."""
    if poster is None:
        return [cards.text("No poster file yet.", subtle=True, size="Small")]
    said = f"Poster: **{poster.filename}** ({megabytes(poster.size)})"
    if turn.links is None:
        return [cards.text(said, size="Small")]
    url = poster_url(turn.links, viewer=turn.user.id, abstract_id=abstract.id, expires_at=turn.now + LINK_LIFETIME)
    return [
        cards.text(said, size="Small"),
        cards.action_set({"type": "Action.OpenUrl", "title": "View the poster", "url": url}),
    ]


@router.files
async def poster_sent(turn: Turn) -> Response:
    files = turn.inbound.files
    if len(files) > 1:
        raise InvalidInput("Please send one poster file at a time.")
    (file,) = files
    limit = turn.content.events.rules.poster_max_bytes
    if file.problem == "too_large":
        raise InvalidInput(f"That file is too big: a poster can be up to {limit // (1024 * 1024)} MB.")
    if file.data is None:
        raise InvalidInput("I could not fetch that file from Teams. Please send it again in a minute.")
    saved = await service.attach_poster(
        turn.uow,
        user=turn.user,
        filename=file.name,
        data=file.data,
        abstract_id=service.abstract_number(turn.inbound.text),
        content=turn.content,
        now=turn.now,
    )
    from dialogs.events import abstracts  # the abstract card's module imports this one for the poster line

    said = "Poster replaced" if saved.replaced else "Poster saved"
    return Response.show(
        cards.card(
            cards.notice(f"{said} for **{saved.abstract.title}**."),
            *poster_line(turn, saved.abstract, saved.poster),
            actions=[
                cards.execute(
                    "Open my abstract",
                    abstracts.open_abstract,
                    {"event_id": saved.abstract.event_id, "project_id": saved.abstract.project_id},
                    inputs=False,
                )
            ],
        )
    )


# --- the poster's page -----------------------------------------------------------------------------------------


async def _poster(request: PageRequest) -> PageResult:
    viewer = await person_with_roles(request.uow, request.claims["u"], request.admins)
    if viewer is None:
        raise PageError(403, "This link is not for you.")
    try:
        _, poster = await service.poster_file(request.uow, viewer=viewer, abstract_id=request.claims["a"])
    except NotFound as gone:
        raise PageError(404, gone.message) from None
    except NotAllowed as refused:
        raise PageError(403, refused.message) from None
    extension = service.EXTENSIONS[poster.content_type]
    return PageResult(
        poster.data or b"", poster.content_type, filename=f"poster-{poster.abstract_id}.{extension}", inline=True
    )


POSTER = Page("events.poster", "/events/poster/{token}", _poster, claims=("u", "a"))


def poster_url(links, *, viewer: int, abstract_id: int, expires_at) -> str:
    return links.url(POSTER, {"u": viewer, "a": abstract_id}, expires_at=expires_at)

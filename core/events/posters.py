"""Posters for celebration day abstracts: the lead sends a PDF or PNG file in the chat while abstracts are open.

The file is checked by its own first bytes (%PDF- or the PNG signature), not by its name or what Teams says it is,
and against content/events.yaml's `poster_max_mb`. It is stored with the abstract (a re-sent file replaces it) and
shown behind a short-lived signed link to the lead, the event's judges and the faculty.

Which abstract: the one named in the message ("poster 12", with the number the abstract card shows), or, with no
number, the lead's only abstract still open. Someone else's abstract, a closed one, a file too big or of another
type: a clear message, and nothing is stored."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

from core.events.abstracts import _open_for_abstracts, celebrations
from core.events.model import Abstract, Poster
from core.events.services import get_event, may_manage
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.ports import UnitOfWork

SIGNATURES = (  # the first bytes of each accepted type (ISO 32000 header; PNG spec section 5.2)
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
EXTENSIONS = {content_type: ext for _, content_type, ext in SIGNATURES}
MAX_FILENAME = 200
ABSTRACT_NUMBER = re.compile(r"\b(\d{1,9})\b")


class ChooseAbstract(InvalidInput):
    """The lead has several abstracts open: the file must say which one (`choices`)."""

    def __init__(self, choices: list[Abstract]) -> None:
        numbers = ", ".join(f"**poster {a.id}** ({a.title})" for a in choices)
        super().__init__(f"You have more than one abstract open. Send the file again with the message {numbers}.")
        self.choices = choices


@dataclass(frozen=True)
class PosterSaved:
    abstract: Abstract
    poster: Poster
    replaced: bool


def file_kind(data: bytes) -> str | None:
    """The content type the bytes themselves show, or None when they are neither a PDF nor a PNG."""
    return next((content_type for magic, content_type, _ in SIGNATURES if data.startswith(magic)), None)


def clean_filename(name: str) -> str:
    """The name as shown on cards: no path, no control characters, at most MAX_FILENAME characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or "poster")[:MAX_FILENAME]


def abstract_number(text: str | None) -> int | None:
    found = ABSTRACT_NUMBER.search(text or "")
    return int(found.group(1)) if found else None


async def open_abstracts(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> list[Abstract]:
    """The person's abstracts on celebration days still taking abstracts (a poster can be sent for these)."""
    mine = []
    for event in await celebrations(uow, content=content, now=now):
        mine += [a for a in await uow.events.event_abstracts(event.id) if a.lead_id == user.id]
    return mine


async def _target(uow: UnitOfWork, user: User, abstract_id: int | None, content: Content, now) -> Abstract:
    if abstract_id is None:
        mine = await open_abstracts(uow, user=user, content=content, now=now)
        if not mine:
            raise InvalidInput(
                "I can only take a file as the poster of your celebration day abstract, and you have none open. "
                "Type **submit abstract** to write one, then send the poster here."
            )
        if len(mine) > 1:
            raise ChooseAbstract(mine)
        return mine[0]
    abstract = await uow.events.get_abstract(abstract_id)
    if abstract is None:
        raise NotFound(f"There is no abstract {abstract_id}. Check the number on your abstract card.")
    if abstract.lead_id != user.id:
        raise NotAllowed("That abstract belongs to another project lead, so its poster is theirs to send.")
    return abstract


async def attach_poster(
    uow: UnitOfWork,
    *,
    user: User,
    filename: str,
    data: bytes,
    abstract_id: int | None,
    content: Content,
    now: datetime,
) -> PosterSaved:
    abstract = await _target(uow, user, abstract_id, content, now)
    event = await get_event(uow, abstract.event_id)
    try:
        _open_for_abstracts(event, now)
    except InvalidInput:
        raise InvalidInput(
            "Abstracts for this celebration day are closed, so its poster can no longer change."
        ) from None
    limit = content.events.rules.poster_max_bytes
    if len(data) > limit:
        raise InvalidInput(f"That file is too big: a poster can be up to {limit // (1024 * 1024)} MB.")
    content_type = file_kind(data)
    if content_type is None:
        raise InvalidInput("That file is not a PDF or a PNG image. Please save the poster as a PDF or PNG and send it.")
    before = await uow.events.get_poster(abstract.id)
    poster = await uow.events.save_poster(
        abstract_id=abstract.id,
        filename=clean_filename(filename),
        content_type=content_type,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user.id,
        now=now,
    )
    return PosterSaved(abstract, poster, replaced=before is not None)


async def may_see_poster(uow: UnitOfWork, viewer: User, abstract: Abstract) -> bool:
    """The lead, the event's judges and the faculty (facilitators, admins)."""
    if viewer.id == abstract.lead_id or may_manage(viewer):
        return True
    return viewer.id in {judge.id for judge in await uow.events.judges(abstract.event_id)}


async def poster_file(uow: UnitOfWork, *, viewer: User, abstract_id: int) -> tuple[Abstract, Poster]:
    abstract = await uow.events.get_abstract(abstract_id)
    poster = await uow.events.get_poster(abstract_id, with_data=True) if abstract else None
    if abstract is None or poster is None:
        raise NotFound("That poster is no longer there.")
    if not await may_see_poster(uow, viewer, abstract):
        raise NotAllowed("Only the project lead, the judges and the faculty can see this poster.")
    return abstract, poster

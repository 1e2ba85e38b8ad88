"""Finding other people who use the bot by name (to choose someone for a group, a team, a role).

Only a name and a site come back: nothing else about another person is ever shown to whoever searches."""

from __future__ import annotations

from core.kernel.errors import InvalidInput
from core.kernel.model import PersonMatch
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text

MIN_CHARACTERS = 2
MAX_QUERY = 100
MAX_WORDS = 4


async def find_people(uow: UnitOfWork, *, text: object, limit: int = 8) -> list[PersonMatch]:
    """People whose name contains every word typed (in any order, any case), by name, at most `limit`."""
    query = clean_text(text, MAX_QUERY, "the name") or ""
    words = query.split()[:MAX_WORDS]
    if sum(len(w) for w in words) < MIN_CHARACTERS:
        raise InvalidInput(f"Please type at least {MIN_CHARACTERS} letters of the person's name.")
    return await uow.users.search_by_name(words, limit=limit)

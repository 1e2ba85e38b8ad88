"""Places on something with a limited number of seats (a clinic session, an event) and its waitlist: the one
definition of taking a place (a seat, else a waitlist place if the person asked for one, else "full"), of the
waitlist's order and a person's position in it, and of where a freed seat goes (to the first person waiting,
else back to the free seats).

The seat count is one atomic conditional UPDATE in storage (storage/places.py) under a CHECK constraint, so two
people taking the last seat at the same moment cannot both get it. A capability keeps its own rows (bookings,
registrations), its own rules for who may take a place, and its own messages; this module holds what is the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
ACTIVE = (CONFIRMED, WAITLISTED)  # a person holds a place: a seat, or a place on the waitlist


class Place(Protocol):
    """A booking or a registration: one person's place (or waitlist place) on one holder."""

    @property
    def id(self) -> int: ...
    @property
    def status(self) -> str: ...


class Seats(Protocol):
    """The seat counter a capability's repository keeps for its holders (sessions, events)."""

    async def take_seat(self, holder_id: int, /) -> bool:
        """Atomically take one seat if any is left and the holder is open; False otherwise."""
        ...

    async def release_seat(self, holder_id: int, /) -> None: ...


P = TypeVar("P", bound=Place)
R = TypeVar("R")


async def take_place(seats: Seats, holder_id: int, *, join_waitlist: bool, full: Exception) -> str:
    """CONFIRMED when a seat was free (it is now taken), WAITLISTED when none was and the person asked to wait;
    otherwise `full` is raised and nothing changed."""
    if await seats.take_seat(holder_id):
        return CONFIRMED
    if join_waitlist:
        return WAITLISTED
    raise full


async def waitlist_position(place: Place, waiting: Callable[[], Awaitable[Sequence[Place]]]) -> int | None:
    """1 when the next freed seat goes to this place; None unless it is on the waitlist (then `waiting`, the
    holder's waitlist in its one order, first come first, is not even read)."""
    if place.status != WAITLISTED:
        return None
    ids = [p.id for p in await waiting()]
    return ids.index(place.id) + 1 if place.id in ids else None


async def give_freed_seat(
    seats: Seats,
    holder_id: int,
    *,
    waiting: Callable[[], Awaitable[Sequence[P]]],
    promote: Callable[[P], Awaitable[R]],
) -> R | None:
    """A confirmed place was given up: its seat goes to the first person waiting (`promote` confirms and tells
    them, and returns their place), or back to the free seats when nobody is waiting (None)."""
    queue = await waiting()
    if queue:
        return await promote(queue[0])
    await seats.release_seat(holder_id)
    return None


async def fill_new_seats(
    seats: Seats,
    holder_id: int,
    *,
    waiting: Callable[[], Awaitable[Sequence[P]]],
    promote: Callable[[P], Awaitable[object]],
) -> int:
    """After the capacity grows: as many people waiting as there are new seats get one, first come first."""
    promoted = 0
    while queue := await waiting():
        if not await seats.take_seat(holder_id):
            break
        await promote(queue[0])
        promoted += 1
    return promoted

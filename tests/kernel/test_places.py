"""core.kernel.places on a tiny in-memory holder: the rules clinics and events share for seats and the waitlist."""

from dataclasses import dataclass

import pytest

from core.kernel import places


@dataclass
class Place:
    id: int
    status: str


class Holder:
    def __init__(self, capacity: int) -> None:
        self.capacity, self.taken, self.calls = capacity, 0, []

    async def take_seat(self, holder_id: int) -> bool:
        self.calls.append(("take", holder_id))
        if self.taken >= self.capacity:
            return False
        self.taken += 1
        return True

    async def release_seat(self, holder_id: int) -> None:
        self.calls.append(("release", holder_id))
        self.taken -= 1


class Full(Exception):
    pass


async def test_a_free_seat_is_taken_then_the_waitlist_then_full():
    holder = Holder(capacity=1)
    assert await places.take_place(holder, 7, join_waitlist=False, full=Full()) == places.CONFIRMED
    assert await places.take_place(holder, 7, join_waitlist=True, full=Full()) == places.WAITLISTED
    with pytest.raises(Full):
        await places.take_place(holder, 7, join_waitlist=False, full=Full())
    assert holder.taken == 1


async def test_the_position_follows_the_waitlist_order_and_is_none_for_a_seat():
    waiting = [Place(3, places.WAITLISTED), Place(1, places.WAITLISTED)]

    async def queue():
        return waiting

    async def unread():
        raise AssertionError("a confirmed place does not read the waitlist")

    assert await places.waitlist_position(Place(1, places.WAITLISTED), queue) == 2
    assert await places.waitlist_position(Place(3, places.WAITLISTED), queue) == 1
    assert await places.waitlist_position(Place(9, places.WAITLISTED), queue) is None  # gone meanwhile
    assert await places.waitlist_position(Place(3, places.CONFIRMED), unread) is None


async def test_a_freed_seat_goes_to_the_first_waiting_else_back_to_the_pool():
    holder = Holder(capacity=1)
    holder.taken = 1
    waiting = [Place(5, places.WAITLISTED), Place(6, places.WAITLISTED)]
    promoted = []

    async def queue():
        return waiting

    async def promote(place):
        promoted.append(place.id)
        waiting.remove(place)
        return place.id

    assert await places.give_freed_seat(holder, 2, waiting=queue, promote=promote) == 5
    assert holder.taken == 1 and promoted == [5]  # the seat changed hands; it was never free
    waiting.clear()
    assert await places.give_freed_seat(holder, 2, waiting=queue, promote=promote) is None
    assert holder.taken == 0 and holder.calls[-1] == ("release", 2)


async def test_new_seats_go_to_as_many_waiting_as_there_are_seats():
    holder = Holder(capacity=3)
    holder.taken = 1
    waiting = [Place(i, places.WAITLISTED) for i in (4, 5, 6)]

    async def queue():
        return waiting

    async def promote(place):
        waiting.remove(place)

    assert await places.fill_new_seats(holder, 1, waiting=queue, promote=promote) == 2
    assert [p.id for p in waiting] == [6] and holder.taken == 3

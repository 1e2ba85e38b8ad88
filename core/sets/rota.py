"""Who presents next: the presenter rota, a pure rule over the set's history.

The rule, so the rota is fair and runs itself:
- Everyone presents before anyone presents twice: the next presenter is a member who has presented least.
- A turn counts once the meeting is held with its presenter there (or while attendance is not recorded yet: the
  meeting is taken to have happened as planned). A presenter who sent apologies or was absent has not used
  their turn, so they are never skipped for ever: they present before anyone presents once more than them.
- Among those who have presented least, people who have not missed a turn go first, then by the order they
  joined; and a presenter who missed the last meeting's turn is passed over for the very next one only (they may
  be away), unless nobody else can present.
- A swap (a presenter passes to a volunteer, the facilitator confirms) changes the meeting's presenter: the
  volunteer's turn is counted, and the one who passed keeps theirs for the next meeting.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.sets.model import PresenterTurn


def next_presenter(members: Sequence[int], history: Sequence[PresenterTurn]) -> int | None:
    """The next presenter among `members` (active members, in the order they joined) after the meetings in
    `history` (oldest first); None for a set with no members."""
    if not members:
        return None
    presented = dict.fromkeys(members, 0)
    missed = dict.fromkeys(members, 0)
    for turn in history:
        if turn.presenter_id in presented:
            if turn.presented is False:
                missed[turn.presenter_id] += 1
            else:
                presented[turn.presenter_id] += 1
    last = next((t for t in reversed(history) if t.presenter_id is not None), None)
    passed_over = last.presenter_id if last is not None and last.presented is False else None
    candidates = [m for m in members if m != passed_over] or list(members)
    order = {m: i for i, m in enumerate(members)}
    return min(candidates, key=lambda m: (presented[m], missed[m], order[m]))

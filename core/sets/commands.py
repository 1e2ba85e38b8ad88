"""What a person asks the set services to do, as typed values (card input ids stop at the dialog)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from core.kernel.errors import InvalidInput
from core.sets.model import Mark


@dataclass(frozen=True)
class SetDetails:
    """The first step of setting up a set. A value the card could not read arrives as None."""

    name: str | None
    site: str | None  # a site id, or None for cross-site
    cohort: str | None
    first_date: date | None
    local_time: time | None
    every_weeks: int | None
    meetings: int | None
    venue: str | None
    online_url: str | None


@dataclass(frozen=True)
class AttendanceMarks:
    meeting_id: int
    marks: dict[int, Mark]  # user id -> mark


@dataclass(frozen=True)
class MyActions:
    meeting_id: int
    texts: tuple[str | None, ...]  # by slot, 1 first; None or empty: no action in that slot


class InvalidAnswer(InvalidInput):
    """One answer of a form was refused; `field` names the command's field, so the form shows the message there."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

"""Values the measures pass around: headcount rows and one piece of evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple


@dataclass(frozen=True)
class HeadcountRow:
    month: date  # the first of the month
    site: str
    staff_group: str
    headcount: int


class Fact(NamedTuple):
    """One piece of evidence in a month: who or what it is about (a person's or project's key, so a person is
    counted once however much evidence they have), where it belongs, and a value (a change, for mean_change).
    A named tuple, not a frozen dataclass: a dashboard makes one for each of some 13,000 rows, twice as fast."""

    month: date  # the first of the month, in the organisation's time zone
    key: str
    site: str | None
    staff_group: str | None
    value: float = 1.0

"""Action learning sets: the set, its members, its meetings (each with one presenter), attendance, the members'
actions and presenter swaps; and the views the services return, with what the person may see and do decided
once."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time


class SetStatus(enum.StrEnum):
    DRAFT = "draft"  # the facilitator is still choosing members
    ACTIVE = "active"


class Mark(enum.StrEnum):
    PRESENT = "present"
    APOLOGIES = "apologies"
    ABSENT = "absent"


class SwapStatus(enum.StrEnum):
    OPEN = "open"  # the presenter passed; waiting for a volunteer
    VOLUNTEERED = "volunteered"  # a member offered; waiting for the facilitator
    CONFIRMED = "confirmed"
    WITHDRAWN = "withdrawn"  # the facilitator said no, or the meeting moved on


OPEN_SWAPS = (SwapStatus.OPEN.value, SwapStatus.VOLUNTEERED.value)


@dataclass(frozen=True)
class Pattern:
    """When a set meets: every `every_weeks` weeks from `first_date` at `local_time`, `meetings` times."""

    every_weeks: int
    first_date: date
    local_time: time
    meetings: int
    venue: str | None
    online_url: str | None


@dataclass(frozen=True)
class ActionSet:
    id: int
    name: str
    site: str | None  # None: cross-site
    cohort: str | None  # the linked training cohort, if any
    facilitator_id: int
    status: SetStatus
    pattern: Pattern
    minutes: int
    created_at: datetime
    facilitator_name: str | None = None

    @property
    def active(self) -> bool:
        return self.status == SetStatus.ACTIVE


@dataclass(frozen=True)
class Member:
    set_id: int
    user_id: int
    name: str | None
    site: str | None
    joined_at: datetime
    left_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.left_at is None


@dataclass(frozen=True)
class Meeting:
    id: int
    set_id: int
    number: int  # 1, 2, ... in date order
    starts_at: datetime
    ends_at: datetime
    presenter_id: int | None = None
    presenter_name: str | None = None
    issue: str | None = None  # the presenter's one sentence: confidential to the set
    attendance_at: datetime | None = None  # when the facilitator recorded attendance

    @property
    def attendance_recorded(self) -> bool:
        return self.attendance_at is not None


@dataclass(frozen=True)
class ActionItem:
    """ "By next time I will...": one of a member's actions after a meeting (confidential to the set)."""

    id: int
    set_id: int
    meeting_id: int
    user_id: int
    slot: int  # 1 to max_actions
    text: str
    created_at: datetime
    done_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class Swap:
    id: int
    meeting_id: int
    presenter_id: int
    status: SwapStatus
    volunteer_id: int | None = None


@dataclass(frozen=True)
class PresenterTurn:
    """One meeting in the rota's history: who presented (or was due to), and whether they did."""

    presenter_id: int | None
    presented: bool | None  # True: present; False: apologies or absent; None: attendance not recorded yet


@dataclass(frozen=True)
class SetFigures:
    """What reports may know of the sets: counts only, never an issue or an action."""

    sets_running: int
    meetings_planned: int  # in the running sets, in all
    meetings_due: int  # started by now
    meetings_held: int  # attendance recorded
    marks_present: int
    marks_total: int
    members: list[tuple[int, str | None, str | None]]  # (user id, site, staff group) of active members, distinct


# --- what the services return ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A facilitator's set being set up: its details, the members chosen so far and whether it can be created."""

    set: ActionSet
    members: list[Member]
    min_members: int
    max_members: int

    @property
    def can_add(self) -> bool:
        return len(self.members) < self.max_members

    @property
    def can_create(self) -> bool:
        return self.min_members <= len(self.members) <= self.max_members


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    can_record_attendance: bool  # the facilitator, once it has started
    can_write_issue: bool  # the presenter, before it starts
    can_pass: bool  # the presenter may pass to a volunteer (no swap open yet)
    can_add_actions: bool  # a member, once it has started
    issue: str | None  # only for the set's members and facilitator


@dataclass(frozen=True)
class SetView:
    """One set as a member or its facilitator sees it."""

    set: ActionSet
    members: list[Member]  # active members
    meetings: list[Meeting]
    next_meeting: MeetingView | None
    open_actions: list[ActionItem]  # the viewer's own
    is_facilitator: bool
    is_member: bool
    below_minimum: bool  # flagged to the facilitator
    attendance_due: list[Meeting] = field(default_factory=list)  # started, not recorded (facilitator only)

    @property
    def can_leave(self) -> bool:
        return self.is_member

    @property
    def can_manage(self) -> bool:
        return self.is_facilitator


@dataclass(frozen=True)
class AttendanceSheet:
    set: ActionSet
    meeting: Meeting
    members: list[Member]
    marks: dict[int, Mark]  # user id -> mark already recorded


@dataclass(frozen=True)
class AttendanceSaved:
    sheet: AttendanceSheet
    next_meeting: Meeting | None
    missed_turn: bool  # the presenter was not there: they present again soon


@dataclass(frozen=True)
class ActionsForm:
    set: ActionSet
    meeting: Meeting
    actions: list[ActionItem]  # the member's for this meeting, by slot
    max_actions: int


@dataclass(frozen=True)
class SwapOutcome:
    set: ActionSet
    meeting: Meeting
    swap: Swap
    changed: bool  # False: it was already so (a repeated press)

"""The programme's domain objects. Plain dataclasses: no framework types cross this line."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any


class Role(enum.StrEnum):
    STAFF = "staff"
    COACH = "coach"
    FACILITATOR = "facilitator"
    ADMIN = "admin"


GRANTABLE_ROLES = frozenset({Role.COACH, Role.FACILITATOR, Role.ADMIN})


@dataclass(frozen=True)
class ConversationAddress:
    """Everything needed to message a person later (a Bot Framework conversation reference, minus the SDK)."""

    channel_id: str
    service_url: str
    conversation_id: str
    conversation_type: str  # personal | groupChat | channel
    tenant_id: str | None
    bot_id: str
    bot_name: str | None
    user_teams_id: str
    user_aad_id: str | None
    user_name: str | None


@dataclass
class User:
    id: int
    teams_user_id: str
    aad_object_id: str | None
    tenant_id: str | None
    name: str | None
    site: str | None = None
    staff_group: str | None = None
    experience: str | None = None
    onboarded_at: datetime | None = None
    roles: frozenset[Role] = field(default_factory=lambda: frozenset({Role.STAFF}))

    @property
    def onboarded(self) -> bool:
        return self.onboarded_at is not None

    def has_role(self, role: Role) -> bool:
        return role == Role.STAFF or role in self.roles or Role.ADMIN in self.roles


@dataclass(frozen=True)
class StoredAddress:
    id: int
    user_id: int
    address: ConversationAddress
    active: bool
    reachable: bool


@dataclass(frozen=True)
class WorkingHours:
    """When a person may be nudged: local start/end on the given weekdays (0 = Monday)."""

    days: frozenset[int]
    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.days:
            raise ValueError("at least one working day is needed")
        if not all(0 <= d <= 6 for d in self.days):
            raise ValueError("weekdays run from 0 (Monday) to 6 (Sunday)")
        if self.start == self.end:
            raise ValueError("start and end of working hours must differ")


@dataclass
class NudgePreferences:
    user_id: int
    hours: WorkingHours | None = None  # None: the organisation's default
    paused_until: datetime | None = None
    opted_out: frozenset[str] = frozenset()
    learning_time: time | None = None  # when the daily learning nudge may come; None: the content's default


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class OutboundMessage:
    """What to send: text, an Adaptive Card, or both."""

    text: str | None = None
    card: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if not self.text and not self.card:
            raise ValueError("a message needs text or a card")

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "card": self.card}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutboundMessage:
        return cls(text=data.get("text"), card=data.get("card"))


@dataclass(frozen=True)
class OutboxItem:
    id: int
    user_id: int
    address_id: int
    category: str
    message: OutboundMessage
    attempts: int
    due_at: datetime
    dedupe_key: str


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class BookingStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Attendance(enum.StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"


@dataclass(frozen=True)
class Coach:
    user_id: int
    name: str


@dataclass(frozen=True)
class ClinicSession:
    id: int
    site: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_taken: int
    venue: str | None
    online_url: str | None
    focus: str | None
    status: SessionStatus
    coaches: tuple[Coach, ...] = ()
    series_key: str | None = None

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)

    @property
    def cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


@dataclass(frozen=True)
class Booking:
    id: int
    session_id: int
    user_id: int
    status: BookingStatus
    help_with: str
    project_id: int | None
    question: str | None
    created_at: datetime
    attendance: Attendance | None = None
    user_name: str | None = None


@dataclass
class LearningCard:
    """One person's schedule for one question (an FSRS card)."""

    user_id: int
    question_id: str
    state: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0
    first_correct_at: datetime | None = None


@dataclass(frozen=True)
class Serve:
    """A question card sent to a person; answering it is accepted once."""

    id: int
    user_id: int
    question_id: str
    served_at: datetime
    answered_at: datetime | None
    order: tuple[int, ...] = ()  # the options as shown: order[shown position] = index in the content


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ACTIVE = "active"
    COMPLETED = "completed"
    STOPPED = "stopped"


@dataclass(frozen=True)
class TeamMember:
    name: str
    role: str


@dataclass(frozen=True)
class Measure:
    id: int
    project_id: int
    kind: str  # outcome | process | balancing
    name: str
    definition: str
    chart: str = "run"  # run | xmr
    improvement: str = "increase"  # increase | decrease


@dataclass
class Project:
    id: int
    lead_id: int
    status: ProjectStatus
    wizard_step: int
    title: str | None = None
    problem: str | None = None
    site: str | None = None
    division: str | None = None
    strategic_aim: str | None = None
    aim_what: str | None = None
    aim_who: str | None = None
    aim_how_much: str | None = None
    aim_by: date | None = None
    sponsor: str | None = None
    coach_id: int | None = None
    needs_coach: bool = False
    governance: str | None = None
    progress_score: float | None = None
    approval_comment: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    team: tuple[TeamMember, ...] = ()
    measures: tuple[Measure, ...] = ()
    lead_name: str | None = None
    coach_name: str | None = None
    member_ids: frozenset[int] = frozenset()  # team members who use the bot (they may update the project)

    @property
    def aim(self) -> str | None:
        if not (self.aim_what and self.aim_how_much and self.aim_by):
            return None
        who = f" for {self.aim_who}" if self.aim_who else ""
        return f"{self.aim_what}{who} {self.aim_how_much} by {self.aim_by:%d %B %Y}"


@dataclass(frozen=True)
class PdsaCycle:
    id: int
    project_id: int
    plan: str
    prediction: str
    do: str | None
    study: str | None
    act: str | None  # adopt | adapt | abandon
    created_at: datetime

"""What every capability shares: people, roles, conversation addresses, message preferences, the outbox."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any


class Role(enum.StrEnum):
    STAFF = "staff"
    COACH = "coach"
    FACILITATOR = "facilitator"
    LEAD = "lead"  # a programme lead: sends announcements, sees the programme measures (admins may too)
    ADMIN = "admin"


GRANTABLE_ROLES = frozenset({Role.COACH, Role.FACILITATOR, Role.LEAD, Role.ADMIN})


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
class PersonMatch:
    """Another person found by name: never more than their name and site."""

    id: int
    name: str
    site: str | None


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
class Preferences:
    """A person's message preferences: working hours, a pause, the categories they opted out of, and when the
    daily quiz nudge may come. The nudge gate reads them."""

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
    """What to send: text, an Adaptive Card, or both.

    By default it is a new message in the address's conversation. `new_thread`: post it as a new conversation
    (a new thread) in the channel the address is in; the send reports the new conversation's id. `replaces`:
    update that earlier message (an activity id in the address's conversation) instead of sending a new one."""

    text: str | None = None
    card: dict[str, Any] | None = None
    new_thread: bool = False
    replaces: str | None = None

    def __post_init__(self) -> None:
        if not self.text and not self.card:
            raise ValueError("a message needs text or a card")
        if self.new_thread and self.replaces:
            raise ValueError("a message either starts a thread or replaces one, not both")

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "card": self.card}
        if self.new_thread:
            data["new_thread"] = True
        if self.replaces:
            data["replaces"] = self.replaces
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutboundMessage:
        return cls(
            text=data.get("text"),
            card=data.get("card"),
            new_thread=bool(data.get("new_thread", False)),
            replaces=data.get("replaces"),
        )


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

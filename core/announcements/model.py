"""Announcements: programme news composed in chat and delivered to many people through the outbox.

An announcement is a draft until its author sends it; then it is scheduled, sending, and done (or paused or
cancelled on the way). Each person in its audience is a recipient row; the outbox row that carries their copy has
the key `announcements:<id>:to:<person>:<round>`. A round only grows for people whose previous copy was never
delivered (cancelled by a pause, or failed and sent again on request), so nobody gets the same announcement twice.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Status(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    DONE = "done"


STOPPABLE = frozenset({Status.SCHEDULED, Status.SENDING})  # may be paused or cancelled
RESUMABLE = frozenset({Status.PAUSED})
IN_FLIGHT = frozenset({Status.SCHEDULED, Status.SENDING, Status.PAUSED, Status.DONE})  # has recipients


class RecipientState(enum.StrEnum):
    WAITING = "waiting"  # in the audience; their copy is not queued yet
    QUEUED = "queued"  # an outbox row carries their copy (its status says how it went)
    NOT_INSTALLED = "not_installed"  # no personal chat with the bot: they get it if the app arrives
    OPTED_OUT = "opted_out"  # the nudge gate said no (opted out of news, paused, no slot)


class Delivery(enum.StrEnum):
    """What the author and the export see for one person (the outbox's status when their copy was queued)."""

    WAITING = "waiting"
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    NOT_INSTALLED = "not_installed"
    OPTED_OUT = "opted_out"
    CANCELLED = "cancelled"


class InstallStatus(enum.StrEnum):
    INSTALLED = "installed"  # Graph said 201 (or 409: it was there already)
    REFUSED = "refused"  # 403 (no consent, app blocked by policy): recorded and not tried again
    ERROR = "error"  # something else; tried again up to a limit


@dataclass(frozen=True)
class Button:
    label: str
    kind: str  # "url" | "command"
    target: str  # an https URL, or a command name

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "kind": self.kind, "target": self.target}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Button:
        return cls(data["label"], data["kind"], data["target"])


@dataclass(frozen=True)
class Audience:
    """Everyone when every part is empty; otherwise people matching each part that is given (a site or a legacy
    trust is one part: where they work)."""

    sites: tuple[str, ...] = ()
    trusts: tuple[str, ...] = ()
    staff_groups: tuple[str, ...] = ()
    experience: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    @property
    def everyone(self) -> bool:
        return not (self.sites or self.trusts or self.staff_groups or self.experience or self.roles)

    def to_json(self) -> dict[str, list[str]]:
        return {k: list(getattr(self, k)) for k in ("sites", "trusts", "staff_groups", "experience", "roles")}

    @classmethod
    def from_json(cls, data: dict) -> Audience:
        return cls(**{k: tuple(data.get(k) or ()) for k in ("sites", "trusts", "staff_groups", "experience", "roles")})


@dataclass(frozen=True)
class AudienceFilter:
    """The audience as the repository applies it: `sites` already includes the sites of the chosen trusts."""

    sites: frozenset[str] | None  # None: any site (and people without one)
    staff_groups: frozenset[str] | None
    experience: frozenset[str] | None
    roles: frozenset[str] | None  # stored roles; None: anyone


@dataclass(frozen=True)
class AudienceMember:
    user_id: int
    installed: bool  # has an active, reachable personal chat with the bot


@dataclass(frozen=True)
class Draft:
    """What the compose card carries, checked."""

    title: str
    text: str
    image_url: str | None
    buttons: tuple[Button, ...]
    audience: Audience
    send_at: datetime | None  # None: now
    spread: bool
    urgent: bool


@dataclass
class Announcement:
    id: int
    author_id: int
    title: str
    text: str
    image_url: str | None
    buttons: tuple[Button, ...]
    audience: Audience
    send_at: datetime | None
    spread: bool
    urgent: bool
    status: Status
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    author_address_id: int | None = None  # where the author's progress card is
    author_card: str | None = None  # its activity id, updated in place
    progress_seen: str | None = None  # the counts last shown on it
    progress_updates: int = 0
    recipients: int = 0
    form_token: str = ""


@dataclass(frozen=True)
class Progress:
    """Counts of people by Delivery, from the recipients and their outbox rows."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def of(self, delivery: Delivery) -> int:
        return self.counts.get(delivery.value, 0)

    @property
    def outstanding(self) -> int:
        """People whose copy may still go out (waiting or queued)."""
        return self.of(Delivery.WAITING) + self.of(Delivery.QUEUED)

    @property
    def signature(self) -> str:
        return ",".join(f"{d.value}={self.of(d)}" for d in Delivery)


@dataclass(frozen=True)
class RecipientStatus:
    """One line of the per-person export."""

    user_id: int
    name: str | None
    site: str | None
    staff_group: str | None
    delivery: Delivery
    updated_at: datetime | None
    install: str | None

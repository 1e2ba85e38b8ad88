"""The coach and mentor network: each person's level, the evidence they record, promotions and mentorships; and
the views the services return, with what the person may do decided once."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from core.coaching.content import Competency, Level


class EvidenceStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    SIGNED_OFF = "signed_off"
    RETURNED = "returned"


class LinkKind(enum.StrEnum):
    PROJECT = "project"  # a project they coached
    CLINIC = "clinic"  # a clinic session they ran
    SET = "set"  # an action learning set they facilitated


class PromotionStatus(enum.StrEnum):
    OFFERED = "offered"  # every competency signed off: the person may ask to be put forward
    REQUESTED = "requested"  # they asked: an admin confirms
    CONFIRMED = "confirmed"


class MentorshipStatus(enum.StrEnum):
    PROPOSED = "proposed"  # the mentee asked; the mentor has not answered
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"  # the mentee reached the level


OPEN_MENTORSHIPS = (MentorshipStatus.PROPOSED.value, MentorshipStatus.ACTIVE.value)


@dataclass(frozen=True)
class Profile:
    user_id: int
    level: str | None  # the level reached; None: not started
    max_mentees: int | None = None  # None: the content's default


@dataclass(frozen=True)
class Evidence:
    id: int
    user_id: int
    level: str
    competency: str
    note: str
    status: EvidenceStatus
    created_at: datetime
    link_kind: LinkKind | None = None
    link_id: int | None = None
    reviewer_id: int | None = None
    comment: str | None = None
    user_name: str | None = None


@dataclass(frozen=True)
class Promotion:
    user_id: int
    level: str
    status: PromotionStatus
    user_name: str | None = None


@dataclass(frozen=True)
class Mentorship:
    id: int
    mentee_id: int
    mentor_id: int
    level: str
    status: MentorshipStatus
    created_at: datetime
    accepted_at: datetime | None = None
    mentee_name: str | None = None
    mentor_name: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A possible mentor, as matching sees them (only name and site are ever shown)."""

    user_id: int
    name: str | None
    site: str | None
    staff_group: str | None
    level: str
    max_mentees: int | None
    mentees: int  # active mentorships now


@dataclass(frozen=True)
class EvidenceLink:
    kind: LinkKind
    id: int
    label: str  # "Project: Fewer falls at night", shown to the person themselves


# --- what the services return ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetencyProgress:
    competency: Competency
    signed_off: bool
    waiting: bool  # evidence submitted, not yet reviewed
    returned: Evidence | None  # the latest returned item, with its comment


@dataclass(frozen=True)
class Route:
    """`my coaching route`: where the person is and what is next."""

    level: Level | None  # reached
    working_towards: Level | None  # None: the top of the route
    progress: list[CompetencyProgress]
    mentor: Mentorship | None  # active or asked
    promotion: Promotion | None
    can_ask_for_mentor: bool
    can_ask_for_promotion: bool
    links: list[EvidenceLink] = field(default_factory=list)

    @property
    def signed(self) -> int:
        return sum(1 for p in self.progress if p.signed_off)


@dataclass(frozen=True)
class Reviews:
    """What a senior coach or mentor may sign off, and what an admin may confirm."""

    evidence: list[Evidence]
    promotions: list[Promotion]

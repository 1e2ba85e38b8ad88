"""Surveys: campaigns (an instrument sent to an audience in a window), invitations (who was asked: the only place
a person's id appears) and responses (stored against a keyed pseudonym, never the person's id)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from core.surveys.content import Instrument


class Audience(enum.StrEnum):
    EVERYONE = "everyone"
    SITE = "site"
    STAFF_GROUP = "staff_group"
    EXPERIENCE = "experience"
    ROLE = "role"


class ResponseStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


MANUAL_WAVE = "campaign"  # the wave of a campaign an admin starts (each campaign is its own wave)


@dataclass(frozen=True)
class Campaign:
    id: int
    instrument_id: str
    instrument_version: int
    wave: str
    opens_at: datetime
    closes_at: datetime | None  # None: a standing campaign of a trigger (each invitation has its own window)
    reminders: int
    audience: Audience | None = None
    audience_value: str | None = None
    rule_id: str | None = None  # the trigger rule of a standing campaign
    series: str | None = None
    created_by: int | None = None
    created_at: datetime | None = None

    @property
    def triggered(self) -> bool:
        return self.rule_id is not None


@dataclass(frozen=True)
class Invitation:
    id: int
    campaign_id: int
    user_id: int
    opens_at: datetime
    closes_at: datetime
    sent_at: datetime | None = None
    reminders_sent: int = 0

    def open_at(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


@dataclass(frozen=True)
class Response:
    """One person's answers to one campaign, as a draft or submitted. `pseudonym` is the keyed hash of the person;
    `site`, `staff_group` and `experience` are what the reports group by (the profile's, or the survey's own
    answer where the instrument asks)."""

    id: int
    campaign_id: int
    pseudonym: str
    instrument_id: str
    instrument_version: int
    series: str | None
    wave: str
    status: ResponseStatus
    section: int  # where the person stopped (the section to show next)
    answers: dict[str, Any]
    site: str | None = None
    staff_group: str | None = None
    experience: str | None = None
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    revision: int = 0  # up by one on every save: which answers a stored score was computed from

    @property
    def submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class ScoredResponse(NamedTuple):
    """A submitted response in a series with its scale score for one scoring (what the before/after reports
    match), without its other answers. `score` is None unless every item of the score was answered on its scale;
    `items` are then those answers, in the scoring's order. A tuple: five years of responses are read at once."""

    id: int
    pseudonym: str
    series: str
    wave: str
    site: str | None
    staff_group: str | None
    submitted_at: datetime | None  # only for the wave asked for (core.surveys.scoring)
    score: float | None
    items: tuple[float, ...] | None


@dataclass(frozen=True)
class Theme:
    id: int
    instrument_id: str
    label: str


@dataclass(frozen=True)
class TextAnswer:
    """A free-text answer for theming: the text, never who wrote it. `site` and `staff_group` are None when the
    respondent's group in that wave has fewer than 5 people (so the text is never shown beside it)."""

    response_id: int
    item_id: str
    text: str
    site: str | None
    staff_group: str | None
    themes: tuple[int, ...] = ()


# --- what the services return to the dialogs, with what the person may do decided once ----------------------


@dataclass(frozen=True)
class SectionView:
    """One section of a survey as the person sees it now."""

    instrument: Instrument
    invitation: Invitation
    index: int
    answers: dict[str, Any]
    submitted: bool
    closes_at: datetime
    notice: str | None = None  # one line at the top: saved, or what is still to answer

    @property
    def section(self):
        return self.instrument.sections[self.index]

    @property
    def first(self) -> bool:
        return self.index == 0

    @property
    def last(self) -> bool:
        return self.index == len(self.instrument.sections) - 1


@dataclass(frozen=True)
class SurveyDone:
    instrument: Instrument
    invitation: Invitation
    closes_at: datetime
    changed: bool  # a response submitted before was changed
    can_change: bool = True


@dataclass(frozen=True)
class OpenSurvey:
    """A survey the person was asked to answer and still can: for `my surveys`."""

    instrument: Instrument
    invitation: Invitation
    status: str  # "new" | "draft" | "submitted"


@dataclass(frozen=True)
class CampaignStarted:
    campaign: Campaign
    invited: int
    already: bool = False  # the same form was sent twice: nothing new


@dataclass
class TriggerOutcome:
    invited: list[str] = field(default_factory=list)  # trigger rule ids a new invitation was made for
    skipped: list[str] = field(default_factory=list)  # rule ids that did not apply (already asked, no before)

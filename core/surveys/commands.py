"""What a person asks the survey services to do, as typed values (card input ids stop at the dialog)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.kernel.errors import InvalidInput

RawAnswer = str | tuple[str, ...] | None  # as typed or chosen: parsed and checked by the service


@dataclass(frozen=True)
class SectionAnswers:
    invitation_id: int
    section: int  # the section the card showed
    answers: Mapping[str, RawAnswer] = field(default_factory=dict)  # item id -> what was given
    finish_later: bool = False  # keep as a draft: what is given is checked, what is missing may stay missing


@dataclass(frozen=True)
class CampaignRequest:
    instrument_id: str | None
    audience: str | None  # everyone | site | staff_group | experience | role
    audience_value: str | None
    closes_on: str | None  # a local date, YYYY-MM-DD
    reminders: str | None  # "0", "1" or "2"
    form_token: str  # the form's own id: the same form sent twice starts one campaign


@dataclass(frozen=True)
class ThemeTags:
    response_id: int
    item_id: str
    theme_ids: tuple[int, ...] = ()
    new_theme: str | None = None  # a theme to add to the list and tag this answer with


class InvalidAnswer(InvalidInput):
    """One answer was refused; `field` names the item (or the command's field), so the form shows it there."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class SurveyClosed(InvalidInput):
    """The survey's window has closed (or not opened yet): answers can no longer be given or changed."""

"""What the survey services need: their repository, and the messages they queue (with the pseudonym key)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from core.kernel.model import OutboundMessage
from core.surveys.content import Instrument
from core.surveys.model import Audience, Campaign, Invitation, Response, ScoredResponse, Theme
from core.surveys.pseudonyms import Pseudonyms


class SurveyRepository(Protocol):
    # --- campaigns ---------------------------------------------------------------------------------------------
    async def add_campaign(
        self,
        *,
        instrument_id: str,
        instrument_version: int,
        wave: str,
        series: str | None,
        rule_id: str | None,
        opens_at: datetime,
        closes_at: datetime | None,
        reminders: int,
        audience: Audience | None,
        audience_value: str | None,
        created_by: int | None,
        form_token: str | None,
        now: datetime,
    ) -> Campaign | None:
        """The new campaign; None when the form token or the (instrument, trigger rule) already has one."""
        ...

    async def get_campaign(self, campaign_id: int) -> Campaign | None: ...
    async def campaign_for_form(self, form_token: str) -> Campaign | None: ...
    async def standing_campaign(self, instrument_id: str, rule_id: str) -> Campaign | None: ...
    async def campaigns(self) -> list[Campaign]: ...

    # --- invitations: who was asked (the only survey rows holding a person's id) ------------------------------
    async def add_invitations(
        self, campaign_id: int, user_ids: Sequence[int], *, opens_at: datetime, closes_at: datetime, now: datetime
    ) -> int:
        """Invite each person once per campaign (a unique constraint); the number newly invited."""
        ...

    async def get_invitation(self, invitation_id: int) -> Invitation | None: ...
    async def invitation_for(self, campaign_id: int, user_id: int) -> Invitation | None: ...
    async def invited_to_wave(self, user_id: int, *, series: str, wave: str) -> bool:
        """Whether the person was asked in that wave of the series (by any campaign of any instrument's rule)."""
        ...

    async def invitations_to_send(self, *, now: datetime, limit: int) -> list[Invitation]:
        """Not sent yet and open now (opens_at <= now < closes_at), oldest first."""
        ...

    async def mark_sent(self, invitation_id: int, *, now: datetime) -> bool:
        """Only the first call for an invitation returns True."""
        ...

    async def invitations_to_remind(self, *, now: datetime) -> list[tuple[Invitation, Campaign]]:
        """Sent, still open, and fewer reminders sent than the campaign allows."""
        ...

    async def count_reminder(self, invitation_id: int, *, number: int) -> bool:
        """Record reminder `number` if `number - 1` were sent; False when another run got there first."""
        ...

    async def open_invitations(self, user_id: int, *, now: datetime) -> list[Invitation]: ...
    async def invited_counts(self, *, now: datetime) -> dict[int, int]:
        """People invited per campaign id, counting invitations that have opened."""
        ...

    async def audience(self, kind: Audience, value: str | None) -> list[int]:
        """Onboarded people in the audience (everyone, or by site, staff group, QI experience or role)."""
        ...

    # --- responses: keyed by pseudonym -------------------------------------------------------------------------
    async def response(self, campaign_id: int, pseudonym: str) -> Response | None: ...
    async def get_response(self, response_id: int) -> Response | None: ...
    async def start_response(self, campaign: Campaign, pseudonym: str, *, now: datetime) -> Response:
        """The draft for (campaign, pseudonym), created once however many turns ask at the same time."""
        ...

    async def save_response(
        self,
        response_id: int,
        *,
        answers: dict[str, Any],
        section: int,
        site: str | None,
        staff_group: str | None,
        experience: str | None,
        now: datetime,
    ) -> None: ...
    async def submit_response(self, response_id: int, *, now: datetime) -> bool:
        """Draft to submitted; False when it already was (a double tap submits once)."""
        ...

    async def submitted_pseudonyms(self, campaign_id: int) -> set[str]: ...
    async def responses(self, instrument_id: str) -> list[Response]:
        """Every submitted response to the instrument, in id order."""
        ...

    async def responses_by_id(self, ids: Sequence[int]) -> list[Response]:
        """Those of the responses that are submitted, in id order."""
        ...

    # --- the answers as numbers (storage keeps them; core.surveys.scoring) ---------------------------------------
    async def answers_version(self, instrument_id: str) -> str | None:
        """The version of the instrument's submitted answers: replaced in the transaction of each submission or
        change of one, never used twice; None before any is submitted."""
        ...

    async def submitted_counts(self) -> dict[int, int]:
        """Campaign id -> submitted responses."""
        ...

    async def item_totals(self, campaign_ids: Sequence[int]) -> dict[tuple[int, str], tuple[int, float]]:
        """(campaign id, item id) -> (answers that are numbers, their sum), over submitted responses."""
        ...

    async def scores(
        self, instrument_id: str, scoring_id: str, key: str, *, times_of: str | None = None
    ) -> tuple[list[ScoredResponse], list[int]]:
        """Every submitted response to the instrument in a series, in id order, with its stored score for the
        scoring (`submitted_at` only for the responses of the wave `times_of`); and apart, the ids of those with
        no score stored under `key` for their present revision."""
        ...

    async def store_scores(
        self, scoring_id: str, key: str, scores: Sequence[tuple[int, int, float | None, Sequence[float] | None]]
    ) -> None:
        """(response id, the revision scored, score, the items' answers): stored, replacing any earlier one."""
        ...

    # --- themes for free text ------------------------------------------------------------------------------------
    async def themes(self, instrument_id: str) -> list[Theme]: ...
    async def add_theme(self, instrument_id: str, label: str, *, by: int, now: datetime) -> Theme:
        """The theme with that label (case-insensitive), added once."""
        ...

    async def codes(self, instrument_id: str) -> dict[tuple[int, str], tuple[int, ...]]:
        """(response id, item id) -> theme ids, for every answer already themed (an empty tuple: no theme fits)."""
        ...

    async def save_code(
        self, response_id: int, item_id: str, theme_ids: Sequence[int], *, by: int, now: datetime
    ) -> None: ...


class SurveyMessages(Protocol):
    """The survey messages (dialogs/surveys/messages.py), built once in the composition root with the key."""

    pseudonyms: Pseudonyms

    def invitation(self, instrument: Instrument, invitation: Invitation) -> OutboundMessage: ...
    def reminder(self, instrument: Instrument, invitation: Invitation, number: int) -> OutboundMessage: ...

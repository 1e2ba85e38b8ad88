"""SQL repository for surveys: campaigns, invitations, pseudonymous responses and the themes of free text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.kernel.model import Role
from core.surveys.model import Audience, Campaign, Invitation, Response, ResponseStatus
from storage.repositories import _insert
from storage.surveys.numbers import SqlSurveyNumbers
from storage.surveys.tables import survey_campaigns, survey_invitations, survey_responses
from storage.surveys.themes import SqlThemeRows
from storage.tables import user_roles, users

INSERT_CHUNK = 500


def _campaign(row) -> Campaign:
    return Campaign(
        id=row["id"],
        instrument_id=row["instrument_id"],
        instrument_version=row["instrument_version"],
        wave=row["wave"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        reminders=row["reminders"],
        audience=Audience(row["audience"]) if row["audience"] else None,
        audience_value=row["audience_value"],
        rule_id=row["rule_id"],
        series=row["series"],
        created_by=row["created_by"],
        created_at=row["created_at"],
    )


def _invitation(row) -> Invitation:
    return Invitation(
        id=row["id"],
        campaign_id=row["campaign_id"],
        user_id=row["user_id"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        sent_at=row["sent_at"],
        reminders_sent=row["reminders_sent"],
    )


def _response(row) -> Response:
    return Response(
        id=row["id"],
        campaign_id=row["campaign_id"],
        pseudonym=row["pseudonym"],
        instrument_id=row["instrument_id"],
        instrument_version=row["instrument_version"],
        series=row["series"],
        wave=row["wave"],
        status=ResponseStatus(row["status"]),
        section=row["section"],
        answers=dict(row["answers"] or {}),
        site=row["site"],
        staff_group=row["staff_group"],
        experience=row["experience"],
        started_at=row["started_at"],
        submitted_at=row["submitted_at"],
        revision=row["revision"],
    )


class SqlSurveyRepository(SqlThemeRows, SqlSurveyNumbers):
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def _one(self, table, where, build):
        row = (await self.conn.execute(select(table).where(where))).mappings().first()
        return build(row) if row else None

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
        stmt = (
            _insert(self.conn, survey_campaigns)
            .values(
                instrument_id=instrument_id,
                instrument_version=instrument_version,
                wave=wave,
                series=series,
                rule_id=rule_id,
                opens_at=opens_at,
                closes_at=closes_at,
                reminders=reminders,
                audience=audience.value if audience else None,
                audience_value=audience_value,
                created_by=created_by,
                form_token=form_token,
                created_at=now,
            )
            .on_conflict_do_nothing()
            .returning(survey_campaigns.c.id)
        )
        made = (await self.conn.execute(stmt)).scalar()
        return await self.get_campaign(made) if made is not None else None

    async def get_campaign(self, campaign_id: int) -> Campaign | None:
        return await self._one(survey_campaigns, survey_campaigns.c.id == campaign_id, _campaign)

    async def campaign_for_form(self, form_token: str) -> Campaign | None:
        return await self._one(survey_campaigns, survey_campaigns.c.form_token == form_token, _campaign)

    async def standing_campaign(self, instrument_id: str, rule_id: str) -> Campaign | None:
        where = and_(survey_campaigns.c.instrument_id == instrument_id, survey_campaigns.c.rule_id == rule_id)
        return await self._one(survey_campaigns, where, _campaign)

    async def campaigns(self) -> list[Campaign]:
        rows = await self.conn.execute(select(survey_campaigns).order_by(survey_campaigns.c.id))
        return [_campaign(r) for r in rows.mappings()]

    # --- invitations ---------------------------------------------------------------------------------------------

    async def add_invitations(
        self, campaign_id: int, user_ids: Sequence[int], *, opens_at: datetime, closes_at: datetime, now: datetime
    ) -> int:
        made = 0
        ids = list(dict.fromkeys(user_ids))
        for start in range(0, len(ids), INSERT_CHUNK):
            rows = [
                dict(campaign_id=campaign_id, user_id=u, opens_at=opens_at, closes_at=closes_at, created_at=now)
                for u in ids[start : start + INSERT_CHUNK]
            ]
            stmt = (
                _insert(self.conn, survey_invitations)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["campaign_id", "user_id"])
                .returning(survey_invitations.c.id)
            )
            made += len((await self.conn.execute(stmt)).all())
        return made

    async def get_invitation(self, invitation_id: int) -> Invitation | None:
        return await self._one(survey_invitations, survey_invitations.c.id == invitation_id, _invitation)

    async def invitation_for(self, campaign_id: int, user_id: int) -> Invitation | None:
        where = and_(survey_invitations.c.campaign_id == campaign_id, survey_invitations.c.user_id == user_id)
        return await self._one(survey_invitations, where, _invitation)

    async def invited_to_wave(self, user_id: int, *, series: str, wave: str) -> bool:
        stmt = (
            select(survey_invitations.c.id)
            .join(survey_campaigns, survey_campaigns.c.id == survey_invitations.c.campaign_id)
            .where(
                survey_invitations.c.user_id == user_id,
                survey_campaigns.c.series == series,
                survey_campaigns.c.wave == wave,
            )
            .limit(1)
        )
        return (await self.conn.execute(stmt)).first() is not None

    async def invitations_to_send(self, *, now: datetime, limit: int) -> list[Invitation]:
        stmt = (
            select(survey_invitations)
            .where(
                survey_invitations.c.sent_at.is_(None),
                survey_invitations.c.opens_at <= now,
                survey_invitations.c.closes_at > now,
            )
            .order_by(survey_invitations.c.opens_at, survey_invitations.c.id)
            .limit(limit)
        )
        return [_invitation(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def mark_sent(self, invitation_id: int, *, now: datetime) -> bool:
        stmt = (
            update(survey_invitations)
            .where(survey_invitations.c.id == invitation_id, survey_invitations.c.sent_at.is_(None))
            .values(sent_at=now)
        )
        return (await self.conn.execute(stmt)).rowcount == 1

    async def invitations_to_remind(self, *, now: datetime) -> list[tuple[Invitation, Campaign]]:
        stmt = (
            select(survey_invitations, survey_campaigns)
            .join(survey_campaigns, survey_campaigns.c.id == survey_invitations.c.campaign_id)
            .where(
                survey_invitations.c.sent_at.is_not(None),
                survey_invitations.c.closes_at > now,
                survey_invitations.c.reminders_sent < survey_campaigns.c.reminders,
            )
            .order_by(survey_invitations.c.id)
        )
        rows = (await self.conn.execute(stmt)).all()
        invitation_cols = list(survey_invitations.c.keys())
        campaign_cols = list(survey_campaigns.c.keys())
        found = []
        for row in rows:
            values = list(row)
            inv = dict(zip(invitation_cols, values[: len(invitation_cols)], strict=True))
            camp = dict(zip(campaign_cols, values[len(invitation_cols) :], strict=True))
            found.append((_invitation(inv), _campaign(camp)))
        return found

    async def count_reminder(self, invitation_id: int, *, number: int) -> bool:
        stmt = (
            update(survey_invitations)
            .where(survey_invitations.c.id == invitation_id, survey_invitations.c.reminders_sent == number - 1)
            .values(reminders_sent=number)
        )
        return (await self.conn.execute(stmt)).rowcount == 1

    async def open_invitations(self, user_id: int, *, now: datetime) -> list[Invitation]:
        stmt = (
            select(survey_invitations)
            .where(
                survey_invitations.c.user_id == user_id,
                survey_invitations.c.opens_at <= now,
                survey_invitations.c.closes_at > now,
            )
            .order_by(survey_invitations.c.id.desc())
        )
        return [_invitation(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def invited_counts(self, *, now: datetime) -> dict[int, int]:
        stmt = (
            select(survey_invitations.c.campaign_id, func.count())
            .where(survey_invitations.c.opens_at <= now)
            .group_by(survey_invitations.c.campaign_id)
        )
        return dict((await self.conn.execute(stmt)).all())

    async def audience(self, kind: Audience, value: str | None) -> list[int]:
        stmt = select(users.c.id).where(users.c.onboarded_at.is_not(None)).order_by(users.c.id)
        if kind == Audience.SITE:
            stmt = stmt.where(users.c.site == value)
        elif kind == Audience.STAFF_GROUP:
            stmt = stmt.where(users.c.staff_group == value)
        elif kind == Audience.EXPERIENCE:
            stmt = stmt.where(users.c.experience == value)
        elif kind == Audience.ROLE and value != Role.STAFF.value:
            roles = [value] if value == Role.ADMIN.value else [value, Role.ADMIN.value]  # an admin is every role
            stmt = stmt.where(users.c.id.in_(select(user_roles.c.user_id).where(user_roles.c.role.in_(roles))))
        return list((await self.conn.execute(stmt)).scalars())

    # --- responses -----------------------------------------------------------------------------------------------

    async def response(self, campaign_id: int, pseudonym: str) -> Response | None:
        where = and_(survey_responses.c.campaign_id == campaign_id, survey_responses.c.pseudonym == pseudonym)
        return await self._one(survey_responses, where, _response)

    async def get_response(self, response_id: int) -> Response | None:
        return await self._one(survey_responses, survey_responses.c.id == response_id, _response)

    async def start_response(self, campaign: Campaign, pseudonym: str, *, now: datetime) -> Response:
        stmt = (
            _insert(self.conn, survey_responses)
            .values(
                campaign_id=campaign.id,
                pseudonym=pseudonym,
                instrument_id=campaign.instrument_id,
                instrument_version=campaign.instrument_version,
                series=campaign.series,
                wave=campaign.wave,
                status=ResponseStatus.DRAFT.value,
                section=0,
                answers={},
                started_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["campaign_id", "pseudonym"])
        )
        await self.conn.execute(stmt)
        found = await self.response(campaign.id, pseudonym)
        assert found is not None
        return found

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
    ) -> None:
        await self.conn.execute(
            update(survey_responses)
            .where(survey_responses.c.id == response_id)
            .values(
                answers=answers,
                section=section,
                site=site,
                staff_group=staff_group,
                experience=experience,
                updated_at=now,
                revision=survey_responses.c.revision + 1,
            )
        )
        await self._keep_values(response_id)

    async def submit_response(self, response_id: int, *, now: datetime) -> bool:
        stmt = (
            update(survey_responses)
            .where(survey_responses.c.id == response_id, survey_responses.c.status == ResponseStatus.DRAFT.value)
            .values(status=ResponseStatus.SUBMITTED.value, submitted_at=now, section=0)
        )
        if (await self.conn.execute(stmt)).rowcount != 1:
            return False
        await self._keep_values(response_id)
        return True

    async def submitted_pseudonyms(self, campaign_id: int) -> set[str]:
        stmt = select(survey_responses.c.pseudonym).where(
            survey_responses.c.campaign_id == campaign_id,
            survey_responses.c.status == ResponseStatus.SUBMITTED.value,
        )
        return set((await self.conn.execute(stmt)).scalars())

    async def responses(self, instrument_id: str) -> list[Response]:
        stmt = (
            select(survey_responses)
            .where(
                survey_responses.c.instrument_id == instrument_id,
                survey_responses.c.status == ResponseStatus.SUBMITTED.value,
            )
            .order_by(survey_responses.c.id)
        )
        return [_response(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def responses_by_id(self, ids: Sequence[int]) -> list[Response]:
        found = []
        for start in range(0, len(ids), INSERT_CHUNK):
            stmt = select(survey_responses).where(
                survey_responses.c.id.in_(list(ids[start : start + INSERT_CHUNK])),
                survey_responses.c.status == ResponseStatus.SUBMITTED.value,
            )
            found += [_response(r) for r in (await self.conn.execute(stmt)).mappings()]
        return sorted(found, key=lambda r: r.id)

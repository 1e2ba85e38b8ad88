"""The announcements' SQL: drafts and their status moves (each one conditional UPDATE), the audience, and each
person's delivery read from the outbox row that carries their copy. Never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, bindparam, case, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.announcements.model import (
    Announcement,
    Audience,
    AudienceFilter,
    AudienceMember,
    Button,
    Delivery,
    Draft,
    InstallStatus,
    RecipientState,
    RecipientStatus,
    Status,
)
from core.kernel.model import OutboxStatus
from storage.announcements.tables import announcement_recipients as recipients
from storage.announcements.tables import announcements
from storage.repositories import _insert
from storage.tables import conversation_addresses as addresses
from storage.tables import outbox, user_roles, users

CHUNK = 1000


def _row(r) -> Announcement:
    return Announcement(
        id=r["id"],
        author_id=r["author_id"],
        title=r["title"],
        text=r["text"],
        image_url=r["image_url"],
        buttons=tuple(Button.from_json(b) for b in r["buttons"]),
        audience=Audience.from_json(r["audience"]),
        send_at=r["send_at"],
        spread=r["spread"],
        urgent=r["urgent"],
        status=Status(r["status"]),
        created_at=r["created_at"],
        started_at=r["started_at"],
        finished_at=r["finished_at"],
        author_address_id=r["author_address_id"],
        author_card=r["author_card"],
        progress_seen=r["progress_seen"],
        progress_updates=r["progress_updates"],
        recipients=r["recipients"],
        form_token=r["form_token"],
    )


def _draft_values(draft: Draft) -> dict:
    return dict(
        title=draft.title,
        text=draft.text,
        image_url=draft.image_url,
        buttons=[b.to_json() for b in draft.buttons],
        audience=draft.audience.to_json(),
        send_at=draft.send_at,
        spread=draft.spread,
        urgent=draft.urgent,
    )


def _installed(user_id_column):
    return exists().where(
        addresses.c.user_id == user_id_column,
        addresses.c.conversation_type == "personal",
        addresses.c.active.is_(True),
        addresses.c.reachable.is_(True),
    )


# What one recipient's copy came to: their state, or (queued) the outbox row's status. A queued copy whose row
# has been purged (sent more than 90 days ago) was sent: the outbox purges only sent and cancelled rows.
_DELIVERY = case(
    (
        recipients.c.state == RecipientState.QUEUED.value,
        case(
            (outbox.c.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]), Delivery.QUEUED.value),
            (outbox.c.status.is_(None), Delivery.SENT.value),
            else_=outbox.c.status,
        ),
    ),
    else_=recipients.c.state,
)


# One recipient's state, executed for a whole slice at once (executemany: one round trip to the database).
_SET_STATE = (
    update(recipients)
    .where(recipients.c.announcement_id == bindparam("b_announcement"), recipients.c.user_id == bindparam("b_user"))
    .values(state=bindparam("b_state"), outbox_key=bindparam("b_key"), updated_at=bindparam("b_now"))
)


class SqlAnnouncementRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add_draft(self, *, author_id, form_token, draft: Draft, now) -> int | None:
        stmt = (
            _insert(self.conn, announcements)
            .values(
                author_id=author_id,
                form_token=form_token,
                status=Status.DRAFT.value,
                created_at=now,
                updated_at=now,
                **_draft_values(draft),
            )
            .on_conflict_do_nothing(index_elements=["form_token"])
            .returning(announcements.c.id)
        )
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def for_form(self, form_token):
        row = (
            await self.conn.execute(select(announcements).where(announcements.c.form_token == form_token))
        ).mappings()
        found = row.first()
        return _row(found) if found else None

    async def update_draft(self, announcement_id, draft: Draft, *, now) -> bool:
        result = await self.conn.execute(
            update(announcements)
            .where(announcements.c.id == announcement_id, announcements.c.status == Status.DRAFT.value)
            .values(updated_at=now, **_draft_values(draft))
        )
        return result.rowcount == 1

    async def get(self, announcement_id, *, lock=False):
        stmt = select(announcements).where(announcements.c.id == announcement_id)
        if lock and self.conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        found = (await self.conn.execute(stmt)).mappings().first()
        return _row(found) if found else None

    async def move(self, announcement_id, *, from_, to, now, **fields) -> bool:
        result = await self.conn.execute(
            update(announcements)
            .where(announcements.c.id == announcement_id, announcements.c.status.in_([s.value for s in from_]))
            .values(status=to.value, updated_at=now, **fields)
        )
        return result.rowcount == 1

    async def audience(self, audience: AudienceFilter) -> list[AudienceMember]:
        stmt = select(users.c.id, _installed(users.c.id).label("installed")).order_by(users.c.id)
        if audience.sites is not None:
            stmt = stmt.where(users.c.site.in_(sorted(audience.sites)))
        if audience.staff_groups is not None:
            stmt = stmt.where(users.c.staff_group.in_(sorted(audience.staff_groups)))
        if audience.experience is not None:
            stmt = stmt.where(users.c.experience.in_(sorted(audience.experience)))
        if audience.roles is not None:
            stmt = stmt.where(
                exists().where(user_roles.c.user_id == users.c.id, user_roles.c.role.in_(sorted(audience.roles)))
            )
        rows = await self.conn.execute(stmt)
        return [AudienceMember(user_id, bool(installed)) for user_id, installed in rows]

    async def add_recipients(self, announcement_id, user_ids: Sequence[int], *, now) -> int:
        added = 0
        for start in range(0, len(user_ids), CHUNK):
            rows = [
                dict(announcement_id=announcement_id, user_id=u, state=RecipientState.WAITING.value, updated_at=now)
                for u in user_ids[start : start + CHUNK]
            ]
            stmt = _insert(self.conn, recipients).on_conflict_do_nothing(index_elements=["announcement_id", "user_id"])
            added += (await self.conn.execute(stmt, rows)).rowcount
        return added

    async def is_recipient(self, announcement_id, user_id) -> bool:
        stmt = select(recipients.c.user_id).where(
            recipients.c.announcement_id == announcement_id, recipients.c.user_id == user_id
        )
        return (await self.conn.execute(stmt)).first() is not None

    async def waiting(self, announcement_id, *, limit):
        stmt = (
            select(recipients.c.user_id, recipients.c.round)
            .where(recipients.c.announcement_id == announcement_id, recipients.c.state == RecipientState.WAITING.value)
            .order_by(recipients.c.user_id)
            .limit(limit)
        )
        return [(u, r) for u, r in await self.conn.execute(stmt)]

    async def set_states(self, announcement_id, states, *, now) -> None:
        if not states:
            return
        await self.conn.execute(
            _SET_STATE,
            [dict(b_announcement=announcement_id, b_user=u, b_state=s.value, b_key=k, b_now=now) for u, s, k in states],
        )

    def _with_outbox(self, *columns):
        return select(*columns).select_from(
            recipients.outerjoin(outbox, outbox.c.dedupe_key == recipients.c.outbox_key)
        )

    async def queued_count(self, announcement_id) -> int:
        stmt = self._with_outbox(func.count()).where(
            recipients.c.announcement_id == announcement_id,
            recipients.c.state == RecipientState.QUEUED.value,
            outbox.c.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]),
        )
        return (await self.conn.execute(stmt)).scalar_one()

    async def requeue(self, announcement_id, outbox_status, *, now) -> int:
        gone = select(outbox.c.dedupe_key).where(outbox.c.status == outbox_status)
        result = await self.conn.execute(
            update(recipients)
            .where(
                recipients.c.announcement_id == announcement_id,
                recipients.c.state == RecipientState.QUEUED.value,
                recipients.c.outbox_key.in_(gone.scalar_subquery()),
            )
            .values(state=RecipientState.WAITING.value, outbox_key=None, round=recipients.c.round + 1, updated_at=now)
        )
        return result.rowcount

    async def arrived(self, announcement_id, *, now) -> int:
        result = await self.conn.execute(
            update(recipients)
            .where(
                recipients.c.announcement_id == announcement_id,
                recipients.c.state == RecipientState.NOT_INSTALLED.value,
                _installed(recipients.c.user_id),
            )
            .values(state=RecipientState.WAITING.value, updated_at=now)
        )
        return result.rowcount

    async def progress(self, announcement_id) -> dict[str, int]:
        delivery = _DELIVERY.label("delivery")
        stmt = (
            self._with_outbox(delivery, func.count())
            .where(recipients.c.announcement_id == announcement_id)
            .group_by(delivery)
        )
        return {d: n for d, n in await self.conn.execute(stmt)}

    async def statuses(self, announcement_id) -> list[RecipientStatus]:
        stmt = (
            select(
                recipients.c.user_id,
                users.c.name,
                users.c.site,
                users.c.staff_group,
                _DELIVERY.label("delivery"),
                func.coalesce(outbox.c.sent_at, recipients.c.updated_at).label("at"),
                recipients.c.install_status,
            )
            .select_from(
                recipients.join(users, users.c.id == recipients.c.user_id).outerjoin(
                    outbox, outbox.c.dedupe_key == recipients.c.outbox_key
                )
            )
            .where(recipients.c.announcement_id == announcement_id)
            .order_by(users.c.name, recipients.c.user_id)
        )
        return [
            RecipientStatus(r.user_id, r.name, r.site, r.staff_group, Delivery(r.delivery), r.at, r.install_status)
            for r in await self.conn.execute(stmt)
        ]

    async def active(self, *, since) -> list[Announcement]:
        live = [Status.SCHEDULED.value, Status.SENDING.value, Status.PAUSED.value]
        ended = [Status.DONE.value, Status.CANCELLED.value]
        stmt = (
            select(announcements)
            .where(
                or_(
                    announcements.c.status.in_(live),
                    and_(announcements.c.status.in_(ended), announcements.c.finished_at >= since),
                )
            )
            .order_by(announcements.c.id)
        )
        return [_row(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def save_progress(self, announcement_id, *, seen, now) -> int:
        result = await self.conn.execute(
            update(announcements)
            .where(announcements.c.id == announcement_id)
            .values(progress_seen=seen, progress_updates=announcements.c.progress_updates + 1)
            .returning(announcements.c.progress_updates)
        )
        return result.scalar_one()

    async def install_candidates(self, announcement_id, *, attempts, limit):
        ever_personal = exists().where(
            addresses.c.user_id == recipients.c.user_id, addresses.c.conversation_type == "personal"
        )
        stmt = (
            select(recipients.c.user_id, users.c.aad_object_id)
            .select_from(recipients.join(users, users.c.id == recipients.c.user_id))
            .where(
                recipients.c.announcement_id == announcement_id,
                recipients.c.state == RecipientState.NOT_INSTALLED.value,
                users.c.aad_object_id.is_not(None),
                ~ever_personal,
                or_(
                    recipients.c.install_status.is_(None),
                    and_(
                        recipients.c.install_status == InstallStatus.ERROR.value,
                        recipients.c.install_attempts < attempts,
                    ),
                ),
            )
            .order_by(recipients.c.user_id)
            .limit(limit)
        )
        return [(u, a) for u, a in await self.conn.execute(stmt)]

    async def record_install(self, announcement_id, user_id, status, *, now) -> None:
        await self.conn.execute(
            update(recipients)
            .where(recipients.c.announcement_id == announcement_id, recipients.c.user_id == user_id)
            .values(install_status=status, install_attempts=recipients.c.install_attempts + 1, updated_at=now)
        )


__all__ = ["SqlAnnouncementRepository"]

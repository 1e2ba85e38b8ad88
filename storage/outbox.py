"""The outbox: every future message a row with a unique dedupe key, claimed with a lease (FOR UPDATE SKIP LOCKED on
PostgreSQL) and marked with its outcome right after its send."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.kernel.model import (
    OutboundMessage,
    OutboxItem,
    OutboxStatus,
)
from core.kernel.ports import NewOutboxRow
from storage.repositories import _insert, chunks
from storage.tables import (
    outbox,
)


class SqlOutboxRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(
        self, *, dedupe_key, user_id, address_id, category, message: OutboundMessage, due_at, counts_to_budget, now
    ) -> bool:
        stmt = (
            _insert(self.conn, outbox)
            .values(
                dedupe_key=dedupe_key,
                user_id=user_id,
                address_id=address_id,
                category=category,
                counts_to_budget=counts_to_budget,
                payload=message.to_json(),
                status=OutboxStatus.PENDING.value,
                due_at=due_at,
                attempts=0,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
        )
        result = await self.conn.execute(stmt)
        return result.rowcount == 1

    async def add_many(self, rows: Sequence[NewOutboxRow], *, now: datetime) -> set[str]:
        """INSERT ... ON CONFLICT DO NOTHING RETURNING, executed for all rows at once (SQLAlchemy sends them as
        multi-row statements of up to 1,000); a message shared by the rows (an announcement's card) is
        serialised once."""
        if not rows:
            return set()
        payloads: dict[int, dict] = {}
        for row in rows:
            payloads.setdefault(id(row.message), row.message.to_json())
        values = [
            dict(
                dedupe_key=row.dedupe_key,
                user_id=row.user_id,
                address_id=row.address_id,
                category=row.category,
                counts_to_budget=row.counts_to_budget,
                payload=payloads[id(row.message)],
                status=OutboxStatus.PENDING.value,
                due_at=row.due_at,
                attempts=0,
                created_at=now,
            )
            for row in rows
        ]
        stmt = (
            _insert(self.conn, outbox)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(outbox.c.dedupe_key)
        )
        return set((await self.conn.execute(stmt, values)).scalars())

    async def budgeted_due_times(self, user_ids: Sequence[int], *, since: datetime) -> dict[int, list[datetime]]:
        found: dict[int, list[datetime]] = {}
        for chunk in chunks(sorted(set(user_ids))):
            stmt = select(outbox.c.user_id, outbox.c.due_at).where(
                outbox.c.user_id.in_(chunk),
                outbox.c.counts_to_budget.is_(True),
                outbox.c.status != OutboxStatus.CANCELLED.value,
                outbox.c.due_at >= since,
            )
            for user_id, due_at in await self.conn.execute(stmt):
                found.setdefault(user_id, []).append(due_at)
        return found

    async def count_budgeted(self, user_id: int, start: datetime, end: datetime) -> int:
        stmt = (
            select(func.count())
            .select_from(outbox)
            .where(
                outbox.c.user_id == user_id,
                outbox.c.counts_to_budget.is_(True),
                outbox.c.status != OutboxStatus.CANCELLED.value,
                outbox.c.due_at >= start,
                outbox.c.due_at < end,
            )
        )
        return (await self.conn.execute(stmt)).scalar_one()

    async def claim_due(self, *, now: datetime, limit: int, lease_seconds: float) -> list[OutboxItem]:
        """Take up to `limit` due rows: pending ones, and ones whose sender died mid-send (lease expired).

        PostgreSQL: FOR UPDATE SKIP LOCKED lets several dispatchers claim without blocking or double-claiming.
        SQLite: one writer at a time, so the UPDATE ... RETURNING is atomic on its own.
        """
        due = or_(
            and_(outbox.c.status == OutboxStatus.PENDING.value, outbox.c.due_at <= now),
            and_(outbox.c.status == OutboxStatus.SENDING.value, outbox.c.lease_until < now),
        )
        ids = select(outbox.c.id).where(due).order_by(outbox.c.due_at, outbox.c.id).limit(limit)
        if self.conn.dialect.name == "postgresql":
            ids = ids.with_for_update(skip_locked=True)
        stmt = (
            update(outbox)
            .where(outbox.c.id.in_(ids.scalar_subquery()))
            .values(status=OutboxStatus.SENDING.value, lease_until=now + timedelta(seconds=lease_seconds))
            .returning(
                outbox.c.id,
                outbox.c.user_id,
                outbox.c.address_id,
                outbox.c.category,
                outbox.c.payload,
                outbox.c.attempts,
                outbox.c.due_at,
                outbox.c.dedupe_key,
            )
        )
        rows = (await self.conn.execute(stmt)).mappings().all()
        items = [
            OutboxItem(
                id=r["id"],
                user_id=r["user_id"],
                address_id=r["address_id"],
                category=r["category"],
                message=OutboundMessage.from_json(r["payload"]),
                attempts=r["attempts"],
                due_at=r["due_at"],
                dedupe_key=r["dedupe_key"],
            )
            for r in rows
        ]
        return sorted(items, key=lambda i: (i.due_at, i.id))

    async def mark_sent(self, item_id: int, *, now: datetime, started_conversation: str | None = None) -> None:
        values: dict[str, Any] = dict(
            status=OutboxStatus.SENT.value, sent_at=now, lease_until=None, attempts=outbox.c.attempts + 1
        )
        if started_conversation:
            values["started_conversation"] = started_conversation
        await self.conn.execute(update(outbox).where(outbox.c.id == item_id).values(**values))

    async def queued(self, dedupe_keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(list(dict.fromkeys(dedupe_keys))):
            rows = await self.conn.execute(select(outbox.c.dedupe_key).where(outbox.c.dedupe_key.in_(chunk)))
            found.update(rows.scalars())
        return found

    async def has(self, dedupe_key: str) -> bool:
        stmt = select(outbox.c.id).where(outbox.c.dedupe_key == dedupe_key).limit(1)
        return (await self.conn.execute(stmt)).first() is not None

    async def started_conversation(self, dedupe_key: str) -> str | None:
        stmt = select(outbox.c.started_conversation).where(
            outbox.c.dedupe_key == dedupe_key, outbox.c.status == OutboxStatus.SENT.value
        )
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def reschedule(self, item_id: int, *, due_at: datetime, error: str | None, count_attempt: bool) -> None:
        values: dict[str, Any] = dict(
            status=OutboxStatus.PENDING.value, due_at=due_at, lease_until=None, last_error=error
        )
        if count_attempt:
            values["attempts"] = outbox.c.attempts + 1
        await self.conn.execute(update(outbox).where(outbox.c.id == item_id).values(**values))

    async def mark_failed(self, item_id: int, *, error: str, now: datetime) -> None:
        await self.conn.execute(
            update(outbox)
            .where(outbox.c.id == item_id)
            .values(
                status=OutboxStatus.FAILED.value, last_error=error, lease_until=None, attempts=outbox.c.attempts + 1
            )
        )

    async def mark_unreachable_for_user(self, user_id: int, *, error: str, now: datetime) -> int:
        result = await self.conn.execute(
            update(outbox)
            .where(
                outbox.c.user_id == user_id,
                outbox.c.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]),
            )
            .values(status=OutboxStatus.UNREACHABLE.value, last_error=error, lease_until=None)
        )
        return result.rowcount

    async def cancel(self, dedupe_key_prefix: str) -> int:
        escaped = dedupe_key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        result = await self.conn.execute(
            update(outbox)
            .where(outbox.c.dedupe_key.like(escaped + "%", escape="\\"), outbox.c.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.CANCELLED.value)
        )
        return result.rowcount

    async def purge_finished(self, *, before: datetime) -> int:
        """Delete delivered and cancelled rows created before `before` (they have served their purpose)."""
        result = await self.conn.execute(
            delete(outbox).where(
                outbox.c.status.in_([OutboxStatus.SENT.value, OutboxStatus.CANCELLED.value]),
                outbox.c.created_at < before,
            )
        )
        return result.rowcount

    async def status_counts(self) -> dict[str, int]:
        rows = await self.conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
        return {status: count for status, count in rows}

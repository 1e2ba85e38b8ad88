"""Per-conversation state: a SQL row with optimistic concurrency (a version number)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.kernel.errors import StaleState
from storage.repositories import _insert
from storage.tables import conversation_state


class SqlConversationStateRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def load(self, conversation_id: str, user_id: int) -> tuple[dict[str, Any], int]:
        row = (
            await self.conn.execute(
                select(conversation_state.c.data, conversation_state.c.version).where(
                    conversation_state.c.conversation_id == conversation_id, conversation_state.c.user_id == user_id
                )
            )
        ).first()
        return (dict(row.data), row.version) if row else ({}, 0)

    async def save(
        self, conversation_id: str, user_id: int, data: dict[str, Any], *, expected_version: int, now: datetime
    ) -> int:
        new_version = expected_version + 1
        if expected_version == 0:
            stmt = (
                _insert(self.conn, conversation_state)
                .values(conversation_id=conversation_id, user_id=user_id, data=data, version=1, updated_at=now)
                .on_conflict_do_nothing(index_elements=["conversation_id", "user_id"])
            )
        else:
            stmt = (
                update(conversation_state)
                .where(
                    conversation_state.c.conversation_id == conversation_id,
                    conversation_state.c.user_id == user_id,
                    conversation_state.c.version == expected_version,
                )
                .values(data=data, version=new_version, updated_at=now)
            )
        result = await self.conn.execute(stmt)
        if result.rowcount != 1:
            raise StaleState("This conversation moved on in another window. Please try again.")
        return new_version

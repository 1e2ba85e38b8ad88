from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from core.kernel.model import (
    ConversationAddress,
    PersonMatch,
    Role,
    StoredAddress,
    User,
)
from core.kernel.ports import AddressRefresh
from storage.tables import (
    conversation_addresses,
    line_managers,
    user_roles,
    users,
)


def _insert(conn: AsyncConnection, table):
    return (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)


PER_QUERY = 500  # ids or keys asked about in one IN (...), well inside both databases' parameter limits


def chunks(values: Sequence, size: int = PER_QUERY):
    """`values` in slices of `size`, for a read about many people that stays a few queries."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


# The person and their roles in one statement (one row per role; one row with no role).
_user_select = select(users, user_roles.c.role).select_from(
    users.outerjoin(user_roles, user_roles.c.user_id == users.c.id)
)
# Statements built once (this one, _ADDRESS_FOR_CONVERSATION and _PERSON_WITH_ADDRESS, which every turn runs):
# SQLAlchemy neither rebuilds them nor recomputes their cache keys on each call.
_USER_BY_TEAMS_ID = _user_select.where(users.c.teams_user_id == bindparam("teams_user_id"))


def _user_from_rows(rows) -> User | None:
    """A person from _user_select's rows (one per role, the first row's person)."""
    if not rows:
        return None
    row = rows[0]
    roles = {r["role"] for r in rows if r["id"] == row["id"] and r["role"] is not None}
    return User(
        id=row["id"],
        teams_user_id=row["teams_user_id"],
        aad_object_id=row["aad_object_id"],
        tenant_id=row["tenant_id"],
        name=row["name"],
        site=row["site"],
        staff_group=row["staff_group"],
        experience=row["experience"],
        onboarded_at=row["onboarded_at"],
        roles=frozenset({Role.STAFF, *(Role(r) for r in roles)}),
    )


class SqlUserRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def _load(self, stmt, params: dict | None = None) -> User | None:
        return _user_from_rows((await self.conn.execute(stmt, params)).mappings().all())

    async def get(self, user_id: int) -> User | None:
        return await self._load(_user_select.where(users.c.id == user_id))

    async def by_teams_id(self, teams_user_id: str) -> User | None:
        return await self._load(_USER_BY_TEAMS_ID, {"teams_user_id": teams_user_id})

    async def find(self, key: str) -> User | None:
        return await self._load(_user_select.where(or_(users.c.aad_object_id == key, users.c.teams_user_id == key)))

    async def add(self, *, teams_user_id, aad_object_id, tenant_id, name, now) -> User:
        await self.insert_if_new(
            teams_user_id=teams_user_id, aad_object_id=aad_object_id, tenant_id=tenant_id, name=name, now=now
        )
        user = await self.by_teams_id(teams_user_id)
        assert user is not None
        return user

    async def insert_if_new(self, *, teams_user_id, aad_object_id, tenant_id, name, now) -> bool:
        """True only for the one transaction that created the person: two first messages (or Teams' two install
        events) may arrive at once, and exactly one of them is the first contact."""
        stmt = (
            _insert(self.conn, users)
            .values(
                teams_user_id=teams_user_id,
                aad_object_id=aad_object_id,
                tenant_id=tenant_id,
                name=name,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["teams_user_id"])
            .returning(users.c.id)
        )
        return (await self.conn.execute(stmt)).first() is not None

    async def lock(self, user_id: int) -> None:
        """Serialise this person's concurrent transactions (PostgreSQL row lock; SQLite has one writer)."""
        if self.conn.dialect.name == "postgresql":
            await self.conn.execute(select(users.c.id).where(users.c.id == user_id).with_for_update())

    async def search_by_name(self, words, *, limit: int) -> list[PersonMatch]:
        stmt = select(users.c.id, users.c.name, users.c.site).where(users.c.name.is_not(None))
        for word in words:
            escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            stmt = stmt.where(func.lower(users.c.name).like(f"%{escaped}%", escape="\\"))
        rows = await self.conn.execute(stmt.order_by(users.c.name, users.c.id).limit(limit))
        return [PersonMatch(id=i, name=n, site=s) for i, n, s in rows]

    async def update_identity(self, user_id, *, aad_object_id, tenant_id, name, now) -> None:
        await self.conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(aad_object_id=aad_object_id, tenant_id=tenant_id, name=name, updated_at=now)
        )

    async def save_profile(self, user_id, *, site, staff_group, experience, now) -> None:
        await self.conn.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(
                site=site,
                staff_group=staff_group,
                experience=experience,
                updated_at=now,
                onboarded_at=func.coalesce(users.c.onboarded_at, now),
            )
        )

    async def grant_role(self, user_id: int, role: Role, *, now: datetime) -> bool:
        stmt = _insert(self.conn, user_roles).values(user_id=user_id, role=role.value, granted_at=now)
        result = await self.conn.execute(stmt.on_conflict_do_nothing(index_elements=["user_id", "role"]))
        return result.rowcount == 1

    async def revoke_role(self, user_id: int, role: Role) -> bool:
        result = await self.conn.execute(
            delete(user_roles).where(user_roles.c.user_id == user_id, user_roles.c.role == role.value)
        )
        return result.rowcount == 1

    async def set_line_manager(self, user_id: int, manager_id: int | None, *, now: datetime) -> None:
        if manager_id is None:
            await self.conn.execute(delete(line_managers).where(line_managers.c.user_id == user_id))
            return
        stmt = _insert(self.conn, line_managers).values(user_id=user_id, manager_id=manager_id, declared_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=["user_id"], set_={"manager_id": manager_id, "declared_at": now}
        )
        await self.conn.execute(stmt)

    async def line_manager(self, user_id: int) -> int | None:
        stmt = select(line_managers.c.manager_id).where(line_managers.c.user_id == user_id)
        return (await self.conn.execute(stmt)).scalar_one_or_none()

    async def line_pairs(self, user_ids) -> list[tuple[int, int]]:
        ids = list(user_ids)
        stmt = select(line_managers.c.user_id, line_managers.c.manager_id).where(
            line_managers.c.user_id.in_(ids), line_managers.c.manager_id.in_(ids)
        )
        return [(u, m) for u, m in await self.conn.execute(stmt.order_by(line_managers.c.user_id))]

    async def reports_of(self, manager_id: int) -> list[int]:
        stmt = select(line_managers.c.user_id).where(line_managers.c.manager_id == manager_id)
        return list((await self.conn.execute(stmt.order_by(line_managers.c.user_id))).scalars())


def _address_from_row(row) -> StoredAddress:
    return StoredAddress(
        id=row["id"],
        user_id=row["user_id"],
        active=row["active"],
        reachable=row["reachable"],
        address=ConversationAddress(
            channel_id=row["channel_id"],
            service_url=row["service_url"],
            conversation_id=row["conversation_id"],
            conversation_type=row["conversation_type"],
            tenant_id=row["tenant_id"],
            bot_id=row["bot_id"],
            bot_name=row["bot_name"],
            user_teams_id=row["teams_user_id"],
            user_aad_id=row["user_aad_id"],
            user_name=row["user_name"],
        ),
    )


_address_select = select(conversation_addresses, users.c.teams_user_id).join(
    users, users.c.id == conversation_addresses.c.user_id
)


_ADDRESS_FOR_CONVERSATION = _address_select.where(
    conversation_addresses.c.user_id == bindparam("user_id"),
    conversation_addresses.c.conversation_id == bindparam("conversation_id"),
)


# The person, their roles and their address in one conversation: one statement (one row per role), as a turn
# needs them. The address's columns are labelled "address_<name>" (both tables have id, tenant_id...).
_ADDRESS_COLUMNS = [c.label(f"address_{c.name}") for c in conversation_addresses.c]
_PERSON_WITH_ADDRESS = (
    select(users, user_roles.c.role, *_ADDRESS_COLUMNS)
    .select_from(
        users.outerjoin(user_roles, user_roles.c.user_id == users.c.id).outerjoin(
            conversation_addresses,
            (conversation_addresses.c.user_id == users.c.id)
            & (conversation_addresses.c.conversation_id == bindparam("conversation_id")),
        )
    )
    .where(users.c.teams_user_id == bindparam("teams_user_id"))
)


class SqlAddressRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def _one(self, where) -> StoredAddress | None:
        row = (await self.conn.execute(_address_select.where(where))).mappings().first()
        return _address_from_row(row) if row else None

    async def get(self, address_id: int) -> StoredAddress | None:
        return await self._one(conversation_addresses.c.id == address_id)

    async def get_many(self, address_ids: Sequence[int]) -> dict[int, StoredAddress]:
        if not address_ids:
            return {}
        stmt = _address_select.where(conversation_addresses.c.id.in_(sorted(set(address_ids))))
        return {row["id"]: _address_from_row(row) for row in (await self.conn.execute(stmt)).mappings()}

    async def for_conversation(self, user_id: int, conversation_id: str) -> StoredAddress | None:
        params = {"user_id": user_id, "conversation_id": conversation_id}
        row = (await self.conn.execute(_ADDRESS_FOR_CONVERSATION, params)).mappings().first()
        return _address_from_row(row) if row else None

    async def with_person(self, teams_user_id: str, conversation_id: str) -> tuple[User | None, StoredAddress | None]:
        params = {"teams_user_id": teams_user_id, "conversation_id": conversation_id}
        rows = (await self.conn.execute(_PERSON_WITH_ADDRESS, params)).mappings().all()
        user = _user_from_rows(rows)
        if user is None or rows[0]["address_id"] is None:
            return user, None
        prefix = len("address_")
        row = {key[prefix:]: value for key, value in rows[0].items() if key.startswith("address_")}
        return user, _address_from_row({**row, "teams_user_id": user.teams_user_id})

    async def personal(self, user_id: int) -> StoredAddress | None:
        stmt = (
            _address_select.where(
                conversation_addresses.c.user_id == user_id,
                conversation_addresses.c.conversation_type == "personal",
                conversation_addresses.c.active.is_(True),
                conversation_addresses.c.reachable.is_(True),
            )
            .order_by(conversation_addresses.c.updated_at.desc())
            .limit(1)
        )
        row = (await self.conn.execute(stmt)).mappings().first()
        return _address_from_row(row) if row else None

    async def personal_many(self, user_ids: Sequence[int]) -> dict[int, StoredAddress]:
        found: dict[int, StoredAddress] = {}
        for chunk in chunks(sorted(set(user_ids))):
            stmt = _address_select.where(
                conversation_addresses.c.user_id.in_(chunk),
                conversation_addresses.c.conversation_type == "personal",
                conversation_addresses.c.active.is_(True),
                conversation_addresses.c.reachable.is_(True),
            ).order_by(conversation_addresses.c.updated_at, conversation_addresses.c.id)
            for row in (await self.conn.execute(stmt)).mappings():
                found[row["user_id"]] = _address_from_row(row)  # the latest one wins, as in `personal`
        return found

    async def upsert(self, user_id: int, address: ConversationAddress, *, now: datetime) -> StoredAddress:
        return (await self.refresh(user_id, address, now=now)).stored

    async def refresh(self, user_id: int, address: ConversationAddress, *, now: datetime) -> AddressRefresh:
        """Store the latest address; says, atomically, whether this call created it or brought it back after an
        uninstall, so concurrent copies of one install event agree on who greets."""
        values = dict(
            user_id=user_id,
            channel_id=address.channel_id,
            service_url=address.service_url,
            conversation_id=address.conversation_id,
            conversation_type=address.conversation_type,
            tenant_id=address.tenant_id,
            bot_id=address.bot_id,
            bot_name=address.bot_name,
            user_aad_id=address.user_aad_id,
            user_name=address.user_name,
            active=True,
            reachable=True,
            updated_at=now,
        )
        insert = (
            _insert(self.conn, conversation_addresses)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["user_id", "conversation_id"])
            .returning(conversation_addresses.c.id)
        )
        created = (await self.conn.execute(insert)).first() is not None
        reactivated = False
        if not created:
            mine = (conversation_addresses.c.user_id == user_id) & (
                conversation_addresses.c.conversation_id == address.conversation_id
            )
            revived = await self.conn.execute(
                update(conversation_addresses)
                .where(mine & (conversation_addresses.c.active.is_(False)))
                .values(**values)
                .returning(conversation_addresses.c.id)
            )
            reactivated = revived.first() is not None
            if not reactivated:
                changes = {k: v for k, v in values.items() if k not in ("user_id", "conversation_id")}
                await self.conn.execute(update(conversation_addresses).where(mine).values(**changes))
        stored = await self.for_conversation(user_id, address.conversation_id)
        assert stored is not None
        return AddressRefresh(stored, created=created, reactivated=reactivated)

    async def set_active(self, address_id: int, active: bool, *, now: datetime) -> None:
        await self.conn.execute(
            update(conversation_addresses)
            .where(conversation_addresses.c.id == address_id)
            .values(active=active, updated_at=now)
        )

    async def mark_user_unreachable(self, user_id: int, *, now: datetime) -> None:
        await self.conn.execute(
            update(conversation_addresses)
            .where(
                conversation_addresses.c.user_id == user_id, conversation_addresses.c.conversation_type == "personal"
            )
            .values(reachable=False, updated_at=now)
        )

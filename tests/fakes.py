from __future__ import annotations

import copy
import importlib
import itertools
from dataclasses import replace
from datetime import datetime, timedelta

from bot import registry
from core.kernel.errors import StaleState
from core.kernel.model import (
    ConversationAddress,
    OutboundMessage,
    OutboxItem,
    OutboxStatus,
    PersonMatch,
    Preferences,
    Role,
    StoredAddress,
    User,
)
from core.kernel.ports import AddressRefresh, SendOutcome, SendOutcomeKind


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def set(self, now: datetime) -> None:
        self._now = now

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)


class FakeDatabase:
    """The state all fake units of work share (what a committed database would hold)."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.addresses: dict[int, StoredAddress] = {}
        self.preferences: dict[int, Preferences] = {}
        self.outbox: dict[int, dict] = {}
        self.state: dict[tuple[str, int], tuple[dict, int]] = {}
        self.ids = itertools.count(1)


class _Repo:
    def __init__(self, db: FakeDatabase) -> None:
        self.db = db


class FakeUsers(_Repo):
    async def get(self, user_id):
        return copy.copy(self.db.users.get(user_id))

    async def by_teams_id(self, teams_user_id):
        return next((copy.copy(u) for u in self.db.users.values() if u.teams_user_id == teams_user_id), None)

    async def find(self, key):
        return next((copy.copy(u) for u in self.db.users.values() if key in (u.aad_object_id, u.teams_user_id)), None)

    async def insert_if_new(self, **person):
        if await self.by_teams_id(person["teams_user_id"]):
            return False
        await self.add(**person)
        return True

    async def add(self, *, teams_user_id, aad_object_id, tenant_id, name, now):
        existing = await self.by_teams_id(teams_user_id)
        if existing:
            return existing
        user = User(
            id=next(self.db.ids),
            teams_user_id=teams_user_id,
            aad_object_id=aad_object_id,
            tenant_id=tenant_id,
            name=name,
        )
        self.db.users[user.id] = user
        return copy.copy(user)

    async def lock(self, user_id):
        return None

    async def search_by_name(self, words, *, limit):
        found = [u for u in self.db.users.values() if u.name and all(w.lower() in u.name.lower() for w in words)]
        found.sort(key=lambda u: (u.name, u.id))
        return [PersonMatch(u.id, u.name, u.site) for u in found[:limit]]

    async def update_identity(self, user_id, *, aad_object_id, tenant_id, name, now):
        self.db.users[user_id] = replace(
            self.db.users[user_id], aad_object_id=aad_object_id, tenant_id=tenant_id, name=name
        )

    async def save_profile(self, user_id, *, site, staff_group, experience, now):
        user = self.db.users[user_id]
        self.db.users[user_id] = replace(
            user, site=site, staff_group=staff_group, experience=experience, onboarded_at=user.onboarded_at or now
        )

    async def grant_role(self, user_id, role, *, now):
        user = self.db.users[user_id]
        if role in user.roles:
            return False
        self.db.users[user_id] = replace(user, roles=user.roles | {role})
        return True

    async def revoke_role(self, user_id, role):
        user = self.db.users[user_id]
        if role not in user.roles or role == Role.STAFF:
            return False
        self.db.users[user_id] = replace(user, roles=user.roles - {role})
        return True

    def _lines(self) -> dict:
        return self.db.__dict__.setdefault("line_managers", {})

    async def set_line_manager(self, user_id, manager_id, *, now):
        assert manager_id != user_id and (manager_id is None or manager_id in self.db.users)  # the SQL constraints
        if manager_id is None:
            self._lines().pop(user_id, None)
        else:
            self._lines()[user_id] = manager_id

    async def line_manager(self, user_id):
        return self._lines().get(user_id)

    async def line_pairs(self, user_ids):
        ids = set(user_ids)
        return sorted((u, m) for u, m in self._lines().items() if u in ids and m in ids)

    async def reports_of(self, manager_id):
        return sorted(u for u, m in self._lines().items() if m == manager_id)


class FakeAddresses(_Repo):
    async def get(self, address_id):
        return self.db.addresses.get(address_id)

    async def get_many(self, address_ids):
        return {i: self.db.addresses[i] for i in address_ids if i in self.db.addresses}

    async def with_person(self, teams_user_id, conversation_id):
        user = next((copy.copy(u) for u in self.db.users.values() if u.teams_user_id == teams_user_id), None)
        return user, (await self.for_conversation(user.id, conversation_id) if user else None)

    async def for_conversation(self, user_id, conversation_id):
        return next(
            (
                a
                for a in self.db.addresses.values()
                if a.user_id == user_id and a.address.conversation_id == conversation_id
            ),
            None,
        )

    async def personal(self, user_id):
        return next(
            (
                a
                for a in self.db.addresses.values()
                if a.user_id == user_id and a.active and a.reachable and a.address.conversation_type == "personal"
            ),
            None,
        )

    async def personal_many(self, user_ids):
        found = {u: await self.personal(u) for u in user_ids}
        return {u: a for u, a in found.items() if a is not None}

    async def upsert(self, user_id, address: ConversationAddress, *, now):
        return (await self.refresh(user_id, address, now=now)).stored

    async def refresh(self, user_id, address: ConversationAddress, *, now):
        existing = await self.for_conversation(user_id, address.conversation_id)
        stored = StoredAddress(
            id=existing.id if existing else next(self.db.ids),
            user_id=user_id,
            address=address,
            active=True,
            reachable=True,
        )
        self.db.addresses[stored.id] = stored
        return AddressRefresh(
            stored, created=existing is None, reactivated=existing is not None and not existing.active
        )

    async def set_active(self, address_id, active, *, now):
        self.db.addresses[address_id] = replace(self.db.addresses[address_id], active=active)

    async def mark_user_unreachable(self, user_id, *, now):
        for key, stored in list(self.db.addresses.items()):
            if stored.user_id == user_id and stored.address.conversation_type == "personal":
                self.db.addresses[key] = replace(stored, reachable=False)


class FakePreferences(_Repo):
    async def get(self, user_id):
        return copy.copy(self.db.preferences.get(user_id)) or Preferences(user_id=user_id)

    async def get_many(self, user_ids):
        return {u: await self.get(u) for u in user_ids}

    async def save(self, prefs, *, now):
        self.db.preferences[prefs.user_id] = copy.copy(prefs)


class FakeOutbox(_Repo):
    async def add(
        self, *, dedupe_key, user_id, address_id, category, message: OutboundMessage, due_at, counts_to_budget, now
    ):
        if any(row["dedupe_key"] == dedupe_key for row in self.db.outbox.values()):
            return False
        row_id = next(self.db.ids)
        self.db.outbox[row_id] = dict(
            id=row_id,
            dedupe_key=dedupe_key,
            user_id=user_id,
            address_id=address_id,
            category=category,
            message=message,
            due_at=due_at,
            attempts=0,
            counts_to_budget=counts_to_budget,
            status=OutboxStatus.PENDING.value,
            lease_until=None,
            last_error=None,
            created_at=now,
        )
        return True

    async def add_many(self, rows, *, now):
        inserted = set()
        for row in rows:
            fields = {f: getattr(row, f) for f in row.__dataclass_fields__}
            if await self.add(**fields, now=now):
                inserted.add(row.dedupe_key)
        return inserted

    async def budgeted_due_times(self, user_ids, *, since):
        found: dict[int, list] = {}
        for r in self.db.outbox.values():
            if (
                r["user_id"] in user_ids
                and r["counts_to_budget"]
                and r["status"] != OutboxStatus.CANCELLED.value
                and r["due_at"] >= since
            ):
                found.setdefault(r["user_id"], []).append(r["due_at"])
        return found

    async def count_budgeted(self, user_id, start, end):
        return sum(
            1
            for r in self.db.outbox.values()
            if r["user_id"] == user_id
            and r["counts_to_budget"]
            and r["status"] != OutboxStatus.CANCELLED.value
            and start <= r["due_at"] < end
        )

    async def claim_due(self, *, now, limit, lease_seconds):
        due = sorted(
            (
                r
                for r in self.db.outbox.values()
                if (r["status"] == "pending" and r["due_at"] <= now)
                or (r["status"] == "sending" and r["lease_until"] < now)
            ),
            key=lambda r: (r["due_at"], r["id"]),
        )[:limit]
        for row in due:
            row.update(status="sending", lease_until=now + timedelta(seconds=lease_seconds))
        return [
            OutboxItem(
                id=r["id"],
                user_id=r["user_id"],
                address_id=r["address_id"],
                category=r["category"],
                message=r["message"],
                attempts=r["attempts"],
                due_at=r["due_at"],
                dedupe_key=r["dedupe_key"],
            )
            for r in due
        ]

    async def mark_sent(self, item_id, *, now, started_conversation=None):
        row = self.db.outbox[item_id]
        row.update(status="sent", sent_at=now, lease_until=None, attempts=row["attempts"] + 1)
        if started_conversation:
            row["started_conversation"] = started_conversation

    async def queued(self, dedupe_keys):
        return {r["dedupe_key"] for r in self.db.outbox.values()} & set(dedupe_keys)

    async def has(self, dedupe_key):
        return any(r["dedupe_key"] == dedupe_key for r in self.db.outbox.values())

    async def started_conversation(self, dedupe_key):
        return next(
            (
                r.get("started_conversation")
                for r in self.db.outbox.values()
                if r["dedupe_key"] == dedupe_key and r["status"] == "sent"
            ),
            None,
        )

    async def reschedule(self, item_id, *, due_at, error, count_attempt):
        row = self.db.outbox[item_id]
        row.update(
            status="pending",
            due_at=due_at,
            last_error=error,
            lease_until=None,
            attempts=row["attempts"] + (1 if count_attempt else 0),
        )

    async def mark_failed(self, item_id, *, error, now):
        row = self.db.outbox[item_id]
        row.update(status="failed", last_error=error, lease_until=None, attempts=row["attempts"] + 1)

    async def mark_unreachable_for_user(self, user_id, *, error, now):
        rows = [r for r in self.db.outbox.values() if r["user_id"] == user_id and r["status"] in ("pending", "sending")]
        for row in rows:
            row.update(status="unreachable", last_error=error, lease_until=None)
        return len(rows)

    async def cancel(self, dedupe_key_prefix):
        rows = [
            r
            for r in self.db.outbox.values()
            if r["dedupe_key"].startswith(dedupe_key_prefix) and r["status"] == "pending"
        ]
        for row in rows:
            row["status"] = "cancelled"
        return len(rows)

    async def purge_finished(self, *, before):
        doomed = [
            k for k, r in self.db.outbox.items() if r["status"] in ("sent", "cancelled") and r["created_at"] < before
        ]
        for key in doomed:
            del self.db.outbox[key]
        return len(doomed)

    async def status_counts(self):
        counts: dict[str, int] = {}
        for row in self.db.outbox.values():
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return counts


class FakeConversationState(_Repo):
    async def load(self, conversation_id, user_id):
        data, version = self.db.state.get((conversation_id, user_id), ({}, 0))
        return copy.deepcopy(data), version

    async def save(self, conversation_id, user_id, data, *, expected_version, now):
        _, version = self.db.state.get((conversation_id, user_id), ({}, 0))
        if version != expected_version:
            raise StaleState("stale")
        self.db.state[(conversation_id, user_id)] = (copy.deepcopy(data), version + 1)
        return version + 1


class FakeUnitOfWork:
    """Writes go straight to the shared FakeDatabase, and a rollback restores it as it was at the last begin or
    commit, so a test of a refused action can assert that nothing changed. `committed` / `rolled_back` record
    what the service or router did. Each capability's fake repository comes from `tests/<capability>/fakes.py`
    (its FAKE_REPOSITORY), found through the registry."""

    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db or FakeDatabase()
        self.users = FakeUsers(self.db)
        self.addresses = FakeAddresses(self.db)
        self.preferences = FakePreferences(self.db)
        self.outbox = FakeOutbox(self.db)
        self.conversation_state = FakeConversationState(self.db)
        for capability in registry.CAPABILITIES:
            if capability.repository is not None:
                fakes = importlib.import_module(f"tests.{capability.name}.fakes")
                setattr(self, capability.name, fakes.FAKE_REPOSITORY(self.db))
        self.committed = False
        self.rolled_back = False
        self._snapshot = copy.deepcopy(self.db.__dict__)

    def begin(self) -> None:
        self.committed = self.rolled_back = False
        self._snapshot = copy.deepcopy(self.db.__dict__)

    async def __aenter__(self):
        self.begin()
        return self

    async def __aexit__(self, *exc):
        return None

    async def commit(self):
        self.committed = True
        self._snapshot = copy.deepcopy(self.db.__dict__)

    async def rollback(self):
        self.rolled_back = True
        self.db.__dict__.clear()
        self.db.__dict__.update(copy.deepcopy(self._snapshot))


class FakeSender:
    """Answers from a script of outcomes (default: sent) and records every attempt."""

    def __init__(self, *script: SendOutcome) -> None:
        self.script = list(script)
        self.attempts: list[tuple[ConversationAddress, OutboundMessage]] = []

    async def send(self, address, message, *, before_send=None):
        if before_send is not None:
            await before_send()
        self.attempts.append((address, message))
        return self.script.pop(0) if self.script else SendOutcome(SendOutcomeKind.SENT, 201)


def teams_address(
    n: int = 1,
    *,
    conversation_type: str = "personal",
    service_url: str = "https://smba.example/uk/",
    tenant: str = "tenant-1",
) -> ConversationAddress:
    return ConversationAddress(
        channel_id="msteams",
        service_url=service_url,
        conversation_id=f"a:conv-{n}",
        conversation_type=conversation_type,
        tenant_id=tenant,
        bot_id="28:bot",
        bot_name="QI Companion",
        user_teams_id=f"29:user-{n}",
        user_aad_id=f"aad-{n}",
        user_name=f"User {n}",
    )

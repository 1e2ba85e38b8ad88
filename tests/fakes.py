"""Hand-written fakes of the ports (cosmicpython style): the services are tested on these, fast and pure."""

from __future__ import annotations

import copy
import itertools
from dataclasses import replace
from datetime import datetime, timedelta

from core.errors import AlreadyBooked, StaleState
from core.model import (
    Attendance,
    Booking,
    BookingStatus,
    ClinicSession,
    Coach,
    ConversationAddress,
    NudgePreferences,
    OutboundMessage,
    OutboxItem,
    OutboxStatus,
    Role,
    Serve,
    SessionStatus,
    StoredAddress,
    User,
)
from core.ports import SendOutcome, SendOutcomeKind


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
        self.preferences: dict[int, NudgePreferences] = {}
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


class FakeAddresses(_Repo):
    async def get(self, address_id):
        return self.db.addresses.get(address_id)

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

    async def upsert(self, user_id, address: ConversationAddress, *, now):
        existing = await self.for_conversation(user_id, address.conversation_id)
        stored = StoredAddress(
            id=existing.id if existing else next(self.db.ids),
            user_id=user_id,
            address=address,
            active=True,
            reachable=True,
        )
        self.db.addresses[stored.id] = stored
        return stored

    async def set_active(self, address_id, active, *, now):
        self.db.addresses[address_id] = replace(self.db.addresses[address_id], active=active)

    async def mark_user_unreachable(self, user_id, *, now):
        for key, stored in list(self.db.addresses.items()):
            if stored.user_id == user_id and stored.address.conversation_type == "personal":
                self.db.addresses[key] = replace(stored, reachable=False)


class FakePreferences(_Repo):
    async def get(self, user_id):
        return copy.copy(self.db.preferences.get(user_id)) or NudgePreferences(user_id=user_id)

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

    async def mark_sent(self, item_id, *, now):
        row = self.db.outbox[item_id]
        row.update(status="sent", sent_at=now, lease_until=None, attempts=row["attempts"] + 1)

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
    """Writes go straight to the shared FakeDatabase; `committed` records whether the service committed."""

    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db or FakeDatabase()
        self.users = FakeUsers(self.db)
        self.clinics = FakeClinics(self.db)
        self.learning = FakeLearning(self.db)
        self.projects = FakeProjects(self.db)
        self.addresses = FakeAddresses(self.db)
        self.preferences = FakePreferences(self.db)
        self.outbox = FakeOutbox(self.db)
        self.conversation_state = FakeConversationState(self.db)
        self.committed = False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return None

    async def commit(self):
        self.committed = True

    async def rollback(self):
        pass


class FakeSender:
    """Answers from a script of outcomes (default: sent) and records every attempt."""

    def __init__(self, *script: SendOutcome) -> None:
        self.script = list(script)
        self.attempts: list[tuple[ConversationAddress, OutboundMessage]] = []

    async def send(self, address, message):
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


class FakeClinics(_Repo):
    """In-memory clinics: sessions are ClinicSession values, bookings Booking values."""

    def _sessions(self):
        return self.db.__dict__.setdefault("sessions", {})

    def _bookings(self):
        return self.db.__dict__.setdefault("bookings", {})

    def _feedback(self):
        return self.db.__dict__.setdefault("feedback", {})

    def add(self, session: ClinicSession) -> ClinicSession:
        self._sessions()[session.id] = session
        return session

    async def get_session(self, session_id, *, lock=False):
        return self._sessions().get(session_id)

    async def list_sessions(self, *, site, start, end):
        return sorted(
            (
                s
                for s in self._sessions().values()
                if s.status == SessionStatus.SCHEDULED and start <= s.starts_at < end and site in (None, s.site)
            ),
            key=lambda s: s.starts_at,
        )

    async def coach_sessions(self, user_id, *, start, end):
        return sorted(
            (
                s
                for s in self._sessions().values()
                if s.status == SessionStatus.SCHEDULED
                and user_id in {c.user_id for c in s.coaches}
                and s.ends_at >= start
                and s.starts_at < end
            ),
            key=lambda s: s.starts_at,
        )

    async def sessions_ended(self, *, start, end):
        return [
            s for s in self._sessions().values() if s.status == SessionStatus.SCHEDULED and start <= s.ends_at <= end
        ]

    async def save_series_session(self, series, *, starts_at, ends_at, coach_id, now):
        for s in self._sessions().values():
            if s.series_key == series.key and s.starts_at == starts_at:
                return "kept" if s.seats_taken else "unchanged"
        session_id = next(self.db.ids)
        self._sessions()[session_id] = ClinicSession(
            id=session_id,
            site=series.site,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=series.capacity,
            seats_taken=0,
            venue=series.venue,
            online_url=series.online_url,
            focus=series.focus,
            status=SessionStatus.SCHEDULED,
            coaches=(Coach(coach_id, "Coach"),),
            series_key=series.key,
        )
        return "created"

    async def cancel_session(self, session_id, *, reason, now):
        s = self._sessions()[session_id]
        self._sessions()[session_id] = replace(s, status=SessionStatus.CANCELLED, seats_taken=0)

    async def take_seat(self, session_id):
        s = self._sessions()[session_id]
        if s.status != SessionStatus.SCHEDULED or s.seats_taken >= s.capacity:
            return False
        self._sessions()[session_id] = replace(s, seats_taken=s.seats_taken + 1)
        return True

    async def release_seat(self, session_id):
        s = self._sessions()[session_id]
        self._sessions()[session_id] = replace(s, seats_taken=max(0, s.seats_taken - 1))

    async def add_booking(self, *, session_id, user_id, status, help_with, project_id, question, now):
        if await self.active_booking(session_id, user_id):
            raise AlreadyBooked("You already have a place on this session.")
        booking = Booking(
            id=next(self.db.ids),
            session_id=session_id,
            user_id=user_id,
            status=status,
            help_with=help_with,
            project_id=project_id,
            question=question,
            created_at=now,
            user_name=self.db.users[user_id].name if user_id in self.db.users else None,
        )
        self._bookings()[booking.id] = booking
        return booking

    async def get_booking(self, booking_id):
        return self._bookings().get(booking_id)

    async def active_booking(self, session_id, user_id):
        return next(
            (
                b
                for b in self._bookings().values()
                if b.session_id == session_id and b.user_id == user_id and b.status != BookingStatus.CANCELLED
            ),
            None,
        )

    async def user_bookings(self, user_id, *, after):
        pairs = [
            (b, self._sessions()[b.session_id])
            for b in self._bookings().values()
            if b.user_id == user_id and b.status != BookingStatus.CANCELLED
        ]
        return sorted(
            ((b, s) for b, s in pairs if s.starts_at >= after and s.status == SessionStatus.SCHEDULED),
            key=lambda pair: pair[1].starts_at,
        )

    async def count_future_confirmed(self, user_id, *, now):
        return sum(
            1
            for b in self._bookings().values()
            if b.user_id == user_id
            and b.status == BookingStatus.CONFIRMED
            and self._sessions()[b.session_id].starts_at > now
            and self._sessions()[b.session_id].status == SessionStatus.SCHEDULED
        )

    async def session_bookings(self, session_id, *, statuses=("confirmed", "waitlisted")):
        return sorted(
            (b for b in self._bookings().values() if b.session_id == session_id and b.status.value in statuses),
            key=lambda b: (b.created_at, b.id),
        )

    async def set_booking_status(self, booking_id, status, *, now):
        self._bookings()[booking_id] = replace(self._bookings()[booking_id], status=status)

    async def set_attendance(self, booking_id, attendance, *, now):
        self._bookings()[booking_id] = replace(self._bookings()[booking_id], attendance=attendance)

    async def add_feedback(self, booking_id, *, usefulness, improvement, now):
        if booking_id in self._feedback():
            return False
        self._feedback()[booking_id] = (usefulness, improvement)
        return True

    async def attended_count(self, *, start, end):
        return len(
            {
                b.user_id
                for b in self._bookings().values()
                if b.attendance == Attendance.ATTENDED and start <= self._sessions()[b.session_id].starts_at < end
            }
        )


class RecordingClinicMessages:
    """A ClinicMessages that records what was rendered, as short texts."""

    def reminder(self, session, booking, which):
        return OutboundMessage(text=f"reminder {which} {booking.id}")

    def coach_booking_notice(self, session, booking, booker, project=None):
        return OutboundMessage(text=f"coach notice {booking.id} {booker.name}")

    def promoted(self, session, booking):
        return OutboundMessage(text=f"promoted {booking.id}")

    def session_cancelled(self, session, reason):
        return OutboundMessage(text=f"cancelled {session.id}: {reason}")

    def attendance_request(self, session, bookings):
        return OutboundMessage(text=f"attendance {session.id} {[b.id for b in bookings]}")

    def feedback_request(self, session, booking):
        return OutboundMessage(text=f"feedback {booking.id}")


class FakeLearning(_Repo):
    def _d(self, name, default):
        return self.db.__dict__.setdefault(name, default)

    async def get_card(self, user_id, question_id):
        card = self._d("cards", {}).get((user_id, question_id))
        return copy.copy(card)

    async def save_card(self, card, *, now):
        self._d("cards", {})[(card.user_id, card.question_id)] = copy.copy(card)

    async def cards(self, user_id):
        return [copy.copy(c) for (u, _), c in self._d("cards", {}).items() if u == user_id]

    async def add_serve(self, user_id, question_id, *, order, now):
        serve = Serve(
            id=next(self.db.ids),
            user_id=user_id,
            question_id=question_id,
            served_at=now,
            answered_at=None,
            order=tuple(order),
        )
        self._d("serves", {})[serve.id] = serve
        return serve

    async def latest_serve(self, user_id):
        mine = [s for s in self._d("serves", {}).values() if s.user_id == user_id]
        return max(mine, key=lambda s: s.id) if mine else None

    async def get_serve(self, serve_id):
        return self._d("serves", {}).get(serve_id)

    async def answer_serve(self, serve_id, *, now):
        serve = self._d("serves", {}).get(serve_id)
        if serve is None or serve.answered_at is not None:
            return False
        self._d("serves", {})[serve_id] = replace(serve, answered_at=now)
        return True

    async def add_review(self, **review):
        self._d("reviews", []).append(review)

    async def reviews_between(self, user_id, start, end):
        rows = [r for r in self._d("reviews", []) if r["user_id"] == user_id and start <= r["now"] < end]
        return sum(1 for r in rows if not r["new_card"]), sum(1 for r in rows if r["new_card"])

    async def review_times(self, user_id, *, since):
        return [r["now"] for r in self._d("reviews", []) if r["user_id"] == user_id and r["now"] >= since]

    async def mark_bite_seen(self, user_id, bite_id, *, now):
        self._d("bites", set()).add((user_id, bite_id))

    async def bites_seen(self, user_id):
        return {b for u, b in self._d("bites", set()) if u == user_id}

    async def record_completion(self, user_id, topic_id, *, now):
        done = self._d("completions", {})
        if (user_id, topic_id) in done:
            return False
        done[(user_id, topic_id)] = now
        return True

    async def completions(self, user_id):
        return {t: at for (u, t), at in self._d("completions", {}).items() if u == user_id}

    async def award(self, user_id, award, *, now):
        awards = self._d("awards", {})
        if (user_id, award) in awards:
            return False
        awards[(user_id, award)] = now
        return True

    async def awards(self, user_id):
        return {a: at for (u, a), at in self._d("awards", {}).items() if u == user_id}

    async def learners_due(self, *, due_before):
        counts: dict[int, int] = {}
        for (user_id, _), card in self._d("cards", {}).items():
            if card.due < due_before:
                counts[user_id] = counts.get(user_id, 0) + 1
        return sorted(counts.items())

    async def participation_by_site(self, *, since):
        active = {r["user_id"] for r in self._d("reviews", []) if r["now"] >= since}
        sites: dict = {}
        for user in self.db.users.values():
            if user.onboarded_at:
                staff, practised = sites.get(user.site, (0, 0))
                sites[user.site] = (staff + 1, practised + (user.id in active))
        return [(site, staff, practised) for site, (staff, practised) in sorted(sites.items())]

    async def question_stats(self):
        stats: dict[str, list[int]] = {}
        for r in self._d("reviews", []):
            row = stats.setdefault(r["question_id"], [0, 0])
            row[0] += 1
            row[1] += r["correct"]
        return [(q, a, c) for q, (a, c) in stats.items()]

    async def completions_by(self, dimension):
        counts: dict = {}
        for user_id, _ in self._d("awards", {}):
            value = getattr(self.db.users[user_id], dimension)
            counts[value] = counts.get(value, 0) + 1
        return sorted(counts.items(), key=lambda kv: str(kv[0]))


class FakeProjects(_Repo):
    """Just enough of the project register for other capabilities' tests (projects are tested on SQL)."""

    def add(self, project):
        self.db.__dict__.setdefault("projects", {})[project.id] = project
        return project

    async def get(self, project_id):
        return self.db.__dict__.get("projects", {}).get(project_id)

    async def mine(self, user_id):
        return [p for p in self.db.__dict__.get("projects", {}).values() if user_id in (p.lead_id, p.coach_id)]

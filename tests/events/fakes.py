"""In-memory events repository, and a recorder of the event messages the services queue."""

from __future__ import annotations

from dataclasses import replace

from core.events.commands import AlreadyRegistered
from core.events.model import (
    Abstract,
    AbstractStatus,
    AttendanceMark,
    Event,
    EventDate,
    EventKind,
    EventStatus,
    Person,
    Poster,
    Registration,
    RegistrationStatus,
    Score,
    TrainingRecord,
)
from core.kernel.model import OutboundMessage, Role
from tests.fakes import _Repo

ACTIVE = (RegistrationStatus.CONFIRMED.value, RegistrationStatus.WAITLISTED.value)


class FakeEvents(_Repo):
    """Events are Event values, registrations Registration values; names and sites come from the fake users."""

    def _t(self, name: str) -> dict:
        return self.db.__dict__.setdefault(f"events_{name}", {})

    # events
    async def add_event(self, *, dates, created_by, now, **fields):
        event_id = next(self.db.ids)
        event_dates = tuple(
            EventDate(next(self.db.ids), event_id, n, starts, ends) for n, (starts, ends) in enumerate(dates, start=1)
        )
        self._t("events")[event_id] = Event(
            id=event_id,
            template=fields["template"],
            kind=EventKind(fields["kind"]),
            title=fields["title"],
            site=fields["site"],
            venue=fields["venue"],
            online_url=fields["online_url"],
            capacity=fields["capacity"],
            seats_taken=0,
            registration_closes_at=fields["registration_closes_at"],
            status=EventStatus.OPEN,
            dates=event_dates,
            created_by=created_by,
            abstracts_close_at=fields["abstracts_close_at"],
            voting_closes_at=fields["voting_closes_at"],
        )
        return event_id

    async def get_event(self, event_id, *, lock=False):
        return self._t("events").get(event_id)

    async def list_events(self, *, start, end):
        found = [
            e
            for e in self._t("events").values()
            if e.status == EventStatus.OPEN and any(start <= d.ends_at < end for d in e.dates)
        ]
        return sorted(found, key=lambda e: (e.starts_at, e.id))

    async def events_ended(self, *, start, end):
        return [e for e in self._t("events").values() if e.status == EventStatus.OPEN and start <= e.ends_at <= end]

    async def update_event(self, event_id, *, title, venue, online_url, capacity, registration_closes_at, now):
        event = self._t("events")[event_id]
        if event.seats_taken > capacity:
            return False
        self._t("events")[event_id] = replace(
            event,
            title=title,
            venue=venue,
            online_url=online_url,
            capacity=capacity,
            registration_closes_at=registration_closes_at,
        )
        return True

    async def get_date(self, date_id):
        return next((d for e in self._t("events").values() for d in e.dates if d.id == date_id), None)

    async def take_seat(self, event_id):
        event = self._t("events")[event_id]
        if event.status != EventStatus.OPEN or event.seats_taken >= event.capacity:
            return False
        self._t("events")[event_id] = replace(event, seats_taken=event.seats_taken + 1)
        return True

    async def release_seat(self, event_id):
        event = self._t("events")[event_id]
        self._t("events")[event_id] = replace(event, seats_taken=max(0, event.seats_taken - 1))

    async def set_results_announced(self, event_id, *, now):
        event = self._t("events")[event_id]
        if event.results_announced_at is not None:
            return False
        self._t("events")[event_id] = replace(event, results_announced_at=now)
        return True

    # registrations
    def _with_person(self, registration: Registration) -> Registration:
        user = self.db.users.get(registration.user_id)
        if user is None:
            return registration
        return replace(registration, user_name=user.name, user_site=user.site, user_staff_group=user.staff_group)

    async def add_registration(self, *, event_id, user_id, status, answers, now):
        if await self.active_registration(event_id, user_id):
            raise AlreadyRegistered("You already have a place on this event.")
        registration = Registration(next(self.db.ids), event_id, user_id, status, dict(answers), now)
        self._t("registrations")[registration.id] = registration
        return self._with_person(registration)

    async def get_registration(self, registration_id):
        found = self._t("registrations").get(registration_id)
        return self._with_person(found) if found else None

    async def active_registration(self, event_id, user_id):
        return next(
            (
                self._with_person(r)
                for r in self._t("registrations").values()
                if r.event_id == event_id and r.user_id == user_id and r.status.value in ACTIVE
            ),
            None,
        )

    async def user_registrations(self, user_id, *, after):
        pairs = []
        for r in self._t("registrations").values():
            event = self._t("events")[r.event_id]
            if r.user_id == user_id and r.status.value in ACTIVE and not event.cancelled and event.ends_at > after:
                pairs.append((self._with_person(r), event))
        return sorted(pairs, key=lambda pair: (pair[1].starts_at, pair[1].id))

    async def event_registrations(self, event_id, *, statuses=ACTIVE):
        found = [r for r in self._t("registrations").values() if r.event_id == event_id and r.status.value in statuses]
        return [self._with_person(r) for r in sorted(found, key=lambda r: (r.created_at, r.id))]

    async def registrations_of(self, event_ids, *, statuses=ACTIVE):
        found = [await self.event_registrations(event_id, statuses=statuses) for event_id in sorted(event_ids)]
        return [r for regs in found for r in regs]

    async def set_registration_status(self, registration_id, status, *, now):
        self._t("registrations")[registration_id] = replace(self._t("registrations")[registration_id], status=status)

    # attendance and training
    async def set_mark(self, registration_id, date_id, mark, *, method, now):
        self._t("marks")[(registration_id, date_id)] = AttendanceMark(registration_id, date_id, mark, method)

    async def marks(self, event_id):
        dates = {d.id for d in self._t("events")[event_id].dates}
        return [m for (_, date_id), m in self._t("marks").items() if date_id in dates]

    async def attended_registrations(self, event_ids):
        return {m.registration_id for e in event_ids for m in await self.marks(e) if m.mark.value == "attended"}

    async def add_training(self, *, user_id, event_id, course, completed_on, now):
        if (user_id, event_id) in self._t("training"):
            return False
        self._t("training")[(user_id, event_id)] = TrainingRecord(user_id, event_id, course, completed_on)
        return True

    async def remove_training(self, *, user_id, event_id):
        return self._t("training").pop((user_id, event_id), None) is not None

    async def training_of(self, user_id):
        return sorted((t for t in self._t("training").values() if t.user_id == user_id), key=lambda t: t.completed_on)

    async def trained_at(self, event_id):
        return {t.user_id for t in self._t("training").values() if t.event_id == event_id}

    async def trained_at_events(self, event_ids):
        return {(t.event_id, t.user_id) for t in self._t("training").values() if t.event_id in set(event_ids)}

    async def trained_people(self, *, start, end):
        return len({t.user_id for t in self._t("training").values() if start <= t.completed_on < end})

    async def training_evidence(self, *, courses=None):
        found = []
        for t in self._t("training").values():
            if courses is None or t.course in courses:
                user = self.db.users[t.user_id]
                found.append((t.user_id, t.completed_on, user.site, user.staff_group))
        return sorted(found, key=lambda row: (row[1], row[0]))

    async def add_feedback(self, registration_id, *, rating, comment, now):
        if registration_id in self._t("feedback"):
            return False
        self._t("feedback")[registration_id] = (rating, comment)
        return True

    # the celebration day
    async def save_abstract(self, *, event_id, project_id, lead_id, format, now, **fields):
        for abstract in self._t("abstracts").values():
            if (abstract.event_id, abstract.project_id) == (event_id, project_id):
                return abstract
        lead = self.db.users.get(lead_id)
        abstract = Abstract(
            id=next(self.db.ids),
            event_id=event_id,
            project_id=project_id,
            lead_id=lead_id,
            format=format,
            status=AbstractStatus.DRAFT,
            lead_name=lead.name if lead else None,
            **fields,
        )
        self._t("abstracts")[abstract.id] = abstract
        return abstract

    async def update_abstract(self, abstract_id, *, status, now, **fields):
        abstract = self._t("abstracts")[abstract_id]
        submitted_at = abstract.submitted_at or (now if status == AbstractStatus.SUBMITTED else None)
        self._t("abstracts")[abstract_id] = replace(abstract, status=status, submitted_at=submitted_at, **fields)

    async def get_abstract(self, abstract_id):
        return self._t("abstracts").get(abstract_id)

    async def save_poster(self, *, abstract_id, filename, content_type, data, sha256, uploaded_by, now):
        assert content_type in ("application/pdf", "image/png") and 0 < len(data) <= 20 * 1024 * 1024
        self._t("posters")[abstract_id] = Poster(
            abstract_id, filename, content_type, len(data), sha256, uploaded_by, now, bytes(data)
        )
        return replace(self._t("posters")[abstract_id], data=None)

    async def get_poster(self, abstract_id, *, with_data=False):
        poster = self._t("posters").get(abstract_id)
        return poster if poster is None or with_data else replace(poster, data=None)

    async def event_abstracts(self, event_id, *, status=None):
        return sorted(
            (a for a in self._t("abstracts").values() if a.event_id == event_id and status in (None, a.status)),
            key=lambda a: a.id,
        )

    async def set_judges(self, event_id, user_ids):
        self._t("judges")[event_id] = list(user_ids)

    def _person(self, user_id) -> Person:
        user = self.db.users[user_id]
        return Person(user.id, user.name or "Someone", user.site)

    async def judges(self, event_id):
        return sorted((self._person(i) for i in self._t("judges").get(event_id, [])), key=lambda p: (p.name, p.id))

    async def judge_candidates(self):
        roles = {Role.COACH, Role.FACILITATOR, Role.ADMIN}
        people = [self._person(u.id) for u in self.db.users.values() if u.roles & roles]
        return sorted(people, key=lambda p: (p.name, p.id))

    async def save_score(self, *, abstract_id, judge_id, scores, comment, now):
        self._t("scores")[(abstract_id, judge_id)] = Score(abstract_id, judge_id, dict(scores), comment)

    async def event_scores(self, event_id):
        mine = {a.id for a in self._t("abstracts").values() if a.event_id == event_id}
        return [s for s in self._t("scores").values() if s.abstract_id in mine]

    async def cast_vote(self, *, event_id, user_id, abstract_id, now):
        self._t("votes")[(event_id, user_id)] = abstract_id

    async def vote_of(self, event_id, user_id):
        return self._t("votes").get((event_id, user_id))

    async def vote_counts(self, event_id):
        counts: dict[int, int] = {}
        for (voted_event, _), abstract_id in self._t("votes").items():
            if voted_event == event_id:
                counts[abstract_id] = counts.get(abstract_id, 0) + 1
        return counts

    async def log_export(self, *, user_id, event_id, kind, now):
        self._t("exports")[next(self.db.ids)] = (user_id, event_id, kind, now)


class RecordingEventMessages:
    """An EventMessages that records what was rendered, as short texts."""

    def reminder(self, event, when, registration, which):
        return OutboundMessage(text=f"reminder {which} {registration.id} day {when.position}")

    def promoted(self, event, registration):
        return OutboundMessage(text=f"promoted {registration.id}")

    def certificate(self, event, user, completed_on):
        return OutboundMessage(text=f"certificate {event.id} {user.id} {completed_on.isoformat()}")

    def judge_invite(self, event):
        return OutboundMessage(text=f"judge {event.id}")

    def results(self, event, results):
        return OutboundMessage(text=f"results {event.id}")


FAKE_REPOSITORY = FakeEvents


class StoryProjects:
    """The projects repository of a fake unit of work, plus what an abstract reads (PDSA cycles, the evaluation,
    data points), kept in the same fake database. Install with `with_stories(uow)`."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.db = inner.db

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def _t(self, name: str) -> dict:
        return self.db.__dict__.setdefault(f"stories_{name}", {})

    async def pdsas(self, project_id):
        return list(self._t("pdsas").get(project_id, []))

    async def evaluation(self, project_id):
        return self._t("evaluations").get(project_id)

    async def points(self, measure_id):
        return list(self._t("points").get(measure_id, []))


def with_stories(uow):
    uow.projects = StoryProjects(uow.projects)
    return uow.projects

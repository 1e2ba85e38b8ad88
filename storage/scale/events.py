"""Events: five years of QSIR courses (Fundamentals, one day; Practitioner, five) at each site, with their
registrations (confirmed within capacity, a waitlist, cancellations), attendance per date, the training they
completed and feedback; some courses ahead with places left; a celebration day each year with abstracts from the
projects and the people's choice votes."""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

from storage.events.tables import (
    event_abstracts,
    event_attendance,
    event_dates,
    event_feedback,
    event_registrations,
    event_training,
    event_votes,
    events,
)
from storage.scale.bulk import BulkWriter
from storage.scale.plan import Trust

ANSWERS = {"manager_agreement": "yes"}
UPCOMING = 6
START, END = time(9, 30), time(16, 30)


class _Rows:
    def __init__(self, first: dict[str, int]) -> None:
        self.next = dict(first)
        self.events, self.dates, self.registrations, self.attendance = [], [], [], []
        self.training, self.feedback, self.abstracts, self.votes = [], [], [], []

    def id(self, table: str) -> int:
        value = self.next[table]
        self.next[table] += 1
        return value


def _weekday(day):
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


async def write_events(bulk: BulkWriter, trust: Trust) -> None:
    rng = trust.rng("events")
    content = trust.content.events
    tz = trust.content.organisation.timezone
    rows = _Rows({t.name: await bulk.next_id(t) for t in (events, event_dates, event_registrations, event_abstracts)})
    wanted = trust.count("course_attendances")
    fundamentals, practitioner = content.template("fundamentals"), content.template("practitioner")
    sites = [s.id for s in trust.content.organisation.sites if trust.by_site.get(s.id)]
    planned = [fundamentals] * math.ceil(0.8 * wanted / 17) + [practitioner] * math.ceil(0.2 * wanted / 14)
    rng.shuffle(planned)
    firsts = sorted(trust.moment(rng, before=trust.end - timedelta(days=40)).date() for _ in planned)
    made = 0

    def add_event(template, site, first_day, *, title=None, kind=None, capacity=None, abstracts=False) -> tuple:
        eid = rows.id("events")
        days = [_weekday(first_day + timedelta(weeks=n)) for n in range(template.dates)]
        spans = [(datetime.combine(d, START, tzinfo=tz), datetime.combine(d, END, tzinfo=tz)) for d in days]
        closes = spans[0][0] - content.rules.closes_before
        created = closes - timedelta(days=60)
        date_ids = []
        for position, (starts, ends) in enumerate(spans, start=1):
            did = rows.id("event_dates")
            date_ids.append(did)
            rows.dates.append((did, eid, position, starts, ends))
        rows.events.append([eid, template.id, kind or template.kind, title or template.title, site, "Education centre",
                            None, capacity or template.capacity, 0, closes,
                            closes if abstracts else None, spans[0][1] if abstracts else None, None, "open",
                            trust.facilitators[eid % len(trust.facilitators)], created, created])
        return eid, spans, date_ids, closes

    for template, first_day in zip(planned, firsts, strict=True):
        site = rng.choice(sites)
        eid, spans, date_ids, closes = add_event(template, site, first_day)
        here = trust.by_site[site]
        people = rng.sample(here, min(len(here), template.capacity + 4))
        confirmed = people[: min(template.capacity, rng.randint(template.capacity * 3 // 4, template.capacity))]
        for person in confirmed:
            rid = rows.id("event_registrations")
            rows.registrations.append((rid, eid, person.id, "confirmed", ANSWERS, closes - timedelta(days=20), closes))
            finished = made < wanted and rng.random() < 0.9
            for n, did in enumerate(date_ids):
                # A no-show on the last date (or the only one) for those who did not complete.
                mark = "attended" if finished or n < len(date_ids) - 1 else "no_show"
                rows.attendance.append((rid, did, mark, rng.choice(("register", "qr")), spans[n][0]))
            if finished:
                made += 1
                rows.training.append((person.id, eid, template.id, spans[-1][1].date(), spans[-1][1]))
                if rng.random() < 0.3:
                    rows.feedback.append((rid, rng.choice((4, 4, 5, 5, 3)), None, spans[-1][1] + timedelta(days=1)))
        rows.events[-1][8] = len(confirmed)
        for person in people[len(confirmed):]:
            rid = rows.id("event_registrations")
            rows.registrations.append((rid, eid, person.id, "cancelled", ANSWERS, closes - timedelta(days=25),
                                       closes - timedelta(days=10)))
    # The remaining attendances (if the plan fell short) go to one more Fundamentals day per missing group.
    while made < wanted:
        site = rng.choice(sites)
        eid, spans, date_ids, closes = add_event(fundamentals, site, (trust.end - timedelta(days=30)).date())
        group = rng.sample(trust.by_site[site], min(len(trust.by_site[site]), fundamentals.capacity, wanted - made))
        for person in group:
            rid = rows.id("event_registrations")
            rows.registrations.append((rid, eid, person.id, "confirmed", ANSWERS, closes - timedelta(days=9), closes))
            rows.attendance.append((rid, date_ids[0], "attended", "qr", spans[0][0]))
            rows.training.append((person.id, eid, fundamentals.id, spans[0][1].date(), spans[0][1]))
            made += 1
        rows.events[-1][8] = len(group)
    _upcoming(trust, rng, rows, add_event, fundamentals, sites)
    _celebrations(trust, rng, rows, add_event, content.template("celebration"))
    await _write(bulk, rows)


def _upcoming(trust, rng, rows, add_event, template, sites) -> None:
    """Courses ahead, half full with a seat or more left (what `events` shows and people book)."""
    for n in range(UPCOMING):
        site = sites[n % len(sites)]
        eid, _, _, closes = add_event(template, site, trust.today + timedelta(weeks=2 + 2 * n))
        taken = rng.sample(trust.by_site[site], min(len(trust.by_site[site]), template.capacity // 2))
        for person in taken:
            rid = rows.id("event_registrations")
            rows.registrations.append((rid, eid, person.id, "confirmed", ANSWERS, trust.end - timedelta(days=3),
                                       trust.end - timedelta(days=3)))
        rows.events[-1][8] = len(taken)


def _celebrations(trust, rng, rows, add_event, template) -> None:
    """One a year; abstracts from projects registered before it, and votes."""
    for year in range(5):
        day = (trust.end - timedelta(days=365 * year + 60)).date()
        eid, spans, _, closes = add_event(template, None, day, title=f"Improvement celebration day {day.year}",
                                          abstracts=True)
        before = [p for p in trust.projects if p[2] in ("active", "completed")]
        chosen = rng.sample(before, min(len(before), 40))
        abstract_ids = []
        for pid, lead, _status, site, division in chosen:
            aid = rows.id("event_abstracts")
            abstract_ids.append(aid)
            rows.abstracts.append((aid, eid, pid, lead, site, division, f"Project {pid}: what we learned", "Aim",
                                   "Measures", "Changes", "Results", "Lessons", rng.choice(("poster", "presentation")),
                                   "submitted", closes - timedelta(days=5), closes - timedelta(days=20),
                                   closes - timedelta(days=5)))
        if abstract_ids:
            voters = rng.sample(trust.staff, min(len(trust.staff), 120))
            rows.votes += [(eid, v.id, rng.choice(abstract_ids), spans[0][0], spans[0][0]) for v in voters]


async def _write(bulk: BulkWriter, rows: _Rows) -> None:
    await bulk.write(
        events,
        ("id", "template", "kind", "title", "site", "venue", "online_url", "capacity", "seats_taken",
         "registration_closes_at", "abstracts_close_at", "voting_closes_at", "results_announced_at", "status",
         "created_by", "created_at", "updated_at"),
        [tuple(e) for e in rows.events],
    )
    await bulk.write(event_dates, ("id", "event_id", "position", "starts_at", "ends_at"), rows.dates)
    await bulk.write(
        event_registrations, ("id", "event_id", "user_id", "status", "answers", "created_at", "updated_at"),
        rows.registrations,
    )
    await bulk.write(event_attendance, ("registration_id", "date_id", "mark", "method", "marked_at"), rows.attendance)
    await bulk.write(event_training, ("user_id", "event_id", "course", "completed_on", "created_at"), rows.training)
    await bulk.write(event_feedback, ("registration_id", "rating", "comment", "created_at"), rows.feedback)
    await bulk.write(
        event_abstracts,
        ("id", "event_id", "project_id", "lead_id", "site", "division", "title", "aim", "measures", "changes",
         "results", "lessons", "format", "status", "submitted_at", "created_at", "updated_at"),
        rows.abstracts,
    )
    await bulk.write(event_votes, ("event_id", "user_id", "abstract_id", "created_at", "updated_at"), rows.votes)

"""Clinics: five years of weekly sessions (the content's series, and drop-in sessions at every site to carry a
large trust's demand), their bookings, waitlists, attendance and feedback. Seats taken always equal the confirmed
bookings, within capacity; at most one active booking per person per session; future bookings stay within the
content's limit per person."""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime, timedelta

from storage.clinics.tables import clinic_bookings, clinic_feedback, clinic_session_coaches, clinic_sessions
from storage.scale.bulk import BulkWriter
from storage.scale.plan import Trust

DROP_IN_CAPACITY = 8
DROP_IN_MINUTES = 60
QUESTIONS = (
    "How do I choose a measure for my project?",
    "Is my run chart showing a shift?",
    "How do I write a SMART aim?",
    None,
    None,
)


def _series_sessions(trust: Trust) -> list[tuple]:
    """(series_key, site, starts_at, minutes, capacity, venue, online_url, focus) for every week of every series,
    from five years back to its weeks ahead."""
    tz = trust.content.organisation.timezone
    rows = []
    for series in trust.content.clinics.series:
        first = trust.start.astimezone(tz).date()
        first += timedelta(days=(series.weekday - first.weekday()) % 7)
        last = trust.today + timedelta(weeks=series.weeks_ahead)
        day = first
        while day < last:
            starts = datetime.combine(day, series.start, tzinfo=tz)
            rows.append((series.key, series.site, starts, series.minutes, series.capacity, series.venue,
                         series.online_url, series.focus))
            day += timedelta(weeks=1)
    return rows


async def write_clinics(bulk: BulkWriter, trust: Trust) -> None:
    rng = trust.rng("clinics")
    rules = trust.content.clinics.rules
    help_with = [c.id for c in rules.help_with]
    wanted = trust.count("clinic_bookings")
    sessions = _series_sessions(trust)
    per_series = sum(s[4] for s in sessions) * 0.85
    sites = [s.id for s in trust.content.organisation.sites if trust.by_site.get(s.id)]
    drop_ins = max(0, math.ceil((wanted - per_series) / (DROP_IN_CAPACITY * 0.9)))
    for _ in range(drop_ins):
        starts = trust.moment(rng, before=trust.end + timedelta(weeks=3)).replace(minute=0)
        sessions.append((None, rng.choice(sites), starts, DROP_IN_MINUTES, DROP_IN_CAPACITY, "QI hub, level 1",
                         None, "Drop-in"))
    sessions.sort(key=lambda s: (s[2], s[0] or "", s[1]))
    first_session = await bulk.next_id(clinic_sessions)
    first_booking = await bulk.next_id(clinic_bookings)
    session_rows, coach_rows, booking_rows, feedback_rows = [], [], [], []
    future_held: Counter[int] = Counter()
    made = 0
    for n, (key, site, starts, minutes, capacity, venue, url, focus) in enumerate(sessions):
        sid = first_session + n
        future = starts > trust.end
        left = wanted - made
        confirmed = 0 if left <= 0 else min(left, capacity, max(1, round(capacity * rng.uniform(0.55, 1.0))))
        if future:
            confirmed = min(confirmed, max(0, capacity - 1))  # leave a seat for the benchmark's `book clinic`
        here = trust.by_site.get(site) or trust.staff
        chosen = rng.sample(here, min(len(here), confirmed + 3))
        actives = []
        for person in chosen:
            if len(actives) == confirmed:
                break
            if future and future_held[person.id] >= rules.max_future_bookings:
                continue
            actives.append(person)
            if future:
                future_held[person.id] += 1
        booked_at = starts - timedelta(days=rng.randint(2, 20))
        for person in actives:
            bid = first_booking + len(booking_rows)
            attendance = None if future else ("attended" if rng.random() < 0.87 else "no_show")
            booking_rows.append((bid, sid, person.id, "confirmed", rng.choice(help_with), None, rng.choice(QUESTIONS),
                                 attendance, booked_at, starts if attendance else booked_at))
            if attendance == "attended" and rng.random() < 0.4:
                feedback_rows.append((bid, rng.choice((3, 4, 4, 5, 5, 5)), None, starts + timedelta(days=1)))
        made += len(actives)
        # A cancellation now and then, and a waitlist on some full sessions.
        extra = []
        if made < wanted and rng.random() < 0.15:
            extra.append("cancelled")
        if made + len(extra) < wanted and len(actives) == capacity and not future and rng.random() < 0.3:
            extra.append("waitlisted")
        held = {p.id for p in actives}
        spare = [p for p in rng.sample(here, min(len(here), len(actives) + 4)) if p.id not in held][:4]
        for status, person in zip(extra, rng.sample(spare, min(len(spare), len(extra))), strict=False):
            bid = first_booking + len(booking_rows)
            booking_rows.append((bid, sid, person.id, status, rng.choice(help_with), None, None, None, booked_at,
                                 booked_at + timedelta(hours=3)))
            made += 1
        session_rows.append((sid, key, site, starts, starts + timedelta(minutes=minutes), capacity, len(actives),
                             venue, url, focus, "scheduled", None, starts - timedelta(days=60),
                             starts - timedelta(days=60)))
        coaches = trust.coaches.get(site) or [c for cs in trust.coaches.values() for c in cs]
        coach_rows.append((sid, coaches[n % len(coaches)]))
    # Any bookings still owed are cancellations spread over the past sessions (they hold no seat).
    past = [s for s in session_rows if s[3] <= trust.end]
    while made < wanted:
        s = past[rng.randrange(len(past))]
        person = trust.person(rng, site=s[2] if trust.by_site.get(s[2]) else None)
        bid = first_booking + len(booking_rows)
        booking_rows.append((bid, s[0], person.id, "cancelled", rng.choice(help_with), None, None, None,
                             s[3] - timedelta(days=5), s[3] - timedelta(days=1)))
        made += 1
    await bulk.write(
        clinic_sessions,
        ("id", "series_key", "site", "starts_at", "ends_at", "capacity", "seats_taken", "venue", "online_url", "focus",
         "status", "cancel_reason", "created_at", "updated_at"),
        session_rows,
    )
    await bulk.write(clinic_session_coaches, ("session_id", "user_id"), coach_rows)
    await bulk.write(
        clinic_bookings,
        ("id", "session_id", "user_id", "status", "help_with", "project_id", "question", "attendance", "created_at",
         "updated_at"),
        booking_rows,
    )
    await bulk.write(clinic_feedback, ("booking_id", "usefulness", "improvement", "created_at"), feedback_rows)

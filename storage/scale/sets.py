"""Action learning sets: each with a facilitator, six to eight members, a meeting every four weeks (past ones with
attendance and actions), and the running sets' meetings ahead."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from storage.scale.bulk import BulkWriter
from storage.scale.plan import Trust
from storage.sets.tables import (
    action_set_actions,
    action_set_attendance,
    action_set_meetings,
    action_set_members,
    action_sets,
)

MEETINGS = 8
EVERY_WEEKS = 4
MINUTES = 120


async def write_sets(bulk: BulkWriter, trust: Trust) -> None:
    rng = trust.rng("sets")
    tz = trust.content.organisation.timezone
    set_id = await bulk.next_id(action_sets)
    meeting_id = await bulk.next_id(action_set_meetings)
    sets, members, meetings, attendance, actions = [], [], [], [], []
    for n in range(trust.count("action_sets")):
        sid = set_id + n
        facilitator = trust.facilitators[n % len(trust.facilitators)]
        first = trust.moment(rng, after=trust.start, before=trust.end + timedelta(days=20)).date()
        first += timedelta(days=(1 - first.weekday()) % 7)  # Tuesdays
        created = datetime.combine(first, time(9), tzinfo=tz) - timedelta(days=30)
        site = rng.choice([s for s in trust.by_site])
        sets.append((sid, f"Action learning set {n + 1}", site, None, facilitator, "active", EVERY_WEEKS, first,
                     time(14), MEETINGS, MINUTES, "Education centre, room 2", None, created, created))
        people = [p.id for p in rng.sample(trust.by_site[site], min(len(trust.by_site[site]), rng.randint(6, 8)))]
        people = [p for p in people if p != facilitator]
        members += [(sid, p, created, None) for p in people]
        for number in range(1, MEETINGS + 1):
            starts = datetime.combine(first + timedelta(weeks=EVERY_WEEKS * (number - 1)), time(14), tzinfo=tz)
            past = starts < trust.end
            presenter = people[(number - 1) % len(people)] if people else None
            meetings.append((meeting_id, sid, number, starts, starts + timedelta(minutes=MINUTES), presenter, None,
                             starts + timedelta(hours=3) if past else None, created, created))
            if past:
                for p in people:
                    mark = rng.choices(("present", "apologies", "absent"), (0.8, 0.15, 0.05))[0]
                    attendance.append((meeting_id, p, mark, starts + timedelta(hours=3)))
                    if mark == "present" and rng.random() < 0.5:
                        done = starts + timedelta(days=14) if rng.random() < 0.6 else None
                        actions.append((sid, meeting_id, p, 1, "Try the change on one shift.",
                                        done if done and done < trust.end else None, starts + timedelta(hours=2)))
            meeting_id += 1
    await bulk.write(
        action_sets,
        ("id", "name", "site", "cohort", "facilitator_id", "status", "every_weeks", "first_date", "local_time",
         "meetings_planned", "minutes", "venue", "online_url", "created_at", "updated_at"),
        sets,
    )
    await bulk.write(action_set_members, ("set_id", "user_id", "joined_at", "left_at"), members)
    await bulk.write(
        action_set_meetings,
        ("id", "set_id", "number", "starts_at", "ends_at", "presenter_id", "issue", "attendance_at", "created_at",
         "updated_at"),
        meetings,
    )
    await bulk.write(action_set_attendance, ("meeting_id", "user_id", "mark", "recorded_at"), attendance)
    await bulk.write(
        action_set_actions, ("set_id", "meeting_id", "user_id", "slot", "text", "done_at", "created_at"), actions
    )

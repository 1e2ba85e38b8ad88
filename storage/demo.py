"""Load the demo people from content/demo.yaml, idempotently (make run calls this on every start)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path

from core.clinics.model import BookingStatus
from core.clinics.services import bookable_sessions
from core.clinics.sessions import sync_clinics
from core.kernel.content import Content
from core.kernel.model import Role
from core.kernel.ports import UnitOfWork
from core.profile.services import save_profile
from core.projects.model import TeamMember
from core.sets.model import Pattern
from core.sets.schedule import meeting_times
from core.sets.services import ensure_presenter
from storage.content import DEFAULT_CONTENT_DIR, load_yaml


async def load_demo(uow: UnitOfWork, content: Content, *, now: datetime, content_dir: Path | None = None) -> int:
    """Returns how many demo people were new."""
    doc = load_yaml((content_dir or DEFAULT_CONTENT_DIR) / "demo.yaml")
    created = 0
    for person in doc["people"]:
        user = await uow.users.by_teams_id(person["teams_user_id"])
        if user is None:
            user = await uow.users.add(
                teams_user_id=person["teams_user_id"], aad_object_id=None, tenant_id=None, name=person["name"], now=now
            )
            created += 1
            await save_profile(
                uow,
                user_id=user.id,
                site=person["site"],
                staff_group=person["staff_group"],
                experience=person["experience"],
                organisation=content.organisation,
                now=now,
            )
        for role in person.get("roles", []):
            await uow.users.grant_role(user.id, Role(role), now=now)
    await uow.commit()
    await _demo_bookings(uow, content, doc.get("demo_bookings"), doc.get("people", []), now=now)
    await _demo_projects(uow, doc.get("demo_projects") or [], now=now)
    await _demo_sets(uow, content, doc.get("demo_sets") or [], now=now)
    await _demo_coaching(uow, doc.get("demo_coaching") or {}, now=now)
    await _demo_faq(uow, content, content_dir or DEFAULT_CONTENT_DIR, now=now)
    await _demo_events(uow, content, doc.get("demo_events"), now=now)
    await uow.commit()
    return created


async def _demo_projects(uow: UnitOfWork, plans: list[dict], *, now: datetime) -> None:
    """Registered, approved projects with weekly data, written straight to the register (idempotent by title)."""
    for plan in plans:
        lead = await uow.users.by_teams_id(plan["lead"])
        coach = await uow.users.by_teams_id(plan["coach"])
        if lead is None or any(p.title == plan["title"] for p in await uow.projects.mine(lead.id)):
            continue
        registered_at = now - timedelta(days=30 * plan["months_ago"])
        project = await uow.projects.create_draft(lead.id, now=registered_at)
        what, who, how_much = plan["aim"]
        project = replace(
            project,
            title=plan["title"],
            problem=plan["problem"],
            site=plan["site"],
            division=plan["division"],
            strategic_aim=plan["strategic_aim"],
            aim_what=what,
            aim_who=who,
            aim_how_much=how_much,
            aim_by=(now + timedelta(days=180)).date(),
            sponsor="Divisional director of nursing",
            coach_id=coach.id if coach else None,
            governance="qi",
            progress_score=plan["score"],
            wizard_step=6,
        )
        await uow.projects.save(project, now=registered_at)
        await uow.projects.set_team(project.id, [TeamMember(lead.name or "Lead", "Project lead")])
        await uow.projects.set_measures(
            project.id, [(kind, name, definition) for kind, name, definition, *_ in plan["measures"]]
        )
        await uow.projects.mark_submitted(project.id, now=registered_at)
        await uow.projects.mark_approved(project.id, by=(coach or lead).id, comment=None, now=registered_at)
        await uow.projects.mark_active(project.id, now=now)
        saved = await uow.projects.get(project.id)
        for measure, (*_, chart, improvement, values) in zip(saved.measures, plan["measures"], strict=True):
            await uow.projects.set_measure_chart(measure.id, chart=chart, improvement=improvement)
            start = now.date() - timedelta(weeks=len(values))
            for week, value in enumerate(values):
                await uow.projects.add_point(measure.id, on=start + timedelta(weeks=week), value=value, now=now)


async def _demo_bookings(
    uow: UnitOfWork, content: Content, plan: dict | None, people_in_demo: list[dict], *, now: datetime
) -> None:
    """Sync the clinic series, then fill the first sessions of each to one seat short of full."""
    await sync_clinics(uow, content=content, now=now)
    if not plan:
        return
    people = [await uow.users.by_teams_id(p["teams_user_id"]) for p in people_in_demo]
    staff = [u for u in people if u and u.teams_user_id.startswith("demo-staff-")]
    most = content.clinics.rules.max_future_bookings
    sessions = await bookable_sessions(uow, site=None, content=content, now=now)
    for series in content.clinics.series:
        for session in [s for s in sessions if s.series_key == series.key][: plan["sessions_per_series"]]:
            wanted = session.capacity - plan["leave_free"]
            for person in staff:
                current = await uow.clinics.get_session(session.id)
                if current.seats_taken >= wanted:
                    break
                if await uow.clinics.count_future_confirmed(person.id, now=now) >= most:
                    continue  # the demo keeps the rules it shows: at most 3 future bookings each
                if await uow.clinics.active_booking(session.id, person.id) or not await uow.clinics.take_seat(
                    session.id
                ):
                    continue
                await uow.clinics.add_booking(
                    session_id=session.id,
                    user_id=person.id,
                    status=BookingStatus.CONFIRMED,
                    help_with=plan["help_with"],
                    project_id=None,
                    question=None,
                    now=now,
                )


async def _demo_sets(uow: UnitOfWork, content: Content, plans: list[dict], *, now: datetime) -> None:
    """Running action learning sets with their members and meetings (idempotent by facilitator and name)."""
    tz = content.organisation.timezone
    for plan in plans:
        facilitator = await uow.users.by_teams_id(plan["facilitator"])
        if facilitator is None or any(s.name == plan["name"] for s in await uow.sets.sets_of(facilitator.id)):
            continue
        first = now.astimezone(tz).date() + timedelta(days=plan["first_in_days"])
        pattern = Pattern(
            plan["every_weeks"],
            first,
            time.fromisoformat(plan["time"]),
            plan["meetings"],
            plan["venue"],
            plan.get("online_url"),
        )
        minutes = content.sets.rules.meeting_minutes
        draft = await uow.sets.create_draft(
            facilitator_id=facilitator.id,
            name=plan["name"],
            site=None,
            cohort=None,
            pattern=pattern,
            minutes=minutes,
            now=now,
        )
        for teams_id in plan["members"]:
            member = await uow.users.by_teams_id(teams_id)
            if member is not None:
                await uow.sets.add_member(draft.id, member.id, now=now)
        await uow.sets.activate(draft.id, now=now)
        await uow.sets.add_meetings(
            draft.id,
            meeting_times(first, pattern.local_time, pattern.every_weeks, pattern.meetings, minutes, tz),
            now=now,
        )
        await ensure_presenter(uow, (await uow.sets.meetings(draft.id))[0], now=now)


async def _demo_coaching(uow: UnitOfWork, levels: dict[str, str], *, now: datetime) -> None:
    """Demo people's levels on the coaching route (senior coaches sign off and mentor)."""
    for teams_id, level in levels.items():
        person = await uow.users.by_teams_id(teams_id)
        if person is not None:
            await uow.coaching.set_level(person.id, level, now=now)


async def _demo_faq(uow: UnitOfWork, content: Content, content_dir: Path, *, now: datetime) -> None:
    """The forum's FAQ seeded from content/faq.yaml while it is empty (coaches' promoted answers are never
    overwritten by a restart)."""
    from core.forum.faq import import_faq
    from storage.forum.content import read_faq_file

    path = content_dir / "faq.yaml"
    if path.exists() and not await uow.forum.faq_entries():
        await import_faq(uow, entries=read_faq_file(path, content_dir), content=content, now=now)


async def _demo_events(uow: UnitOfWork, content: Content, plan: dict | None, *, now: datetime) -> None:
    """Courses and this year's celebration day, made through the events services by a demo facilitator (so they
    keep the rules), once each (an event with the same title and first day is not made again); abstracts are
    submitted from the demo projects."""
    from datetime import date, time  # imported here, so the events' demo stays one block at the end of the file

    from core.events.abstracts import save_abstract, start_abstract
    from core.events.commands import AbstractText, EventDetails
    from core.events.manage import create_event

    if not plan:
        return
    facilitator = await uow.users.by_teams_id(plan["facilitator"])
    if facilitator is None:
        return
    facilitator = replace(facilitator, roles=facilitator.roles | {Role.FACILITATOR})
    tz = content.organisation.timezone
    starts, ends = time.fromisoformat(plan["starts"]), time.fromisoformat(plan["ends"])

    def weekday(weeks: int) -> date:
        day = now.astimezone(tz).date() + timedelta(weeks=weeks)
        return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)

    existing = {
        (e.title, e.starts_at.astimezone(tz).date())
        for e in await uow.events.list_events(start=now, end=now + timedelta(days=400))
    }

    async def make(template: str, item: dict, *, title: str | None = None, site=None, abstracts_on=None):
        template_ = content.events.template(template)
        first = weekday(item["weeks_ahead"])
        title = title or template_.title
        if (title, first) in existing:
            return None
        details = EventDetails(
            template=template,
            title=title,
            site=site,
            venue=item.get("venue"),
            online_url=item.get("online_url"),
            capacity=None,
            dates=tuple(first + timedelta(weeks=n) for n in range(template_.dates)),
            starts=starts,
            ends=ends,
            closes_on=None,
            abstracts_close_on=abstracts_on,
        )
        return await create_event(uow, user=facilitator, details=details, content=content, now=now)

    for item in plan.get("fundamentals", []):
        await make("fundamentals", item, site=item["site"])
    if plan.get("yesterday"):
        await _demo_yesterday(uow, content, plan["yesterday"], starts, ends, now=now)
    if plan.get("practitioner"):
        await make("practitioner", plan["practitioner"], site=plan["practitioner"]["site"])
    day = plan.get("celebration")
    if not day:
        return
    title = f"Improvement celebration day {weekday(day['weeks_ahead']).year}"
    event = await make("celebration", day, title=title, abstracts_on=weekday(day["abstracts_weeks_ahead"]))
    if event is None:
        return
    for lead_id in day.get("abstracts", []):
        lead = await uow.users.by_teams_id(lead_id)
        if lead is None:
            continue
        for project in await uow.projects.mine(lead.id):
            if project.lead_id != lead.id:
                continue
            view = await start_abstract(
                uow, user=lead, event_id=event.id, project_id=project.id, content=content, now=now
            )
            a = view.abstract
            text = AbstractText(
                a.id,
                a.title,
                a.aim,
                a.measures,
                a.changes or "Tested and adopted small changes.",
                a.results or "Early signs of improvement on the run chart.",
                a.lessons,
                "poster",
            )
            await save_abstract(uow, user=lead, text=text, submit=True, content=content, now=now)


async def _demo_yesterday(uow: UnitOfWork, content: Content, plan: dict, starts, ends, *, now: datetime) -> None:
    """A Fundamentals day that took place yesterday, with people booked and the register still to mark. Written
    through the repository (the services make no event in the past), keeping its rules: places within capacity,
    registration closed before the day."""
    from core.events.model import RegistrationStatus

    tz = content.organisation.timezone
    day = now.astimezone(tz).date() - timedelta(days=1)
    first = datetime.combine(day, starts, tzinfo=tz)
    template = content.events.template("fundamentals")
    past = await uow.events.list_events(start=first, end=first + timedelta(days=1))
    if any(e.template == template.id and e.site == plan["site"] for e in past):
        return
    event_id = await uow.events.add_event(
        template=template.id,
        kind=template.kind,
        title=template.title,
        site=plan["site"],
        venue=plan.get("venue"),
        online_url=None,
        capacity=template.capacity,
        registration_closes_at=first - content.events.rules.closes_before,
        abstracts_close_at=None,
        voting_closes_at=None,
        created_by=None,
        dates=[(first, datetime.combine(day, ends, tzinfo=tz))],
        now=first - timedelta(days=30),
    )
    for teams_id in plan.get("registered", []):
        person = await uow.users.by_teams_id(teams_id)
        if person is not None and await uow.events.take_seat(event_id):
            await uow.events.add_registration(
                event_id=event_id,
                user_id=person.id,
                status=RegistrationStatus.CONFIRMED,
                answers={"manager_agreement": "yes"},
                now=first - timedelta(days=30),
            )

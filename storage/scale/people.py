"""Staff: users with their profiles and Teams addresses, roles, coaches' levels, nudge hours for some."""

from __future__ import annotations

from datetime import time, timedelta

from storage.coaching.tables import coaching_profiles
from storage.scale.bulk import BulkWriter
from storage.scale.plan import (
    EXPERIENCE_SHARES,
    FIRST_NAMES,
    LAST_NAMES,
    SITE_SHARES,
    STAFF_GROUP_SHARES,
    Person,
    Trust,
    shares,
)
from storage.tables import conversation_addresses, preferences, user_roles, users

TEAMS_PREFIX = "29:scale-"  # every synthetic person's Teams id starts so (a second run is refused)
TENANT = "tenant-scale"
SERVICE_URL = "https://smba.trafficmanager.net/uk/"


def teams_id(n: int) -> str:
    return f"{TEAMS_PREFIX}{n:06d}"


async def write_people(bulk: BulkWriter, trust: Trust) -> None:
    rng = trust.rng("people")
    org = trust.content.organisation
    sites = [s.id for s in org.sites]
    groups = [g.id for g in org.staff_groups]
    levels = [e.id for e in org.experience_levels]
    first_id = await bulk.next_id(users)
    first_address = await bulk.next_id(conversation_addresses)
    people = []
    for n in range(trust.count("staff")):
        joined = trust.moment(rng, before=trust.end - timedelta(days=7))
        people.append(
            Person(
                id=first_id + n,
                site=rng.choices(sites, shares(sites, SITE_SHARES))[0],
                group=rng.choices(groups, shares(groups, STAFF_GROUP_SHARES))[0],
                experience=rng.choices(levels, shares(levels, EXPERIENCE_SHARES))[0],
                joined=joined,
                address_id=first_address + n,
            )
        )
    trust.staff = people
    names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in people]
    await bulk.write(
        users,
        ("id", "teams_user_id", "aad_object_id", "tenant_id", "name", "site", "staff_group", "experience",
         "onboarded_at", "created_at", "updated_at"),
        (
            (p.id, teams_id(p.id - first_id + 1), f"aad-scale-{p.id - first_id + 1:06d}", TENANT, name, p.site,
             p.group, p.experience, p.joined + timedelta(minutes=2), p.joined, p.joined)
            for p, name in zip(people, names, strict=True)
        ),
    )
    await bulk.write(
        conversation_addresses,
        ("id", "user_id", "channel_id", "service_url", "conversation_id", "conversation_type", "tenant_id",
         "bot_id", "bot_name", "user_aad_id", "user_name", "active", "reachable", "updated_at"),
        (
            (p.address_id, p.id, "msteams", SERVICE_URL, f"a:scale-{p.id - first_id + 1:06d}", "personal", TENANT,
             "28:qi-companion", "QI Companion", f"aad-scale-{p.id - first_id + 1:06d}", None,
             rng.random() > 0.03, True, p.joined)
            for p in people
        ),
    )
    await _roles(bulk, trust, rng, sites)
    # One in ten has set their own working hours (part-time, nights): the nudge gate reads these.
    await bulk.write(
        preferences,
        ("user_id", "work_days", "work_start", "work_end", "paused_until", "updated_at", "learning_time"),
        (
            (p.id, "0,1,2" if p.id % 2 else "0,1,2,3,4", time(8), time(16), None, p.joined, time(9, 30))
            for p in people
            if rng.random() < 0.1
        ),
    )


async def _roles(bulk: BulkWriter, trust: Trust, rng, sites: list[str]) -> None:
    """About one coach per 150 staff at each site, a handful of facilitators and admins."""
    rows, profiles = [], []
    taken: set[int] = set()
    for site in sites:
        here = trust.by_site.get(site, [])
        coaches = rng.sample(here, min(len(here), max(2, len(here) // 150)))
        trust.coaches[site] = [c.id for c in coaches]
        for c in coaches:
            taken.add(c.id)
            rows.append((c.id, "coach", c.joined))
            profiles.append((c.id, rng.choice(("qi_coach", "qi_coach", "senior_coach")), 3, c.joined))
    others = [p for p in trust.staff if p.id not in taken]
    split = max(3, trust.count("staff") // 1500)
    picked = rng.sample(others, min(len(others), split + max(2, trust.count("staff") // 3000)))
    trust.facilitators = [p.id for p in picked[:split]]
    trust.admins = [p.id for p in picked[split:]] or [picked[0].id]
    rows += [(pid, "facilitator", trust.start) for pid in trust.facilitators]
    rows += [(pid, "admin", trust.start) for pid in trust.admins]
    await bulk.write(user_roles, ("user_id", "role", "granted_at"), rows)
    await bulk.write(coaching_profiles, ("user_id", "level", "max_mentees", "updated_at"), profiles)

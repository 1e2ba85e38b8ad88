"""Projects: the register over five years, in every status, each led by a different person (so no lead has two
new drafts), with its team, measures and weekly data (run and XmR charts), PDSA cycles and, once completed, its
evaluation (scored by the coach for most)."""

from __future__ import annotations

from datetime import timedelta

from storage.projects.tables import (
    measure_points,
    pdsa_cycles,
    project_evaluations,
    project_measures,
    project_members,
    projects,
)
from storage.scale.bulk import BulkWriter
from storage.scale.plan import Trust

STATUSES = {"draft": 0.10, "submitted": 0.04, "approved": 0.04, "active": 0.45, "completed": 0.27, "stopped": 0.10}
GOVERNANCE = {"qi": 0.80, "audit": 0.12, "service_evaluation": 0.08}
MOST_WEEKS = 104
THEMES = (
    ("falls", "Reduce inpatient falls", "inpatients on the ward", "by 30%"),
    ("discharge", "Discharge before midday", "medical patients", "from 15% to 35%"),
    ("sepsis", "Antibiotics within the hour for sepsis", "patients with red-flag sepsis", "to 95%"),
    ("handover", "Safer nursing handover", "nursing staff", "to 90% using the tool"),
    ("clinic", "Fewer missed outpatient appointments", "outpatients", "by a quarter"),
    ("theatre", "Theatre starts on time", "elective lists", "to 85%"),
)


async def write_projects(bulk: BulkWriter, trust: Trust) -> None:
    rng = trust.rng("projects")
    content = trust.content.projects
    divisions = [d.id for d in content.divisions]
    aims = [a.id for a in content.strategic_aims]
    count = min(trust.count("projects"), len(trust.staff))
    leads = rng.sample(trust.staff, count)
    first = await bulk.next_id(projects)
    measure_id = await bulk.next_id(project_measures)
    rows, members, measures, points, cycles, evaluations = [], [], [], [], [], []
    for n, lead in enumerate(leads):
        pid = first + n
        status = rng.choices(list(STATUSES), list(STATUSES.values()))[0]
        created = trust.moment(rng, after=max(trust.start, lead.joined), before=trust.end - timedelta(days=2))
        key, title, who, how_much = rng.choice(THEMES)
        coaches = trust.coaches.get(lead.site) or [c for cs in trust.coaches.values() for c in cs]
        coach = rng.choice(coaches) if rng.random() < 0.85 else None
        draft = status == "draft"
        submitted = None if draft else created + timedelta(days=rng.randint(1, 14))
        approved = submitted + timedelta(days=rng.randint(1, 10)) if status not in ("draft", "submitted") else None
        live_weeks = 0
        if approved is not None:
            available = max(1, (trust.end - approved).days // 7)
            live_weeks = available if status in ("active", "approved") else min(available, rng.randint(12, 60))
            live_weeks = min(live_weeks, MOST_WEEKS)
        updated = approved + timedelta(weeks=live_weeks) if approved else (submitted or created)
        if status == "active" and rng.random() < 0.3:
            updated = max(approved, trust.end - timedelta(days=rng.randint(31, 120)))  # gone quiet: the stale nudge
        updated = min(updated, trust.end)
        rows.append((
            pid, lead.id, status, 6 if not draft else rng.randint(1, 6), f"{title} ({lead.site}, {n + 1})",
            f"Baseline audit showed room to improve: {title.lower()}.", lead.site, rng.choice(divisions),
            rng.choice(aims), title, who, how_much, (created + timedelta(days=365)).date(), "Divisional director",
            coach, coach is None and not draft, rng.choices(list(GOVERNANCE), list(GOVERNANCE.values()))[0],
            None if draft else rng.choice((1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5)), None,
            coach if approved else None, submitted, approved, created, updated,
        ))
        trust.projects.append((pid, lead.id, status, lead.site, rows[-1][7]))
        members.append((pid, "Project lead", "Lead", 0, lead.id))
        members += [(pid, f"Team member {m + 1}", "Team member", m + 1, None) for m in range(rng.randint(1, 4))]
        if approved is None:
            continue
        for position, kind in enumerate(("outcome", "process", "balancing")[: rng.randint(1, 3)]):
            chart = "xmr" if rng.random() < 0.4 else "run"
            improvement = rng.choice(("increase", "decrease"))
            measures.append((measure_id, pid, kind, f"{kind.capitalize()}: {key}", f"Weekly {key} count", chart,
                             improvement, position, 12 if chart == "xmr" and live_weeks >= 20 else None))
            level = rng.uniform(20, 80)
            for week in range(live_weeks):
                on = (approved + timedelta(weeks=week)).date()
                if week > live_weeks // 2 and rng.random() < 0.7:
                    level += rng.uniform(0, 1.5) * (1 if improvement == "increase" else -1)
                points.append((measure_id, on, round(max(0.0, rng.gauss(level, 5)), 1),
                               min(trust.end, approved + timedelta(weeks=week, days=1))))
            measure_id += 1
        for c in range(rng.randint(0, 5)):
            act = rng.choice(("adopt", "adapt", "abandon", None))
            cycles.append((pid, f"Test change {c + 1}", "It will help", "Tried on one ward", "Looked at the data",
                           act, lead.id, min(trust.end, approved + timedelta(weeks=2 * c + 1))))
        if status == "completed":
            scored = coach is not None and rng.random() < 0.7
            rubric = tuple(rng.randint(1, 4) if scored else None for _ in range(5))
            evaluations.append((pid, "The measure moved in the right direction.", rng.choice(("adopt", "adapt")),
                                "Built into the ward routine.", None, "Start small.", updated, *rubric,
                                "Well run." if scored else None, coach if scored else None,
                                updated + timedelta(days=3) if scored else None))
    await bulk.write(
        projects,
        ("id", "lead_id", "status", "wizard_step", "title", "problem", "site", "division", "strategic_aim",
         "aim_what", "aim_who", "aim_how_much", "aim_by", "sponsor", "coach_id", "needs_coach", "governance",
         "progress_score", "approval_comment", "approved_by", "submitted_at", "approved_at", "created_at",
         "updated_at"),
        rows,
    )
    await bulk.write(project_members, ("project_id", "name", "role", "position", "user_id"), members)
    await bulk.write(
        project_measures,
        ("id", "project_id", "kind", "name", "definition", "chart", "improvement", "position", "fix_after"),
        measures,
    )
    await bulk.write(measure_points, ("measure_id", "on_date", "value", "recorded_at"), points)
    await bulk.write(
        pdsa_cycles, ("project_id", "plan", "prediction", "do", "study", "act", "created_by", "created_at"), cycles
    )
    await bulk.write(
        project_evaluations,
        ("project_id", "results", "decision", "sustain", "spread", "lessons", "submitted_at", "aim_achieved",
         "measurement", "pdsa_discipline", "patient_involvement", "sustainability", "coach_comment", "scored_by",
         "scored_at"),
        evaluations,
    )

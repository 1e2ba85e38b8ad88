"""Progress on a live project: the IHI progress score, PDSA cycles (logged, then completed with Do, Study and Act),
data points, how each measure is charted and the XmR limits the team fixes or rebases; the chart a signed link
may show; and the nudge to the lead of a project nobody has updated for a while.

A card that adds something (a PDSA cycle, a data point) carries a nonce made when it was shown: its first use is
stored (ProjectRepository.use_card, a unique key), so a double-tap or a retried request adds nothing more.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, replace
from datetime import date, datetime

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotFound
from core.kernel.model import User
from core.kernel.nudges import Nudge, notify_many
from core.kernel.ports import UnitOfWork
from core.kernel.roles import effective_roles
from core.measurement import MIN_FIX_AFTER, Rebase, XmR, xmr
from core.projects.commands import ChartSetting, DataPoint, InvalidField, Pdsa
from core.projects.model import Measure, PdsaCycle, Project, ProjectStatus
from core.projects.ports import ProjectMessages
from core.projects.rules import can_see, can_update, field_text, get_project, require_change, require_live

ACTS = ("adopt", "adapt", "abandon")
CHARTS = ("run", "xmr")
IMPROVEMENTS = ("increase", "decrease")
MAX_REBASES = 12
REASON_CHARS = 200
NONCE_CHARS = 64
STALE_CARD = "That card is out of date. Type **my projects** to carry on."
Points = list[tuple[date, float]]


async def _activity(uow: UnitOfWork, user: User, project_id: int, now: datetime) -> Project:
    """Any progress update: allowed for the team on a live project; the first one makes it active."""
    project = await get_project(uow, project_id)
    require_live(user, project)
    if not (project.status == ProjectStatus.APPROVED and await uow.projects.mark_active(project.id, now=now)):
        await uow.projects.touch(project.id, now=now)
    return await get_project(uow, project.id)


async def set_score(
    uow: UnitOfWork, *, user: User, project_id: int, score: float | None, content: Content, now: datetime
) -> Project:
    if score not in {s for s, _ in content.projects.progress_scores}:
        raise InvalidField("score", "Please choose a progress score from 0.5 to 5.0.")
    project = await _activity(uow, user, project_id, now)
    await uow.projects.set_progress_score(project.id, score, now=now)
    return await get_project(uow, project.id)


async def _first_use(uow: UnitOfWork, project: Project, nonce: str | None, now: datetime) -> bool:
    """Whether this card acts now: True without a nonce (a card shown before nonces), else only on its first use."""
    if nonce is None:
        return True
    if not isinstance(nonce, str) or not 8 <= len(nonce) <= NONCE_CHARS or not nonce.isascii():
        raise InvalidInput(STALE_CARD)
    return await uow.projects.use_card(project.id, nonce, now=now)


def _decided_needs_evidence(do: str | None, study: str | None, act: str | None) -> None:
    """Adopt, adapt or abandon is decided on what happened and what was learned: both are written first."""
    if act is None:
        return
    if act not in ACTS:
        raise InvalidField("act", "Act is adopt, adapt or abandon.")
    if not do:
        raise InvalidField("do", f"Please say what happened (Do) before you decide to {act}.")
    if not study:
        raise InvalidField("study", f"Please say what you learned (Study) before you decide to {act}.")


async def log_pdsa(
    uow: UnitOfWork, *, user: User, project_id: int, cycle: Pdsa, now: datetime, nonce: str | None = None
) -> PdsaCycle | None:
    """A new cycle: the plan and prediction now, Do, Study and Act now or later (complete_pdsa). None when this
    card (its `nonce`) was saved already: a double-tap logs one cycle."""
    clean = Pdsa(
        plan=field_text(cycle.plan, "plan", "the plan", 1000),
        prediction=field_text(cycle.prediction, "prediction", "your prediction (what you expect to happen)", 500),
        do=field_text(cycle.do, "do", "what happened", 1000, required=False),
        study=field_text(cycle.study, "study", "what you learned", 1000, required=False),
        act=cycle.act or None,
    )
    _decided_needs_evidence(clean.do, clean.study, clean.act)
    project = await get_project(uow, project_id)
    require_live(user, project)
    if not await _first_use(uow, project, nonce, now):
        return None
    await _activity(uow, user, project.id, now)
    cycle_id = await uow.projects.add_pdsa(project.id, clean, by=user.id, now=now)
    return next(c for c in await uow.projects.pdsas(project.id) if c.id == cycle_id)


@dataclass(frozen=True)
class PdsaLog:
    project: Project
    cycles: list[PdsaCycle]  # oldest first: cycle 1 is cycles[0]
    can_update: bool  # the team on a live project: log a cycle, complete a planned one


async def pdsa_log(uow: UnitOfWork, *, user: User, project_id: int) -> PdsaLog:
    """A project's cycles: for the team, the coach and admins (who see their count on the project's card)."""
    project = await get_project(uow, project_id)
    if not can_see(user, project):
        raise NotFound("That project no longer exists.")
    require_change(user, project)
    return PdsaLog(project, await uow.projects.pdsas(project.id), can_update(user, project))


async def _cycle(uow: UnitOfWork, project: Project, cycle_id: int) -> PdsaCycle:
    found = next((c for c in await uow.projects.pdsas(project.id) if c.id == cycle_id), None)
    if found is None:
        raise NotFound("That PDSA cycle is not part of this project.")
    return found


def _decided(cycle: PdsaCycle) -> InvalidInput:
    return InvalidInput(f"This cycle is decided ({cycle.act}). Log a new cycle to test the next change.")


async def cycle_to_complete(uow: UnitOfWork, *, user: User, project_id: int, cycle_id: int) -> PdsaCycle:
    """A planned cycle, for its Do, Study and Act form: shown only to those who may send it."""
    project = await get_project(uow, project_id)
    require_live(user, project)
    cycle = await _cycle(uow, project, cycle_id)
    if cycle.act is not None:
        raise _decided(cycle)
    return cycle


async def complete_pdsa(
    uow: UnitOfWork,
    *,
    user: User,
    project_id: int,
    cycle_id: int,
    do: str | None,
    study: str | None,
    act: str | None,
    now: datetime,
) -> PdsaCycle:
    """A planned cycle gets its Do and Study and, once both are written, its Act. The plan and prediction stay as
    they were (a prediction is made before the test). A decided cycle stays decided: another copy of the same
    card gets the same cycle back, any other change is refused."""
    project = await get_project(uow, project_id)
    require_live(user, project)
    do = field_text(do, "do", "what happened", 1000, required=False)
    study = field_text(study, "study", "what you learned", 1000, required=False)
    act = act or None
    _decided_needs_evidence(do, study, act)
    if not (do or study):
        raise InvalidField("do", "Please say what happened (Do), or what you learned (Study).")
    cycle = await _cycle(uow, project, cycle_id)
    if cycle.act is None:
        await _activity(uow, user, project.id, now)
        if await uow.projects.complete_pdsa(project.id, cycle.id, do=do, study=study, act=act):
            return await _cycle(uow, project, cycle.id)
        cycle = await _cycle(uow, project, cycle.id)  # decided a moment ago, by a racing copy or someone else
    if (cycle.do, cycle.study, cycle.act) == (do, study, act):
        return cycle  # the same card again
    raise _decided(cycle)


async def _measure(uow: UnitOfWork, project_id: int | None, measure_id: int) -> Measure:
    measure = await uow.projects.measure(measure_id)
    if measure is None:
        raise NotFound("That measure no longer exists.")
    if project_id is not None and measure.project_id != project_id:
        raise InvalidField("measure_id", "That measure is not part of this project.")
    return measure


async def add_data(
    uow: UnitOfWork,
    *,
    user: User,
    point: DataPoint,
    now: datetime,
    project_id: int | None = None,
    nonce: str | None = None,
) -> Measure:
    """A value of one measure on one day (a second value for the same day replaces the first). With `project_id`
    (the project the card was about) the measure must be one of that project's. A card (its `nonce`) saves its
    value once: a late copy of it cannot overwrite a value corrected since."""
    measure = await _measure(uow, project_id, point.measure_id)
    project = await get_project(uow, measure.project_id)
    require_change(user, project)
    if point.on is None:
        raise InvalidField("on", "Please give the date of the data point.")
    if point.on > now.date():
        raise InvalidField("on", "The date of a data point cannot be in the future.")
    if point.value is None:
        raise InvalidField("value", "Please give the value as a number, e.g. 4 or 12.5.")
    if not math.isfinite(point.value) or abs(point.value) > 1e9:
        raise InvalidField("value", "Please give a sensible number.")
    require_live(user, project)
    if not await _first_use(uow, project, nonce, now):
        return measure
    await _activity(uow, user, measure.project_id, now)
    await uow.projects.add_point(measure.id, on=point.on, value=point.value, now=now)
    return measure


async def set_chart(uow: UnitOfWork, *, user: User, setting: ChartSetting, now: datetime) -> Measure:
    measure = await _measure(uow, None, setting.measure_id)
    require_change(user, await get_project(uow, measure.project_id))
    if setting.chart not in CHARTS or setting.improvement not in IMPROVEMENTS:
        raise InvalidInput("Choose a run chart or an XmR chart, and whether higher or lower is better.")
    await uow.projects.set_measure_chart(measure.id, chart=setting.chart, improvement=setting.improvement)
    return await uow.projects.measure(measure.id)


# --- the XmR limits: fixed on a baseline, rebased at a date ---------------------------------------------------


def measure_xmr(measure: Measure, points: Points) -> XmR | None:
    """The measure's XmR chart as the team set it up (fixed limits, rebases); None with fewer than 2 points."""
    if len(points) < 2:
        return None
    return xmr(
        [v for _, v in points],
        improvement=measure.improvement,
        fix_after=measure.fix_after,
        rebases=measure.rebases,
        dates=[d for d, _ in points],
    )


@dataclass(frozen=True)
class MeasureLimits:
    """A measure's XmR limits, for the team's card that fixes or rebases them."""

    project: Project
    measure: Measure
    points: Points
    chart: XmR | None  # None with fewer than 2 points

    @property
    def can_fix(self) -> bool:
        return len(self.points) >= MIN_FIX_AFTER


async def _xmr_measure(uow: UnitOfWork, user: User, measure_id: int) -> Measure:
    measure = await _measure(uow, None, measure_id)
    project = await get_project(uow, measure.project_id)
    if not can_see(user, project):
        raise NotFound("That measure no longer exists.")
    require_live(user, project)
    if measure.chart != "xmr":
        raise InvalidInput("Limits are fixed or rebased on an XmR chart: show the measure as an XmR chart first.")
    return measure


async def limits_view(uow: UnitOfWork, *, user: User, measure_id: int) -> MeasureLimits:
    """The limits card: only for those who may update the project (the team, on a live project)."""
    measure = await _xmr_measure(uow, user, measure_id)
    points = await uow.projects.points(measure.id)
    project = await get_project(uow, measure.project_id)
    return MeasureLimits(project, measure, points, measure_xmr(measure, points))


async def fix_limits(uow: UnitOfWork, *, user: User, measure_id: int, fix_after: float | None) -> MeasureLimits:
    """Fix the limits on the first `fix_after` points (of each stretch between rebases): later points are judged
    against them. NHSRplotthedots asks for a baseline of at least 12 points."""
    measure = await _xmr_measure(uow, user, measure_id)
    points = await uow.projects.points(measure.id)
    if fix_after is None or not float(fix_after).is_integer():
        raise InvalidField("fix_after", "Please give the number of points the limits are fixed on, e.g. 20.")
    if fix_after < MIN_FIX_AFTER:
        raise InvalidField("fix_after", f"Please fix the limits on a baseline of at least {MIN_FIX_AFTER} points.")
    if fix_after > len(points):
        raise InvalidField("fix_after", f"The baseline can be at most the {len(points)} points the measure has so far.")
    await uow.projects.set_fix_after(measure.id, int(fix_after))
    return await limits_view(uow, user=user, measure_id=measure.id)


async def unfix_limits(uow: UnitOfWork, *, user: User, measure_id: int) -> MeasureLimits:
    """The limits come from all the points again (trial limits below 12)."""
    measure = await _xmr_measure(uow, user, measure_id)
    await uow.projects.set_fix_after(measure.id, None)
    return await limits_view(uow, user=user, measure_id=measure.id)


async def rebase(
    uow: UnitOfWork, *, user: User, measure_id: int, on: date | None, reason: str | None, now: datetime
) -> MeasureLimits:
    """Recompute the limits from a date on, after a sustained, explained change; the reason shows at the break."""
    measure = await _xmr_measure(uow, user, measure_id)
    points = await uow.projects.points(measure.id)
    if on is None:
        raise InvalidField("on", "Please give the date the change started.")
    if len(points) < 2 or not points[0][0] < on <= points[-1][0]:
        raise InvalidField("on", "Please choose a date after the first point and not after the last one.")
    why = field_text(reason, "reason", "the reason (the sustained change that explains it)", REASON_CHARS)
    known = {r.at for r in measure.rebases}
    if on not in known and len(known) >= MAX_REBASES:
        raise InvalidInput(f"A measure can be rebased at most {MAX_REBASES} times.")
    await uow.projects.add_rebase(measure.id, Rebase(on, why), by=user.id, now=now)
    return await limits_view(uow, user=user, measure_id=measure.id)


async def remove_rebase(uow: UnitOfWork, *, user: User, measure_id: int, on: date | None) -> MeasureLimits:
    measure = await _xmr_measure(uow, user, measure_id)
    if on is not None:
        await uow.projects.remove_rebase(measure.id, on)
    return await limits_view(uow, user=user, measure_id=measure.id)


# --- the chart behind a signed link ---------------------------------------------------------------------------


def chart_version(measure: Measure, points: Points) -> int:
    """Changes with everything the chart shows: its points, kind, better direction, fixed limits, rebases and
    name. The chart's link carries it, so a new picture has a new address."""
    drawn = {
        "name": measure.name,
        "chart": measure.chart,
        "improvement": measure.improvement,
        "fix_after": measure.fix_after,
        "rebases": [(r.at.isoformat() if isinstance(r.at, date) else r.at, r.reason) for r in measure.rebases],
        "points": [(d.isoformat(), float(v)) for d, v in points],
    }
    digest = hashlib.sha256(json.dumps(drawn, sort_keys=True).encode("utf-8")).digest()
    return int.from_bytes(digest[:7], "big")


async def chart_for(
    uow: UnitOfWork, *, measure_id: int, viewer_id: int, admins: frozenset[str] = frozenset()
) -> tuple[Measure, Points] | None:
    """A measure and its points for its chart image, while the person the link was issued for may still see the
    project (core.projects.rules.can_see: someone else's draft is not theirs). None for a missing measure, a
    person no longer known, a project they may not see, or no data: one answer, so ids reveal nothing."""
    measure = await uow.projects.measure(measure_id)
    viewer = await uow.users.get(viewer_id)
    if measure is None or viewer is None:
        return None
    viewer = replace(viewer, roles=effective_roles(viewer, admins))
    project = await uow.projects.get(measure.project_id)
    if project is None or not can_see(viewer, project):
        return None
    points = await uow.projects.points(measure.id)
    return (measure, points) if points else None


async def nudge_stale(uow: UnitOfWork, *, content: Content, messages: ProjectMessages, now: datetime) -> int:
    """Tick: a live project with no update for 30 days gets its lead one quick-update card (once per lull)."""
    stale = await uow.projects.stale(updated_before=now - content.projects.stale_after)
    key = {p.id: f"project:{p.id}:stale:{p.updated_at.date().isoformat()}" for p in stale}
    done = await uow.outbox.queued(list(key.values()))  # nudged in this lull already: one query for all (issue 16)
    nudges = [
        Nudge(user_id=project.lead_id, category="projects", message=messages.stale(project), key=key[project.id])
        for project in stale
        if key[project.id] not in done
    ]
    return sum(d.enqueued for d in await notify_many(uow, content, nudges, now=now))

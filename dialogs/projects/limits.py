"""A measure's XmR limits, for the team on a live project: fix them on a baseline of at least 12 points, or rebase
them at a date with a reason after a sustained, explained change; and the words that say which limits a chart
shows (trial, fixed, rebased), as Making Data Count and the learning content teach them."""

from __future__ import annotations

from datetime import date

from core.measurement import MIN_FIX_AFTER, XmR
from core.projects import services as service
from dialogs.kit import cards
from dialogs.kit.forms import card_number
from dialogs.kit.types import Response, Turn
from dialogs.projects import view
from dialogs.projects.common import card_id, day, or_refuse, text
from dialogs.projects.pages import chart_url
from dialogs.projects.router import router

BASELINE_SUGGESTED = 20  # Making Data Count: a baseline of about 20 points where there are that many
GUIDANCE = (
    "Fix the limits on a stable baseline, so new points are judged against it. Rebase only after a sustained "
    "change you can explain, never for one odd point: the chart shows the break and your reason."
)


def _day(on: date) -> str:
    return f"{on.day} {on:%b %Y}"


def _limits(segment) -> str:
    return f"mean {segment.mean:.3g}, limits {segment.lower_limit:.3g} to {segment.upper_limit:.3g}"


def in_brief(chart: XmR) -> str:
    """A sentence or two for under the chart: how its current limits were set."""
    last = chart.segments[-1]
    rebased = f"Rebased {len(chart.segments) - 1}x. " if len(chart.segments) > 1 else ""
    if last.trial:
        how = f"Trial limits: {last.end - last.start} points, fewer than 12."
    elif last.fixed:
        how = f"Limits fixed on a baseline of {last.baseline} points."
    else:
        how = f"Limits from all {last.end - last.start} points, not fixed yet."
    return rebased + how


def describe(chart: XmR, days: list[date], fix_after: int | None) -> list[str]:
    """Each stretch of the chart with its own limits, in words: trial, fixed on a baseline, or rebased and why."""
    lines = []
    for segment in chart.segments:
        n = segment.end - segment.start
        since = _day(days[segment.start])
        head = f"From {since}" if segment.reason is None else f"Rebased from {since} ({segment.reason})"
        if segment.trial:
            state = f"Trial limits: {n} points, fewer than 12, so they move as points are added."
        elif segment.fixed:
            later = n - segment.baseline
            state = f"Fixed on its first {segment.baseline} points: the {later} later points are judged against them."
        elif fix_after is not None:
            state = f"To be fixed on its first {fix_after} points: later points will be judged against them."
        else:
            state = f"From all {n} points: they shift a little with each new point until you fix them."
        lines.append(f"{head}: {_limits(segment)}. {state}")
    return lines


def limits_card(turn: Turn, shown: service.MeasureLimits, notice: str | None = None) -> dict:
    measure, points = shown.measure, shown.points
    days = [d for d, _ in points]
    blocks: list = [cards.notice(notice) if notice else None, cards.title(f"Limits: {measure.name}")]
    if turn.links is not None and points:
        url = chart_url(turn.links, measure, points, viewer=turn.user.id, now=turn.now)
        blocks.append({"type": "Image", "url": url, "altText": f"{measure.name}: XmR chart", "size": "Stretch"})
    if shown.chart is None:
        blocks.append(cards.text("Add at least 2 points to see the limits."))
    else:
        blocks += [cards.text(line, size="Small") for line in describe(shown.chart, days, measure.fix_after)]
    blocks.append(cards.text(GUIDANCE, subtle=True, size="Small"))
    actions = []
    blocks.append(cards.heading("Fix the limits"))
    if measure.fix_after is not None:
        blocks.append(cards.text(f"Fixed on the first {measure.fix_after} points of each stretch."))
        actions.append(cards.execute("Stop fixing", unfix_limits, {"measure_id": measure.id}, inputs=False))
    elif shown.can_fix:
        suggested = min(len(points), BASELINE_SUGGESTED)
        blocks.append(
            {
                "type": "Input.Number",
                "id": "fix_after",
                "label": f"Baseline: the first how many points? (at least {MIN_FIX_AFTER})",
                "value": suggested,
                "min": MIN_FIX_AFTER,
                "max": len(points),
            }
        )
        blocks.append(cards.action_set(cards.execute("Fix the limits", fix_limits, {"measure_id": measure.id})))
    else:
        blocks.append(cards.text(f"You can fix them once there are {MIN_FIX_AFTER} points ({len(points)} so far)."))
    blocks.append(cards.heading("Rebase"))
    for earlier in measure.rebases:
        on = earlier.at.isoformat() if isinstance(earlier.at, date) else str(earlier.at)
        blocks.append(
            cards.list_row(
                [cards.text(f"From {_day(earlier.at)}: {earlier.reason}")],
                [cards.execute("Remove", unrebase, {"measure_id": measure.id, "on": on}, inputs=False)],
            )
        )
    if len(points) >= 2:
        blocks += [
            {
                "type": "Input.Date",
                "id": "on",
                "label": "From which date? (the day the change started)",
                "min": days[1].isoformat(),
                "max": days[-1].isoformat(),
            },
            {
                "type": "Input.Text",
                "id": "reason",
                "label": "Why: the sustained change that explains it",
                "maxLength": 200,
                "placeholder": "e.g. new stroke pathway from 3 March",
            },
            cards.action_set(cards.execute("Rebase from this date", rebase, {"measure_id": measure.id})),
        ]
    actions.append(cards.execute("Back", view.open_project, {"project_id": shown.project.id}, inputs=False))
    return cards.card(*blocks, actions=actions)


def _measure_id(turn: Turn) -> int:
    return card_id(turn, "measure_id")


def _form(turn: Turn):
    async def form() -> dict:
        return limits_card(turn, await service.limits_view(turn.uow, user=turn.user, measure_id=_measure_id(turn)))

    return form


@router.action("limits")
async def limits_form(turn: Turn) -> Response:
    return Response(card=await _form(turn)())


@router.action("fix_limits")
async def fix_limits(turn: Turn) -> Response:
    baseline = card_number(turn.inbound.data, "fix_after")
    work = service.fix_limits(turn.uow, user=turn.user, measure_id=_measure_id(turn), fix_after=baseline)
    shown = await or_refuse(turn, work, _form(turn))
    notice = f"Limits fixed on the first {shown.measure.fix_after} points."
    return Response(card=limits_card(turn, shown, notice=notice))


@router.action("unfix_limits")
async def unfix_limits(turn: Turn) -> Response:
    shown = await service.unfix_limits(turn.uow, user=turn.user, measure_id=_measure_id(turn))
    return Response(card=limits_card(turn, shown, notice="The limits come from all the points again."))


@router.action("rebase")
async def rebase(turn: Turn) -> Response:
    data = turn.inbound.data
    work = service.rebase(
        turn.uow,
        user=turn.user,
        measure_id=_measure_id(turn),
        on=day(data, "on"),
        reason=text(data, "reason"),
        now=turn.now,
    )
    shown = await or_refuse(turn, work, _form(turn))
    return Response(card=limits_card(turn, shown, notice="Rebased: the chart shows the break and your reason."))


@router.action("unrebase")
async def unrebase(turn: Turn) -> Response:
    on = day(turn.inbound.data, "on")
    shown = await service.remove_rebase(turn.uow, user=turn.user, measure_id=_measure_id(turn), on=on)
    return Response(card=limits_card(turn, shown, notice="Rebase removed."))

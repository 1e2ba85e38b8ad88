"""A project's card (what it is, its measures with their charts and signals, and the buttons this person may use)
and `my projects`.

Every task ends on this card and the card links to every task, so the task modules and this one refer to each
other as modules (`progress.data_form`), looked up when a card is built: the import order does not matter."""

from __future__ import annotations

from core.measurement import COMMON, CONCERN, IMPROVEMENT, NEUTRAL_HIGH, NEUTRAL_LOW, run_chart, xmr
from core.projects import services as service
from core.projects.model import OPEN_STATUSES, Measure, ProjectStatus, ProjectView
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.projects import evaluation, progress, review, search, wizard
from dialogs.projects.common import card_id, project_list, summary_facts
from dialogs.projects.pages import chart_url, summary_url
from dialogs.projects.router import router

MINE_EMPTY = "You have no projects yet. Type **register project** to start one."
CLOSED = frozenset({ProjectStatus.COMPLETED, ProjectStatus.STOPPED})
ASK_A_COACH = "forum.ask"  # the forum's question card; its `project_id` is checked again there


async def show_project(turn: Turn, project_id: int, notice: str | None = None, *, asked: bool = False) -> Response:
    """The project's card as this person sees it, in place of the card they acted on."""
    view = await service.project_view(turn.uow, user=turn.user, project_id=project_id)
    return Response(card=project_card(turn, view, notice, asked=asked))


def project_card(turn: Turn, view: ProjectView, notice: str | None = None, *, asked: bool = False) -> dict:
    """`asked`: this person has just asked to join, so the button says "Asked" (pressing it again asks nobody
    twice: the request is sent once)."""
    project = view.project
    blocks = [
        cards.notice(notice) if notice else None,
        cards.title(project.title or "Untitled project"),
        summary_facts(turn.content, project, private=view.sees_private),
    ]
    for measure in project.measures:
        blocks += _measure_blocks(turn, view, measure)
    actions = []
    if view.can_update:
        actions = [
            cards.execute("Add data", progress.data_form, {"project_id": project.id}),
            cards.execute("Progress score", progress.score_form, {"project_id": project.id}),
            cards.execute("Log a PDSA", progress.pdsa_form, {"project_id": project.id}),
            cards.execute("Close project", evaluation.close_form, {"project_id": project.id}),
        ]
    if view.sees_private and view.pdsa_count:
        actions.append(cards.execute(f"PDSA cycles ({view.pdsa_count})", progress.cycles, {"project_id": project.id}))
    if view.can_review:
        actions.append(cards.execute("Approve", review.approve_form, {"project_id": project.id}))
    if view.can_evaluate:
        actions.append(cards.execute("Write the evaluation", evaluation.eval_form, {"project_id": project.id}))
    if view.can_score:
        actions.append(cards.execute("Score the evaluation", evaluation.rubric_form, {"project_id": project.id}))
    if view.can_edit and view.evaluation is not None and view.evaluation.scored and turn.links is not None:
        url = summary_url(turn.links, project.id, since=turn.now)
        actions.append({"type": "Action.OpenUrl", "title": "One-page summary", "url": url})
    if view.can_join and asked:
        asked_button = cards.execute("Asked", search.join, {"project_id": project.id}, inputs=False)
        actions.append(asked_button | {"isEnabled": False})
    elif view.can_join:
        actions.append(cards.execute("Ask to join the team", search.join, {"project_id": project.id}))
    if not view.can_edit:
        blocks.append(
            cards.text(
                "Read-only: only the lead, the team, the coach and QI admins can change a project.",
                subtle=True,
                size="Small",
            )
        )
    ask = turn.router.actions.get(ASK_A_COACH) if turn.router else None
    if ask is not None and project.lead_id == turn.user.id and project.status in OPEN_STATUSES:
        # The forum's question card with this project chosen (its registered action, found by verb: a capability
        # never imports another)
        actions.append(cards.execute("Ask a coach", ask, {"project_id": project.id}, inputs=False))
    actions.append(cards.execute("My projects", mine))
    return cards.card(*blocks, actions=actions)


def _measure_blocks(turn: Turn, view: ProjectView, measure: Measure) -> list[dict]:
    points = view.points.get(measure.id, [])
    blocks = [cards.heading(f"{measure.name} ({measure.kind})")]
    if turn.links is not None and points:
        blocks.append(
            {
                "type": "Image",
                "url": chart_url(turn.links, measure, points, viewer=turn.user.id, now=turn.now),
                "altText": f"{measure.name}: chart of {len(points)} points",
                "size": "Stretch",
            }
        )
    if view.project.live or points:
        words = describe_signals(measure, [v for _, v in points], runs_table=turn.content.runs_table)
        blocks.append(cards.text(words, size="Small"))
    elif view.project.status in CLOSED:
        blocks.append(cards.text("No data was recorded for this measure.", subtle=True, size="Small"))
    else:
        blocks.append(cards.text("Data can be added once the project is approved.", subtle=True, size="Small"))
    if view.can_edit and len(points) >= 2:
        blocks += progress.chart_setting(measure, points, can_update=view.can_update)
    return blocks


XMR_RULES = {
    "outside_limits": "a point outside the process limits",
    "seven_one_side": "7 or more points on one side of the mean",
    "seven_trend": "7 points rising or falling",
    "two_in_three": "2 of 3 points beyond 2 sigma",
}
MEANINGS = (  # the colour classes of core.measurement, in words, in the order they are told
    (IMPROVEMENT, "Improvement"),
    (CONCERN, "Concern"),
    (NEUTRAL_HIGH, "Special cause, neither better nor worse"),
    (NEUTRAL_LOW, "Special cause, neither better nor worse"),
)


def _meaning(direction: int, improvement: str) -> str:
    """Whether a signal going `direction` (+1 up or above the centre, -1 down or below) is good or bad news."""
    if direction == 0:
        return COMMON
    better = {"increase": 1, "decrease": -1}.get(improvement, 0)
    if better == 0:
        return NEUTRAL_HIGH if direction > 0 else NEUTRAL_LOW
    return IMPROVEMENT if direction == better else CONCERN


def _told(found: dict[str, list[str]]) -> str:
    """ "Improvement: a shift (...). Concern: a trend (...)." from the signals found by their meaning."""
    said: dict[str, list[str]] = {}
    for kind, words in MEANINGS:
        said.setdefault(words, []).extend(found.get(kind, []))
    return " ".join(f"{words}: {'; '.join(dict.fromkeys(parts))}." for words, parts in said.items() if parts)


def xmr_signals(chart) -> str:
    """An XmR chart's special causes in words, each said to be an improvement or a concern ("" when none)."""
    found: dict[str, list[str]] = {}
    for point in chart.points:
        for rule in sorted(point.rules):
            found.setdefault(point.kind, []).append(XMR_RULES[rule])
    return _told(found)


def describe_signals(measure: Measure, values: list[float], runs_table=None) -> str:
    """The chart's signals in words, under the chart: each one said to be an improvement or a concern, given the
    measure's better direction (blue and orange on the chart)."""
    if len(values) < 2:
        return (
            f"{len(values)} data point{'s' if len(values) != 1 else ''} so far: add more to see a chart with signals."
        )
    better = "Lower is better." if measure.improvement == "decrease" else "Higher is better."
    if measure.chart == "run" and len(values) < 10:
        median = run_chart(values).median
        return (
            f"Run chart (IHI rules): median {median:.3g}. {len(values)} points: the run chart rules need about 10 "
            "before they can show a signal."
        )
    if measure.chart == "xmr":
        chart = xmr(values, improvement=measure.improvement)
        head = (
            f"XmR chart (Making Data Count): mean {chart.mean:.3g}, limits {chart.lower_limit:.3g} to "
            f"{chart.upper_limit:.3g}. {better}"
        )
        told = xmr_signals(chart)
        return f"{head} {told}" if told else f"{head} Common cause variation only: no signal."
    chart = run_chart(values, runs_table=runs_table, improvement=measure.improvement)
    found = {}

    def side(i: int) -> int:
        return (values[i] > chart.median) - (values[i] < chart.median)

    for group in chart.shifts:
        found.setdefault(_meaning(side(group[0]), measure.improvement), []).append(
            f"a shift ({len(group)} points {'above' if side(group[0]) > 0 else 'below'} the median)"
        )
    for group in chart.trends:
        rising = values[group[-1]] > values[group[0]]
        found.setdefault(_meaning(1 if rising else -1, measure.improvement), []).append(
            f"a trend ({len(group)} points {'rising' if rising else 'falling'})"
        )
    for i in chart.astronomical:
        found.setdefault(_meaning(side(i), measure.improvement), []).append(
            "an astronomical point: check what happened"
        )
    parts = [_told(found)] if found else []
    if chart.too_few_runs or chart.too_many_runs:
        runs = "too few" if chart.too_few_runs else "too many"
        parts.append(f"Not random: {runs} runs ({chart.runs}) for this many points.")
    head = f"Run chart (IHI rules): median {chart.median:.3g}. {better}"
    return f"{head} {' '.join(parts)}" if parts else f"{head} No signal of non-random change yet."


@router.action("open")
async def open_project(turn: Turn) -> Response:
    """A project's card; the lead's own draft opens in the wizard where they left it."""
    view = await service.project_view(turn.uow, user=turn.user, project_id=card_id(turn))
    if view.can_resume:
        return Response(card=await wizard.resume_card(turn, view.project))
    return Response(card=project_card(turn, view))


@router.command(
    "my projects", title="My projects", description="The QI projects you lead or coach", aliases=("my project",)
)
async def my_projects(turn: Turn) -> Response:
    projects = await service.my_projects(turn.uow, user=turn.user)
    return Response.show(project_list(turn, "My QI projects", projects, MINE_EMPTY, open_project))


mine = router.action("mine")(my_projects)

WHY_NO_DATA = {  # why a project of yours takes no data yet
    ProjectStatus.DRAFT: "is a draft: finish registering it (type **register project**)",
    ProjectStatus.SUBMITTED: "is waiting for its coach's approval",
    ProjectStatus.COMPLETED: "is completed",
    ProjectStatus.STOPPED: "was stopped",
}


async def no_live_project(turn: Turn) -> dict:
    """`add data` when none of the person's projects takes data: why not, project by project, and the way on
    (no dead end). Data is added to approved, active projects."""
    projects = await service.my_projects(turn.uow, user=turn.user)
    lines = [
        cards.text(f"- **{p.title or 'Untitled draft'}** {WHY_NO_DATA[p.status]}.", size="Small")
        for p in projects
        if p.status in WHY_NO_DATA
    ]
    why = "Data is added to a project once its coach has approved it."
    if not projects:
        why = "You have no QI project yet. Type **register project** to start one; data is added once it is approved."
    return cards.card(
        cards.notice("You have no approved project to add data to yet.", good=False),
        cards.text(why),
        *lines,
        actions=[cards.execute("My projects", mine)],
    )  # the same list from a button, in place of the card

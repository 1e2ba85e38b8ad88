"""A project's card (what it is, its measures with their charts and signals, and the buttons this person may use)
and `my projects`.

Every task ends on this card and the card links to every task, so the task modules and this one refer to each
other as modules (`progress.data_form`), looked up when a card is built: the import order does not matter."""

from __future__ import annotations

from core.measurement import run_chart, xmr
from core.projects import services as service
from core.projects.model import Measure, ProjectView
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.projects import evaluation, progress, review, search, wizard
from dialogs.projects.common import card_id, project_list, summary_facts
from dialogs.projects.pages import chart_url, summary_url
from dialogs.projects.router import router

MINE_EMPTY = "You have no projects yet. Type **register project** to start one."


async def show_project(turn: Turn, project_id: int, notice: str | None = None) -> Response:
    """The project's card as this person sees it, in place of the card they acted on."""
    view = await service.project_view(turn.uow, user=turn.user, project_id=project_id)
    return Response(card=project_card(turn, view, notice))


def project_card(turn: Turn, view: ProjectView, notice: str | None = None) -> dict:
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
    if view.can_join:
        actions.append(cards.execute("Ask to join the team", search.join, {"project_id": project.id}))
    if not view.can_edit:
        blocks.append(
            cards.text(
                "Read-only: only the lead, the team, the coach and QI admins can change a project.",
                subtle=True,
                size="Small",
            )
        )
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
    else:
        blocks.append(cards.text("Data can be added once the project is approved.", subtle=True, size="Small"))
    if view.can_edit and len(points) >= 2:
        blocks += progress.chart_setting(measure, points, can_update=view.can_update)
    return blocks


def describe_signals(measure: Measure, values: list[float], runs_table=None) -> str:
    """The chart's signals in words, under the chart."""
    if len(values) < 2:
        return (
            f"{len(values)} data point{'s' if len(values) != 1 else ''} so far: add more to see a chart with signals."
        )
    if measure.chart == "run" and len(values) < 10:
        median = run_chart(values).median
        return (
            f"Run chart (IHI rules): median {median:.3g}. {len(values)} points: the run chart rules need about 10 "
            "before they can show a signal."
        )
    if measure.chart == "xmr":
        chart = xmr(values, improvement=measure.improvement)
        found = sorted({rule for p in chart.points for rule in p.rules})
        words = {
            "outside_limits": "a point outside the process limits",
            "seven_one_side": "7 or more points on one side of the mean",
            "seven_trend": "7 points rising or falling",
            "two_in_three": "2 of 3 points beyond 2 sigma",
        }
        head = (
            f"XmR chart (Making Data Count): mean {chart.mean:.3g}, limits {chart.lower_limit:.3g} to "
            f"{chart.upper_limit:.3g}."
        )
        return head + (
            " Special cause: " + "; ".join(words[f] for f in found) + "."
            if found
            else " Common cause variation only: no signal."
        )
    chart = run_chart(values, runs_table=runs_table)
    parts = []
    if chart.shifts:
        parts.append(f"a shift ({len(chart.shifts[0])} points on one side of the median)")
    if chart.trends:
        parts.append(f"a trend ({len(chart.trends[0])} points in one direction)")
    if chart.too_few_runs or chart.too_many_runs:
        parts.append(f"{'too few' if chart.too_few_runs else 'too many'} runs ({chart.runs})")
    if chart.astronomical:
        parts.append("an astronomical point: check what happened")
    head = f"Run chart (IHI rules): median {chart.median:.3g}."
    return head + (" Signals: " + "; ".join(parts) + "." if parts else " No signal of non-random change yet.")


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


mine = router.action("mine")(my_projects)  # the same list from a button, in place of the card

"""Progress on a live project: the IHI progress score, a PDSA cycle, a data point (also `add data`), and how
each measure is charted."""

from __future__ import annotations

from core.kernel.content import Choice
from core.projects import services as service
from core.projects.commands import ChartSetting, DataPoint, InvalidField, Pdsa
from core.projects.model import Measure, Project
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.projects import view
from dialogs.projects.common import card_id, date_input, day, number, or_refuse, project_list, text, text_input
from dialogs.projects.router import router

ACT_CHOICES = tuple(Choice(act, act.capitalize()) for act in service.ACTS)


# --- the IHI progress score -------------------------------------------------------------------------------------


def score_card(turn: Turn, project: Project) -> dict:
    choices = tuple(
        Choice(f"{score:.1f}", f"{score:.1f}: {meaning}") for score, meaning in turn.content.projects.progress_scores
    )
    current = f"{project.progress_score:.1f}" if project.progress_score is not None else None
    return cards.card(
        cards.title("IHI progress score"),
        cards.text("Set by the team: where is the project now?", subtle=True),
        cards.choice_set("score", "Progress score", choices, current, compact=False),
        actions=[
            cards.execute("Save score", score, {"project_id": project.id}, style="positive"),
            cards.execute("Back", view.open_project, {"project_id": project.id}, inputs=False),
        ],
    )


def _form(turn: Turn, build):
    """An update form (score, PDSA, data) for the project on the card: only for those who may send it."""

    async def form() -> dict:
        updating = await service.view_to_update(turn.uow, user=turn.user, project_id=card_id(turn))
        return build(turn, updating.project)

    return form


@router.action("score_form")
async def score_form(turn: Turn) -> Response:
    return Response(card=await _form(turn, score_card)())


@router.action("score")
async def score(turn: Turn) -> Response:
    value = number(turn.inbound.data, "score")
    work = service.set_score(
        turn.uow, user=turn.user, project_id=card_id(turn), score=value, content=turn.content, now=turn.now
    )
    project = await or_refuse(turn, work, _form(turn, score_card))
    return await view.show_project(turn, project.id, notice="Progress score saved.")


# --- PDSA cycles ------------------------------------------------------------------------------------------------


def pdsa_card(turn: Turn, project: Project) -> dict:
    return cards.card(
        cards.title("Log a PDSA cycle"),
        text_input(
            "plan", "Plan: what change, who, where, when?", None, multiline=True, max_length=1000, required=True
        ),
        text_input(
            "prediction",
            "Prediction: what do you expect to happen?",
            None,
            multiline=True,
            max_length=500,
            required=True,
        ),
        text_input("do", "Do: what happened?", None, multiline=True, max_length=1000),
        text_input("study", "Study: how did it compare with your prediction?", None, multiline=True, max_length=1000),
        cards.choice_set("act", "Act", ACT_CHOICES, required=False, compact=False),
        actions=[
            cards.execute("Save PDSA", pdsa, {"project_id": project.id}, style="positive"),
            cards.execute("Back", view.open_project, {"project_id": project.id}, inputs=False),
        ],
    )


@router.action("pdsa_form")
async def pdsa_form(turn: Turn) -> Response:
    return Response(card=await _form(turn, pdsa_card)())


@router.action("pdsa")
async def pdsa(turn: Turn) -> Response:
    data, project_id = turn.inbound.data, card_id(turn)
    cycle = Pdsa(*(text(data, key) for key in ("plan", "prediction", "do", "study", "act")))
    work = service.log_pdsa(turn.uow, user=turn.user, project_id=project_id, cycle=cycle, now=turn.now)
    await or_refuse(turn, work, _form(turn, pdsa_card))
    shown = await service.project_view(turn.uow, user=turn.user, project_id=project_id)
    return Response(card=view.project_card(turn, shown, notice=f"PDSA cycle {shown.pdsa_count} saved."))


# --- data points ------------------------------------------------------------------------------------------------


def data_card(turn: Turn, project: Project) -> dict:
    measures = tuple(Choice(str(m.id), f"{m.name} ({m.kind})") for m in project.measures)
    today = turn.now.date()
    return cards.card(
        cards.title(f"Add data: {project.title}"),
        cards.choice_set("measure_id", "Measure", measures, measures[0].id if measures else None),
        date_input("on", "Date", today, error="Please choose the date.", max=today),
        {
            "type": "Input.Number",
            "id": "value",
            "label": "Value",
            "isRequired": True,
            "errorMessage": "Please give a number.",
        },
        actions=[
            cards.execute("Save", data, {"project_id": project.id}, style="positive"),
            cards.execute("Back", view.open_project, {"project_id": project.id}, inputs=False),
        ],
    )


@router.action("data_form")
async def data_form(turn: Turn) -> Response:
    return Response(card=await _form(turn, data_card)())


async def _add_point(turn: Turn, project_id: int) -> None:
    values = turn.inbound.data
    if str(values.get("measure_id") or "").strip() == "":
        raise InvalidField("measure_id", "Please choose the measure.")
    point = DataPoint(card_id(turn, "measure_id"), day(values, "on"), number(values, "value"))
    await service.add_data(turn.uow, user=turn.user, point=point, project_id=project_id, now=turn.now)


@router.action("data")
async def data(turn: Turn) -> Response:
    project_id = card_id(turn)
    await or_refuse(turn, _add_point(turn, project_id), _form(turn, data_card))
    return await view.show_project(turn, project_id, notice="Data point saved.")


@router.command(
    "add data",
    title="Add data",
    description="Add a data point to one of your project's measures",
    aliases=("data", "add a data point"),
    in_manifest=False,
)
async def add_data(turn: Turn) -> Response:
    live = await service.live_projects(turn.uow, user=turn.user)
    if len(live) == 1:
        return Response.show(data_card(turn, live[0]))
    empty = "You have no approved project to add data to yet."
    return Response.show(project_list(turn, "Which project?", live, empty, view.open_project))


# --- how a measure is charted -----------------------------------------------------------------------------------


def chart_setting(measure: Measure) -> list[dict]:
    """Under a chart with data, for the team: what it is, and buttons to switch its kind and direction."""
    kind = "XmR chart" if measure.chart == "xmr" else "run chart"
    other = "xmr" if measure.chart == "run" else "run"
    better = "lower" if measure.improvement == "increase" else "higher"
    return [
        cards.text(
            f"Shown as a {kind}; {'lower' if measure.improvement == 'decrease' else 'higher'} is better.",
            subtle=True,
            size="Small",
        ),
        cards.action_set(
            cards.execute(
                "Show as XmR chart" if other == "xmr" else "Show as run chart",
                chart,
                {"measure_id": measure.id, "chart": other, "improvement": measure.improvement},
            ),
            cards.execute(
                f"{better.capitalize()} is better",
                chart,
                {
                    "measure_id": measure.id,
                    "chart": measure.chart,
                    "improvement": "decrease" if better == "lower" else "increase",
                },
            ),
        ),
    ]


@router.action("chart")
async def chart(turn: Turn) -> Response:
    values = turn.inbound.data
    setting = ChartSetting(card_id(turn, "measure_id"), str(values.get("chart")), str(values.get("improvement")))
    measure = await service.set_chart(turn.uow, user=turn.user, setting=setting, now=turn.now)
    kind = "an XmR chart" if measure.chart == "xmr" else "a run chart"
    better = "higher" if measure.improvement == "increase" else "lower"
    return await view.show_project(turn, measure.project_id, notice=f"{measure.name}: {kind}, {better} is better.")

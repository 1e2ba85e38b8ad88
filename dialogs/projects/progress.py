"""Progress on a live project: the IHI progress score, PDSA cycles (log one; read the log and give a planned
cycle its Do, Study and Act later), a data point (also `add data`), how each measure is charted, and its XmR
limits (fixed on a baseline, rebased at a date with a reason).

A card that adds something carries a nonce made when it is shown (`nonce()`): the service stores its first use,
so a double-tap adds one cycle or one value."""

from __future__ import annotations

import secrets

from core.kernel.content import Choice
from core.kernel.dates import written
from core.projects import services as service
from core.projects.commands import ChartSetting, DataPoint, InvalidField, Pdsa
from core.projects.model import Measure, Project
from dialogs.kit import cards
from dialogs.kit.forms import card_number
from dialogs.kit.types import Response, Turn
from dialogs.projects import limits, view
from dialogs.projects.common import card_id, date_input, day, or_refuse, project_list, text, text_input
from dialogs.projects.router import router

ACT_CHOICES = tuple(Choice(act, act.capitalize()) for act in service.ACTS)
ACT_LABEL = "Act, once Do and Study are written: adopt, adapt or abandon the change"


def nonce() -> str:
    """An opaque, unguessable id for one showing of a card that adds something."""
    return secrets.token_urlsafe(16)


def card_nonce(turn: Turn) -> str | None:
    value = turn.inbound.data.get("nonce")
    return value if isinstance(value, str) else None


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
    value = card_number(turn.inbound.data, "score")
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
        cards.text("Do, Study and Act can wait until the test has run: add them later from PDSA cycles.", subtle=True),
        text_input("do", "Do: what happened?", None, multiline=True, max_length=1000),
        text_input("study", "Study: how did it compare with your prediction?", None, multiline=True, max_length=1000),
        cards.choice_set("act", ACT_LABEL, ACT_CHOICES, required=False, compact=False),
        actions=[
            cards.execute("Save PDSA", pdsa, {"project_id": project.id, "nonce": nonce()}, style="positive"),
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
    work = service.log_pdsa(
        turn.uow, user=turn.user, project_id=project_id, cycle=cycle, now=turn.now, nonce=card_nonce(turn)
    )
    saved = await or_refuse(turn, work, _form(turn, pdsa_card))
    shown = await service.project_view(turn.uow, user=turn.user, project_id=project_id)
    notice = f"PDSA cycle {shown.pdsa_count} saved." if saved else "That PDSA cycle was saved already."
    return Response(card=view.project_card(turn, shown, notice=notice))


def _status(cycle) -> str:
    if cycle.act:
        return {"adopt": "adopted", "adapt": "adapted", "abandon": "abandoned"}[cycle.act]
    return "done, to study" if cycle.do and not cycle.study else "in progress" if cycle.do or cycle.study else "planned"


SHOWN_CYCLES = 15


def cycles_card(turn: Turn, log, notice: str | None = None) -> dict:
    """The PDSA log: each cycle's plan, prediction, Do, Study and Act, newest first; a planned one can be
    completed by the team."""
    project, rows = log.project, []
    numbered = list(enumerate(log.cycles, start=1))
    for n, cycle in reversed(numbered[-SHOWN_CYCLES:]):
        facts = [("Plan", cycle.plan), ("Prediction", cycle.prediction)]
        facts += [(label, value) for label, value in (("Do", cycle.do), ("Study", cycle.study)) if value]
        if cycle.act:
            facts.append(("Act", cycle.act.capitalize()))
        button = (
            []
            if cycle.act or not log.can_update
            else [cards.execute("Add Do, Study, Act", cycle_form, {"project_id": project.id, "cycle_id": cycle.id})]
        )
        head = cards.text(f"**Cycle {n}** · {written(cycle.created_at, '%-d %b %Y')} · {_status(cycle)}")
        rows.append(cards.list_row([head, cards.facts(facts)], button))
    actions = [cards.execute("Log a PDSA", pdsa_form, {"project_id": project.id})] if log.can_update else []
    actions.append(cards.execute("Back", view.open_project, {"project_id": project.id}, inputs=False))
    more = len(numbered) - SHOWN_CYCLES
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title(f"PDSA cycles: {project.title or 'Untitled project'}"),
        cards.text(
            f"{len(numbered)} cycle{'s' if len(numbered) != 1 else ''}, newest first." if numbered else "None yet.",
            subtle=True,
        ),
        *rows,
        cards.text(f"And {more} earlier cycles (in the one-page summary).", subtle=True) if more > 0 else None,
        actions=actions,
    )


@router.action("cycles")
async def cycles(turn: Turn) -> Response:
    log = await service.pdsa_log(turn.uow, user=turn.user, project_id=card_id(turn))
    return Response(card=cycles_card(turn, log))


def cycle_card(turn: Turn, project_id: int, cycle) -> dict:
    return cards.card(
        cards.title("Do, Study, Act"),
        cards.facts([("Plan", cycle.plan), ("Prediction", cycle.prediction)]),
        text_input("do", "Do: what happened?", cycle.do, multiline=True, max_length=1000),
        text_input(
            "study", "Study: how did it compare with your prediction?", cycle.study, multiline=True, max_length=1000
        ),
        cards.choice_set("act", ACT_LABEL, ACT_CHOICES, cycle.act, required=False, compact=False),
        actions=[
            cards.execute("Save", complete_cycle, {"project_id": project_id, "cycle_id": cycle.id}, style="positive"),
            cards.execute("Back", cycles, {"project_id": project_id}, inputs=False),
        ],
    )


def _cycle_form(turn: Turn):
    async def form() -> dict:
        project_id = card_id(turn)
        cycle = await service.cycle_to_complete(
            turn.uow, user=turn.user, project_id=project_id, cycle_id=card_id(turn, "cycle_id")
        )
        return cycle_card(turn, project_id, cycle)

    return form


@router.action("cycle_form")
async def cycle_form(turn: Turn) -> Response:
    return Response(card=await _cycle_form(turn)())


@router.action("complete_cycle")
async def complete_cycle(turn: Turn) -> Response:
    data, project_id = turn.inbound.data, card_id(turn)
    work = service.complete_pdsa(
        turn.uow,
        user=turn.user,
        project_id=project_id,
        cycle_id=card_id(turn, "cycle_id"),
        do=text(data, "do"),
        study=text(data, "study"),
        act=text(data, "act"),
        now=turn.now,
    )
    cycle = await or_refuse(turn, work, _cycle_form(turn))
    log = await service.pdsa_log(turn.uow, user=turn.user, project_id=project_id)
    n = next(i for i, c in enumerate(log.cycles, start=1) if c.id == cycle.id)
    return Response(card=cycles_card(turn, log, notice=f"Cycle {n} saved: {_status(cycle)}."))


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
            cards.execute("Save", data, {"project_id": project.id, "nonce": nonce()}, style="positive"),
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
    point = DataPoint(card_id(turn, "measure_id"), day(values, "on"), card_number(values, "value"))
    await service.add_data(
        turn.uow, user=turn.user, point=point, project_id=project_id, now=turn.now, nonce=card_nonce(turn)
    )


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
    if not live:  # no dead end: say why for each project, and offer my projects
        return Response.show(await view.no_live_project(turn))
    if len(live) == 1:
        return Response.show(data_card(turn, live[0]))
    return Response.show(project_list(turn, "Which project?", live, "", view.open_project))


# --- how a measure is charted -----------------------------------------------------------------------------------


def chart_setting(measure: Measure, points=(), *, can_update: bool = False) -> list[dict]:
    """Under a chart with data, for the team: what it is and how its limits were set (an XmR chart's `points`),
    and buttons to switch its kind and direction; on a live project (`can_update`), its limits."""
    kind = "an XmR chart" if measure.chart == "xmr" else "a run chart"
    other = "xmr" if measure.chart == "run" else "run"
    better = "lower" if measure.improvement == "increase" else "higher"
    chart_now = service.measure_xmr(measure, list(points)) if measure.chart == "xmr" else None
    buttons = []
    if chart_now is not None and can_update:
        buttons.append(cards.execute("Limits", limits.limits_form, {"measure_id": measure.id}))
    return [
        cards.text(
            f"Shown as {kind}; {'lower' if measure.improvement == 'decrease' else 'higher'} is better."
            + (" " + limits.in_brief(chart_now) if chart_now else ""),
            subtle=True,
            size="Small",
        ),
        cards.action_set(
            *buttons,
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

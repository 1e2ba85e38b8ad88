"""Closing a project and evaluating it: completed or stopped, the lead's evaluation (results against the aim,
decision, sustain, spread, lessons), and the coach's rubric."""

from __future__ import annotations

from core.kernel.content import Choice
from core.projects import services as service
from core.projects.commands import Evaluation, Rubric
from core.projects.model import EvaluationRecord, Project
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.projects import view
from dialogs.projects.common import card_id, choice, messages, or_refuse, text, text_input, whole
from dialogs.projects.router import router

DECISIONS = tuple(Choice(act, act.capitalize()) for act in service.ACTS)
SCALE = tuple(Choice(str(n), str(n)) for n in range(1, 5))


@router.action("close_form")
async def close_form(turn: Turn) -> Response:
    project = (await service.view_to_update(turn.uow, user=turn.user, project_id=card_id(turn))).project
    return Response(
        card=cards.card(
            cards.title(f"Close: {project.title}"),
            cards.text("Completed: the work is done (an evaluation follows). Stopped: the project ended early."),
            actions=[
                cards.execute("Completed", close, {"project_id": project.id, "completed": True}),
                cards.execute("Stopped", close, {"project_id": project.id, "completed": False}, style="destructive"),
                cards.execute("Back", view.open_project, {"project_id": project.id}, inputs=False),
            ],
        )
    )


@router.action("close")
async def close(turn: Turn) -> Response:
    completed = turn.inbound.data.get("completed") is True
    project = await service.close(turn.uow, user=turn.user, project_id=card_id(turn), completed=completed, now=turn.now)
    shown = await service.project_view(turn.uow, user=turn.user, project_id=project.id)
    if shown.can_evaluate:
        return Response(card=evaluation_card(project, None, cards.notice("Project completed: well done.")))
    return Response(card=view.project_card(turn, shown, notice=f"Project {project.status.value}."))


def evaluation_card(project: Project, written: EvaluationRecord | None, notice: dict | None = None) -> dict:
    return cards.card(
        notice,
        cards.title(f"Evaluation: {project.title}"),
        cards.text(f"Aim: {project.aim or 'not set'}", subtle=True),
        text_input(
            "results",
            "Results against the aim",
            written and written.results,
            multiline=True,
            max_length=2000,
            required=True,
        ),
        choice(
            "decision",
            "Decision: adopt, adapt or abandon the change?",
            DECISIONS,
            written and written.decision,
            compact=False,
        ),
        text_input(
            "sustain",
            "What will sustain the change?",
            written and written.sustain,
            multiline=True,
            max_length=2000,
            required=True,
        ),
        text_input("spread", "Spread plans (optional)", written and written.spread, multiline=True, max_length=2000),
        text_input(
            "lessons",
            "Lessons for other teams",
            written and written.lessons,
            multiline=True,
            max_length=2000,
            required=True,
        ),
        actions=[
            cards.execute("Send to my coach", evaluate, {"project_id": project.id}, style="positive"),
            cards.execute("Back", view.open_project, {"project_id": project.id}, inputs=False),
        ],
    )


async def _evaluation_form(turn: Turn) -> dict:
    evaluating = await service.view_to_evaluate(turn.uow, user=turn.user, project_id=card_id(turn))
    return evaluation_card(evaluating.project, evaluating.evaluation)


@router.action("eval_form")
async def eval_form(turn: Turn) -> Response:
    return Response(card=await _evaluation_form(turn))


@router.action("evaluate")
async def evaluate(turn: Turn) -> Response:
    data, project_id = turn.inbound.data, card_id(turn)
    written = Evaluation(
        text(data, "results"),
        text(data, "decision"),
        text(data, "sustain"),
        text(data, "spread"),
        text(data, "lessons"),
    )
    work = service.submit_evaluation(
        turn.uow,
        user=turn.user,
        project_id=project_id,
        evaluation=written,
        content=turn.content,
        messages=messages(turn),
        now=turn.now,
    )
    await or_refuse(turn, work, lambda: _evaluation_form(turn))
    return await view.show_project(turn, project_id, notice="Evaluation sent to your coach for scoring.")


def rubric_card(project: Project, evaluation: EvaluationRecord) -> dict:
    scores = evaluation.scores
    return cards.card(
        cards.title(f"Score: {project.title}"),
        cards.facts(
            [
                ("Aim", project.aim or "not set"),
                ("Results", evaluation.results or "not yet"),
                ("Decision", evaluation.decision or ""),
            ]
        ),
        cards.text("1 = not yet, 4 = exemplary.", subtle=True, size="Small"),
        *[
            choice(key, label, SCALE, str(getattr(scores, key)) if scores else None, compact=False)
            for key, label in service.RUBRIC
        ],
        text_input("comment", "Comment for the lead", evaluation.coach_comment, multiline=True, max_length=1000),
        actions=[
            cards.execute("Save scores", rubric, {"project_id": project.id}, style="positive"),
            cards.execute("Back", view.open_project, {"project_id": project.id}, inputs=False),
        ],
    )


async def _rubric_form(turn: Turn) -> dict:
    scoring = await service.view_to_score(turn.uow, user=turn.user, project_id=card_id(turn))
    return rubric_card(scoring.project, scoring.evaluation)


@router.action("rubric_form")
async def rubric_form(turn: Turn) -> Response:
    return Response(card=await _rubric_form(turn))


@router.action("rubric")
async def rubric(turn: Turn) -> Response:
    data, project_id = turn.inbound.data, card_id(turn)
    scores = Rubric({key: whole(data, key) for key, _ in service.RUBRIC}, text(data, "comment"))
    work = service.score_evaluation(
        turn.uow,
        user=turn.user,
        project_id=project_id,
        rubric=scores,
        content=turn.content,
        messages=messages(turn),
        now=turn.now,
    )
    await or_refuse(turn, work, lambda: _rubric_form(turn))
    return await view.show_project(turn, project_id, notice="Scores saved; the lead has their summary.")

"""Reviewing a submitted project: the coach (or an admin) approves it with a comment, or returns it to the lead
saying what should change."""

from __future__ import annotations

from core.projects import services as service
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.projects import view
from dialogs.projects.common import card_id, messages, or_refuse, summary_facts, text, text_input
from dialogs.projects.router import router


def review_form(turn: Turn, project) -> dict:
    return cards.card(
        cards.title(f"Approve: {project.title}"),
        summary_facts(turn.content, project, private=True),
        cards.text(project.problem or "", size="Small"),
        text_input("comment", "Comment for the lead (optional)", None, multiline=True, max_length=500),
        actions=[
            cards.execute("Approve", approve, {"project_id": project.id}, style="positive"),
            cards.execute("Return for changes", return_project, {"project_id": project.id}),
            cards.execute("Back", view.open_project, {"project_id": project.id}, inputs=False),
        ],
    )


async def _form(turn: Turn) -> dict:
    reviewing = await service.view_to_review(turn.uow, user=turn.user, project_id=card_id(turn))
    return review_form(turn, reviewing.project)


@router.action("approve_form")
async def approve_form(turn: Turn) -> Response:
    return Response(card=await _form(turn))


async def _decide(turn: Turn, decide, notice: str) -> Response:
    """Approve or return a submitted project: the service checks the reviewer, the lead is told."""
    work = decide(
        turn.uow,
        user=turn.user,
        project_id=card_id(turn),
        comment=text(turn.inbound.data, "comment"),
        content=turn.content,
        messages=messages(turn),
        now=turn.now,
    )
    project = await or_refuse(turn, work, lambda: _form(turn))
    return await view.show_project(turn, project.id, notice=notice)


@router.action("approve")
async def approve(turn: Turn) -> Response:
    return await _decide(turn, service.approve, "Approved; the lead has been told.")


@router.action("return")
async def return_project(turn: Turn) -> Response:
    return await _decide(turn, service.return_for_changes, "Returned to the lead with your comment.")

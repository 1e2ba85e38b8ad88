"""`projects`: search every registered project by words, site and status; ask to join a project's team, and the
lead accepts from the request card."""

from __future__ import annotations

from core.kernel.content import Choice
from core.projects import services as service
from core.projects.commands import ProjectQuery
from core.projects.model import ProjectStatus
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.projects import view
from dialogs.projects.common import card_id, messages, project_list, text, text_input
from dialogs.projects.router import router

STATUSES = tuple(Choice(s.value, s.value.capitalize()) for s in ProjectStatus if s != ProjectStatus.DRAFT)


def search_card(turn: Turn, asked: ProjectQuery | None = None, results: dict | None = None) -> dict:
    """The search form (keeping what was asked) and, after a search, its results under it."""
    asked = asked or ProjectQuery()
    return cards.card(
        cards.title("Find QI projects"),
        text_input("words", "Words in the title, problem or aim", asked.words, placeholder="e.g. falls, discharge"),
        cards.choice_set("site", "Site (optional)", turn.content.organisation.sites, asked.site, required=False),
        cards.choice_set("status", "Status (optional)", STATUSES, asked.status, required=False),
        results,
        actions=[cards.execute("Search", search)],
    )


@router.command(
    "projects",
    title="Find projects",
    description="Search QI projects at every site by words",
    aliases=("find projects", "search projects", "project search"),
    in_manifest=False,
)
async def find_projects(turn: Turn) -> Response:
    return Response.show(search_card(turn))


@router.action("search")
async def search(turn: Turn) -> Response:
    data = turn.inbound.data
    query = ProjectQuery(text(data, "words"), text(data, "site"), text(data, "status"))
    asked, found = await service.search_projects(turn.uow, query=query, content=turn.content)
    title = f"{len(found)} project{'s' if len(found) != 1 else ''} found"
    listing = project_list(turn, title, found, "No projects match. Try fewer words.", view.open_project)
    return Response(card=search_card(turn, asked, {"type": "Container", "items": listing["body"]}))


@router.action("join")
async def join(turn: Turn) -> Response:
    project = await service.ask_to_join(
        turn.uow, user=turn.user, project_id=card_id(turn), content=turn.content, messages=messages(turn), now=turn.now
    )
    return await view.show_project(turn, project.id, notice="Asked: the lead will decide.", asked=True)


@router.action("accept")
async def accept(turn: Turn) -> Response:
    project = await service.accept_member(
        turn.uow,
        user=turn.user,
        project_id=card_id(turn),
        member_id=card_id(turn, "member_id"),
        role=text(turn.inbound.data, "role"),
        now=turn.now,
    )
    return await view.show_project(turn, project.id, notice="Added to the team.")

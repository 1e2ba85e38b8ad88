"""Help: the menu of everything the person may do, and running a command from a menu button."""

from __future__ import annotations

from dialogs.kit.feature import FeatureRouter
from dialogs.kit.types import Response, Turn

router = FeatureRouter("help")


@router.command(
    "help",
    title="Help",
    description="Show everything I can do",
    aliases=("menu", "start", "hi", "hello"),
    in_menu=False,
    in_group_chats=True,
)
async def show_menu(turn: Turn) -> Response:
    return Response.show(turn.router.menu(turn))


@router.action("run")
async def run_from_menu(turn: Turn) -> Response:
    """Any command from a button, replacing the card: so no flow needs a `*_again` verb of its own."""
    command = turn.router.command_named(turn.inbound.data.get("command"))
    if command is None:
        return Response(card=turn.router.menu(turn, "That option is no longer available. Here is what I can do now:"))
    return (await turn.router.run_command(turn, command)).as_replacement()

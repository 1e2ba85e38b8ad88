"""Help: the menu of everything the person may do. Its router starts in the kit (dialogs/kit/run.py), which owns
the verb that runs a command from a button, because the kit's own cards need it."""

from __future__ import annotations

from dialogs.kit.run import router
from dialogs.kit.types import Response, Turn

__all__ = ["router"]


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

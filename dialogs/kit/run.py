"""Running a command from a button. The kit's own cards (the menu, the problem card, a form's Cancel back to a
command) need this verb, and the kit imports no capability: so the help feature's router starts here, with this
one action, and dialogs/help adds its command to it. Every verb is still registered on a FeatureRouter."""

from __future__ import annotations

from dialogs.kit.feature import FeatureRouter
from dialogs.kit.types import Response, Turn

router = FeatureRouter("help")


@router.action("run")
async def run_command(turn: Turn) -> Response:
    """Any command from a button, replacing the card: so no flow needs a `*_again` verb of its own."""
    command = turn.router.command_named(turn.inbound.data.get("command"))
    if command is None:
        return Response(card=turn.router.menu(turn, "That option is no longer available. Here is what I can do now:"))
    return (await turn.router.run_command(turn, command)).as_replacement()

"""The help menu, compact for a phone: each capability's main command as a button, the rest behind "More"."""

from __future__ import annotations

from collections.abc import Iterable

from core.kernel.model import User
from dialogs.kit import cards
from dialogs.kit.feature import Command
from dialogs.kit.run import run_command

MORE_ID = "menu-more"


def _button(command: Command) -> dict:
    button = cards.execute(command.title, run_command, {"command": command.name})
    button["tooltip"] = command.description
    return cards.action_set(button)


def menu_card(commands: Iterable[Command], user: User, *, intro: str | None = None) -> dict:
    """One button per capability (its first command), then "More" opens the others in place: about one phone
    screen instead of a thirteen-row list. A command's description is its button's tooltip."""
    main: list[Command] = []
    more: list[Command] = []
    seen_features: set[str] = set()
    for command in commands:
        if not command.in_menu or not user.has_role(command.role):
            continue
        feature = command.feature or command.name
        (more if feature in seen_features else main).append(command)
        seen_features.add(feature)
    body = [
        cards.text(intro) if intro else None,
        cards.title("What I can do"),
        *(_button(c) for c in main),
    ]
    if more:
        body.append(
            {
                "type": "Container",
                "id": MORE_ID,
                "isVisible": False,
                "items": [_button(c) for c in more],
            }
        )
        body.append(cards.action_set({"type": "Action.ToggleVisibility", "title": "More", "targetElements": [MORE_ID]}))
    body.append(cards.text("Or just tell me what you need, for example *book a clinic*.", subtle=True, size="Small"))
    return cards.card(*body)

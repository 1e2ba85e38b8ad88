"""The help menu: one button per capability the person may use."""

from __future__ import annotations

from collections.abc import Iterable

from core.kernel.model import User
from dialogs.kit import cards
from dialogs.kit.feature import Command


def menu_card(commands: Iterable[Command], user: User, *, intro: str | None = None) -> dict:
    rows = []
    for command in commands:
        if not command.in_menu or not user.has_role(command.role):
            continue
        rows.append(
            {
                "type": "ColumnSet",
                "spacing": "Medium",
                "columns": [
                    {
                        "type": "Column",
                        "width": "stretch",
                        "verticalContentAlignment": "Center",
                        "items": [
                            cards.text(f"**{command.title}**"),
                            cards.text(command.description, subtle=True, size="Small"),
                        ],
                    },
                    {
                        "type": "Column",
                        "width": "auto",
                        "verticalContentAlignment": "Center",
                        "items": [
                            cards.action_set(cards.execute("Open", "help.run", {"command": command.name})),
                        ],
                    },
                ],
            }
        )
    return cards.card(
        cards.text(intro) if intro else None,
        cards.title("What I can do"),
        *rows,
        cards.text("You can also type a command, for example **profile**.", subtle=True, size="Small"),
    )

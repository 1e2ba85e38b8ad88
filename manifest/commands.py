"""The manifest's `commandLists`, generated from the router so the Teams command menu cannot drift from it.

Personal chat: "help" plus every menu command that any member of staff may use, in router order, except
those marked `in_manifest=False` (Teams lists 10 at most; those are reached from the in-chat menu or cards). Commands
for one role (admin now, coach or facilitator tools later) are left out: the list is the same for everyone,
and the in-chat menu already hides them from people without the role; those who have it use the menu or type
them.

Team channels and group chats: only GROUP_COMMANDS (help and profile). There every reply is seen by the whole
conversation, and the bot's greeting already sends people to the personal chat for bookings and the rest.

Teams sends a picked command's title as the message text, so each title must be one of its command's phrases.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.kernel.model import Role
from dialogs.kit.feature import Command
from dialogs.kit.router import normalise

HELP = "help"
PERSONAL_SCOPES = ["personal"]
GROUP_SCOPES = ["team", "groupChat"]
MAX_COMMANDS = 10  # Teams' limit per command list (the schema allows 12; the store checks 10)
MAX_TITLE = 32
MAX_DESCRIPTION = 128


def personal_commands(commands: Iterable[Command]) -> list[Command]:
    return [c for c in commands if (c.in_menu or c.name == HELP) and c.role is Role.STAFF and c.in_manifest]


def group_commands(commands: Iterable[Command]) -> list[Command]:
    return [c for c in personal_commands(commands) if c.in_group_chats]


def _entry(command: Command) -> dict[str, str]:
    where = f"command {command.name!r}"
    if not command.title or len(command.title) > MAX_TITLE:
        raise ValueError(f"The {where} title {command.title!r} must be 1 to {MAX_TITLE} characters for Teams")
    if not command.description or len(command.description) > MAX_DESCRIPTION:
        raise ValueError(
            f"The {where} description must be 1 to {MAX_DESCRIPTION} characters for Teams "
            f"(it is {len(command.description)})"
        )
    if normalise(command.title) not in command.phrases:
        raise ValueError(
            f"The {where} title {command.title!r} is what Teams sends when it is picked, but "
            f"the router does not recognise it; make it the name or an alias"
        )
    return {"title": command.title, "description": command.description}


def command_lists(commands: Iterable[Command] | None = None) -> list[dict]:
    """The manifest's bot commandLists for `commands` (default: every capability's, from the registry)."""
    if commands is None:
        from bot import registry

        commands = registry.router().commands
    commands = list(commands)
    lists = []
    for scopes, chosen in ((PERSONAL_SCOPES, personal_commands(commands)), (GROUP_SCOPES, group_commands(commands))):
        if len(chosen) > MAX_COMMANDS:
            raise ValueError(
                f"The {'/'.join(scopes)} command list would have {len(chosen)} commands; Teams "
                f"allows {MAX_COMMANDS}. Set in_menu=False on the least used ones in dialogs/."
            )
        if chosen:
            lists.append({"scopes": list(scopes), "commands": [_entry(c) for c in chosen]})
    return lists

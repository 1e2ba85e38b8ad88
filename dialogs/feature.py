"""One router per capability (aiogram style): commands typed in chat and card verbs `<feature>.<action>`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from core.model import Role
from dialogs.types import Response, Turn

Handler = Callable[[Turn], Awaitable[Response]]


@dataclass(frozen=True)
class Command:
    name: str  # what the user types, e.g. "profile"
    title: str  # the menu button and the manifest command title (<= 32 characters)
    description: str  # the menu line and the manifest description (<= 128 characters)
    handler: Handler
    aliases: tuple[str, ...] = ()
    role: Role = Role.STAFF
    in_menu: bool = True
    in_manifest: bool = True  # Teams shows at most 10 commands; the rest are in the in-chat menu

    @property
    def phrases(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Action:
    verb: str
    handler: Handler
    role: Role = Role.STAFF


@dataclass
class FeatureRouter:
    feature: str
    commands: list[Command] = field(default_factory=list)
    actions: dict[str, Action] = field(default_factory=dict)

    def command(
        self,
        name: str,
        *,
        title: str,
        description: str,
        aliases: tuple[str, ...] = (),
        role: Role = Role.STAFF,
        in_menu: bool = True,
        in_manifest: bool = True,
    ):
        def register(handler: Handler) -> Handler:
            self.commands.append(Command(name, title, description, handler, aliases, role, in_menu, in_manifest))
            return handler

        return register

    def action(self, name: str, *, role: Role = Role.STAFF):
        def register(handler: Handler) -> Handler:
            verb = f"{self.feature}.{name}"
            self.actions[verb] = Action(verb, handler, role)
            return handler

        return register

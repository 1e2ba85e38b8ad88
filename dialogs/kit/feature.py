"""One router per capability (aiogram style): commands typed in chat and card verbs `<feature>.<action>`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from core.kernel.model import Role
from core.kernel.ports import UnitOfWork
from dialogs.kit.types import Inbound, Response, Turn

Handler = Callable[[Turn], Awaitable[Response]]
# A capability may claim a message typed in a team channel (e.g. a reply in a thread it started): it returns a
# Response, or None to leave the message to the normal flow. `Follows` says, before anyone is recorded, whether
# the capability wants an unmentioned channel message at all (with resource-specific consent the bot receives
# every message in the team's channels, and ignores those no capability follows).
ChannelHandler = Callable[[Turn], Awaitable[Response | None]]
Follows = Callable[[UnitOfWork, Inbound], Awaitable[bool]]


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
    in_group_chats: bool = False  # also listed for group chats and channels
    feature: str = ""  # the capability's router that registered it (the menu groups by it)

    @property
    def phrases(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Action:
    """A registered card verb. Card builders take this object, not a string, so a button cannot name a verb
    that has no handler: a typo is a NameError at import or in a test, not when someone taps it."""

    verb: str
    handler: Handler
    role: Role = Role.STAFF

    async def __call__(self, turn: Turn) -> Response:
        return await self.handler(turn)


# An async function (turn) -> card elements: a capability's part of the admin card.
AdminSection = Callable[[Turn], Awaitable[list[dict]]]


@dataclass
class FeatureRouter:
    feature: str
    commands: list[Command] = field(default_factory=list)
    actions: dict[str, Action] = field(default_factory=dict)
    admin_tools: list[tuple[str, Action]] = field(default_factory=list)  # buttons on the admin card
    admin_sections: list[AdminSection] = field(default_factory=list)

    def admin_section(self, section: AdminSection) -> AdminSection:
        """Register a part of the admin card (e.g. clinics' staff supported), so admin names no capability."""
        self.admin_sections.append(section)
        return section

    on_channel_message: ChannelHandler | None = None
    follows_channel_message: Follows | None = None
    on_files: Handler | None = None  # files sent in the personal chat (a poster for an abstract)

    def files(self, handler: Handler) -> Handler:
        """Register the handler for files sent in the personal chat (one capability takes files today)."""
        if self.on_files is not None:
            raise ValueError(f"{self.feature} already has a file handler")
        self.on_files = handler
        return handler

    def channel_messages(self, *, follows: Follows):
        """Register the handler for channel messages this capability may claim (see ChannelHandler)."""

        def register(handler: ChannelHandler) -> ChannelHandler:
            self.on_channel_message = handler
            self.follows_channel_message = follows
            return handler

        return register

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
        in_group_chats: bool = False,
    ):
        def register(handler: Handler) -> Handler:
            self.commands.append(
                Command(
                    name, title, description, handler, aliases, role, in_menu, in_manifest, in_group_chats, self.feature
                )
            )
            return handler

        return register

    def action(self, name: str, *, role: Role = Role.STAFF, admin_tool: str | None = None):
        """Register a card verb `<feature>.<name>`; the decorated name becomes the Action for card builders.
        `admin_tool` also puts it on the admin card as a button with that title."""

        def register(handler: Handler) -> Action:
            verb = f"{self.feature}.{name}"
            if verb in self.actions:
                raise ValueError(f"card verb {verb!r} is registered twice")
            action = Action(verb, handler, role)
            self.actions[verb] = action
            if admin_tool:
                self.admin_tools.append((admin_tool, action))
            return action

        return register

"""Picks the flow for an inbound message or card action, and checks the person's role for it.

Typed commands are matched case-insensitively and forgive small typos ("profle", "setings"); anything not
understood gets the menu, so there are no dead ends. The feature routers come from the capability registry.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence

from core.kernel.errors import DomainError
from core.kernel.intents import Intents
from core.kernel.model import Role
from core.kernel.ports import UnitOfWork
from dialogs.kit import card_data, cards
from dialogs.kit.feature import Action, Command, FeatureRouter
from dialogs.kit.forms import FormError, refill
from dialogs.kit.menu import menu_card
from dialogs.kit.types import Inbound, Response, Turn

log = logging.getLogger(__name__)

FUZZY_CUTOFF = 0.8
NO_FILES = "Thanks, but I cannot do anything with files here."
VERB = re.compile(r"[a-z_]{1,30}\.[a-z_0-9]{1,40}")  # what may be logged of an unknown verb


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


ROLE_NAMES = {Role.LEAD: "programme lead"}  # how a refusal names a role, where its id is not plain English


class Router:
    def __init__(self, features: Sequence[FeatureRouter]) -> None:
        self.features = tuple(features)
        self.commands: list[Command] = [command for feature in self.features for command in feature.commands]
        self.actions: dict[str, Action] = {}
        self.admin_tools = [tool for feature in self.features for tool in feature.admin_tools]
        self.admin_sections = [section for feature in self.features for section in feature.admin_sections]
        for feature in self.features:
            for verb, action in feature.actions.items():
                if verb in self.actions:
                    raise ValueError(f"card verb {verb!r} is registered twice")
                self.actions[verb] = action

    def check_intents(self, intents: Intents) -> None:
        """Every phrase in content/intents.yaml must name a command the bot has (checked at start-up)."""
        unknown = sorted(set(intents.commands()) - {c.name for c in self.commands})
        if unknown:
            raise ValueError(f"content/intents.yaml names commands that do not exist: {', '.join(unknown)}")

    def match_command(self, text: str) -> Command | None:
        said = normalise(text)
        if not said:
            return None
        phrases = {phrase: command for command in self.commands for phrase in command.phrases}
        if said in phrases:
            return phrases[said]
        close = difflib.get_close_matches(said, list(phrases), n=1, cutoff=FUZZY_CUTOFF)
        return phrases[close[0]] if close else None

    def menu(self, turn: Turn, intro: str | None = None) -> dict:
        return menu_card(self.commands, turn.user, intro=intro)

    def command_named(self, name: str | None) -> Command | None:
        return next((c for c in self.commands if c.name == name), None)

    async def run_command(self, turn: Turn, command: Command) -> Response:
        if not turn.user.has_role(command.role):
            return self._not_allowed(turn, command.role)
        return await command.handler(turn)

    async def follows(self, uow: UnitOfWork, inbound: Inbound) -> bool:
        """Whether a capability wants this channel message that does not mention the bot."""
        for feature in self.features:
            if feature.follows_channel_message is not None and await feature.follows_channel_message(uow, inbound):
                return True
        return False

    async def route(self, turn: Turn) -> Response:
        """Run the flow for this turn. Domain errors become a friendly card and the turn is rolled back."""
        turn.router = self
        try:
            if turn.inbound.kind == "action":
                return await self._route_action(turn)
            if turn.inbound.files:
                return await self._route_files(turn)
            if turn.inbound.conversation_type == "channel":
                for feature in self.features:
                    if feature.on_channel_message is not None:
                        claimed = await feature.on_channel_message(turn)
                        if claimed is not None:
                            return claimed
                if not turn.inbound.mentions_bot:
                    return Response()  # channel talk not addressed to the bot and followed by no capability
            text = turn.inbound.text
            command = self.match_command(text) or self.command_named(turn.content.intents.command_for(text))
            if command is not None:
                return await self.run_command(turn, command)
            reply = turn.content.intents.reply_for(text)
            if reply is not None:
                return Response.say(reply)
            intro = "Sorry, I did not understand that. Here is what I can do:" if normalise(text) else None
            return Response.show(self.menu(turn, intro))
        except FormError as refused:
            card = refill(refused.card, turn.inbound.data, field=refused.field, message=refused.message)
            if turn.inbound.kind == "action":
                return Response(card=card, commit=False)
            return Response(messages=Response.show(card).messages, commit=False)
        except DomainError as problem:
            error_card = cards.problem_card(problem.message)
            if turn.inbound.kind == "action":
                return Response(card=error_card, commit=False)
            return Response(messages=Response.show(error_card).messages, commit=False)

    async def _route_files(self, turn: Turn) -> Response:
        """Files go to the capability that registered a file handler (the first in registry order)."""
        for feature in self.features:
            if feature.on_files is not None:
                return await feature.on_files(turn)
        return Response.say(NO_FILES)

    def _not_allowed(self, turn: Turn, role: Role) -> Response:
        who = ROLE_NAMES.get(role, role.value)
        card = self.menu(turn, f"Sorry, that is only for a QI {who}. Here is what you can do:")
        return Response(messages=Response.show(card).messages, commit=False)

    async def _route_action(self, turn: Turn) -> Response:
        action = self.actions.get(turn.inbound.verb or "")
        if action is None:
            verb = turn.inbound.verb or ""
            log.info("unknown card verb", extra={"verb": verb if VERB.fullmatch(verb) else "(not a verb)"})
            return Response(card=self.menu(turn, "This card is out of date. Here is what I can do now:"))
        if not turn.user.has_role(action.role):
            return self._not_allowed(turn, action.role).as_replacement()
        if bad_data := card_data.problem(turn.inbound.data):
            return Response(card=cards.problem_card(bad_data), commit=False)
        return (await action.handler(turn)).as_replacement()

"""Picks the flow for an inbound message or card action, and checks the person's role for it.

Typed commands are matched case-insensitively and forgive small typos ("profle", "setings"); anything not
understood gets the menu, so there are no dead ends.
"""

from __future__ import annotations

import difflib
import logging
import re

from core.errors import DomainError
from core.model import Role
from dialogs import admin, cards, clinics, learning, onboarding, profile, projects, settings
from dialogs.feature import Action, Command, FeatureRouter
from dialogs.kit import card_data
from dialogs.menu import menu_card
from dialogs.types import Response, Turn

log = logging.getLogger(__name__)

help_router = FeatureRouter("help")

# Every capability's router, in menu order. The manifest's commandLists is generated from this list.
FEATURES: tuple[FeatureRouter, ...] = (
    clinics.router,
    learning.router,
    projects.router,
    profile.router,
    settings.router,
    admin.router,
    onboarding.router,
    help_router,
)

FUZZY_CUTOFF = 0.8
VERB = re.compile(r"[a-z_]{1,30}\.[a-z_0-9]{1,40}")  # what may be logged of an unknown verb


def all_commands() -> list[Command]:
    return [command for feature in FEATURES for command in feature.commands]


def all_actions() -> dict[str, Action]:
    return {verb: action for feature in FEATURES for verb, action in feature.actions.items()}


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def match_command(text: str) -> Command | None:
    said = normalise(text)
    if not said:
        return None
    phrases = {phrase: command for command in all_commands() for phrase in command.phrases}
    if said in phrases:
        return phrases[said]
    close = difflib.get_close_matches(said, list(phrases), n=1, cutoff=FUZZY_CUTOFF)
    return phrases[close[0]] if close else None


def _menu(turn: Turn, intro: str | None = None) -> dict:
    return menu_card(all_commands(), turn.user, intro=intro)


@help_router.command(
    "help",
    title="Help",
    description="Show everything I can do",
    aliases=("menu", "start", "hi", "hello"),
    in_menu=False,
)
async def show_menu(turn: Turn) -> Response:
    return Response.show(_menu(turn))


@help_router.action("menu")
async def menu_again(turn: Turn) -> Response:
    return Response(card=_menu(turn))


@help_router.action("run")
async def run_from_menu(turn: Turn) -> Response:
    name = turn.inbound.data.get("command")
    command = next((c for c in all_commands() if c.name == name), None)
    if command is None:
        return Response(card=_menu(turn, "That option is no longer available. Here is what I can do now:"))
    return (await _run_command(turn, command)).as_replacement()


def _not_allowed(turn: Turn, role: Role) -> Response:
    card = _menu(turn, f"Sorry, that is only for a QI {role.value}. Here is what you can do:")
    return Response(messages=Response.show(card).messages, commit=False)


async def _run_command(turn: Turn, command: Command) -> Response:
    if not turn.user.has_role(command.role):
        return _not_allowed(turn, command.role)
    return await command.handler(turn)


async def route(turn: Turn) -> Response:
    """Run the flow for this turn. Domain errors become a friendly card and the turn is rolled back."""
    try:
        if turn.inbound.kind == "action":
            return await _route_action(turn)
        command = match_command(turn.inbound.text)
        if command is None:
            intro = "Sorry, I did not understand that." if normalise(turn.inbound.text) else None
            return Response.show(_menu(turn, intro))
        return await _run_command(turn, command)
    except DomainError as problem:
        error_card = cards.problem_card(problem.message)
        if turn.inbound.kind == "action":
            return Response(card=error_card, commit=False)
        return Response(messages=Response.show(error_card).messages, commit=False)


async def _route_action(turn: Turn) -> Response:
    action = all_actions().get(turn.inbound.verb or "")
    if action is None:
        verb = turn.inbound.verb or ""
        log.info("unknown card verb", extra={"verb": verb if VERB.fullmatch(verb) else "(not a verb)"})
        return Response(card=_menu(turn, "This card is out of date. Here is what I can do now:"))
    if not turn.user.has_role(action.role):
        return _not_allowed(turn, action.role).as_replacement()
    if bad_data := card_data.problem(turn.inbound.data):
        return Response(card=cards.problem_card(bad_data), commit=False)
    return (await action.handler(turn)).as_replacement()

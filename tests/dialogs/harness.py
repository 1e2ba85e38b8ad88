"""A chat with the dialogs over fakes: `say` what a person types, `press` a card button; read the replies."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import adaptive_cards
import jsonschema

from bot import registry
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.kernel.roles import effective_roles
from dialogs.kit.types import Inbound, Response, Turn
from tests.fakes import FakeUnitOfWork, FixedClock, teams_address


def card_text(card: dict | None) -> str:
    """All visible text of a card (text blocks, facts, button titles, input labels), for assertions."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            found.extend(
                node[k] for k in ("text", "title", "label", "value", "placeholder") if isinstance(node.get(k), str)
            )
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)


def card_inputs(card: dict) -> dict:
    """The values a card's inputs hold before anyone types (Teams submits them with the button)."""
    values: dict = {}

    def walk(node):
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node and "value" in node:
                values[node["id"]] = node["value"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return values


def elements(node):
    """Every element of a card (body items, actions, inline cards), depth first, in order."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from elements(value)
    elif isinstance(node, list):
        for item in node:
            yield from elements(item)


def buttons(card: dict) -> list[dict]:
    """Every Action.Execute on the card, wherever it is, in order."""
    return [e for e in elements(card) if e.get("type") == "Action.Execute"]


def find_action(card: dict, title: str) -> dict:
    """The Action.Execute with this title, wherever it is on the card."""
    matches = [button for button in buttons(card) if button.get("title") == title]
    assert matches, f"no button {title!r} on the card:\n{card_text(card)}"
    return matches[0]


class FakeLinks:
    """Readable stand-ins for signed links: the page's path with its claims in place of the token."""

    def url(self, page, claims, *, expires_at, **params) -> str:
        token = "-".join(f"{key}{value}" for key, value in sorted(claims.items()))
        return "https://qibot.example" + page.path.format(token=token, **params)

    def token(self, page, claims, *, expires_at) -> str:
        """Readable too: the page's name, the claims and the expiry (seconds since the epoch)."""
        expiry = int(expires_at.timestamp()) if expires_at else ""
        return ":".join([page.name, *(f"{key}{value}" for key, value in sorted(claims.items())), f"x{expiry}"])

    def read(self, page, token, *, now):
        name, *parts = token.split(":")
        if name != page.name or not parts or not parts[-1].startswith("x"):
            return None
        expiry = parts.pop()[1:]
        if expiry and int(expiry) < now.timestamp():
            return None
        claims = {part[0]: int(part[1:]) for part in parts if part[1:].isdigit()}
        return claims if all(key in claims for key in page.claims) else None


ROUTER = registry.router()
SCHEMA = json.loads((Path(adaptive_cards.__file__).parent / "schemas" / "schema-1.5.json").read_text())
VALIDATOR = jsonschema.Draft6Validator(SCHEMA)


# Buttons that take a person out of a form: Teams will not press a button while a required input of the card is
# empty, unless the button sends no inputs (associatedInputs "none").
ESCAPES = ("back", "finish later", "cancel", "stop", "not now", "close", "leave", "skip", "keep", "no")
# Text colours that meet WCAG AA (4.5:1) in both Teams themes (tests/kernel/test_contrast.py measures them).
CONTRAST_SAFE = {None, "Default", "default", "Accent", "accent"}


def blocked_escapes(card: dict) -> list[str]:
    """Escape buttons a required, still-empty input would block."""
    inputs = [e for e in elements(card) if str(e.get("type", "")).startswith("Input.") and e.get("isRequired")]
    blocked = []
    for action in buttons(card):
        title = str(action.get("title", "")).lower()
        escape = any(title == word or title.startswith(word + " ") for word in ESCAPES)
        if not escape:
            continue
        # A button that sends the inputs (Finish later must, to keep what was typed) is blocked by a required one.
        if inputs and action.get("associatedInputs") != "none":
            blocked.append(action["title"])
    return blocked


def check_card(card: dict, label: str = "card") -> None:
    """Every card a transcript sees (replies, replacements, queued proactive messages): valid Adaptive Card 1.5,
    and every button's verb a registered action. So each capability's transcripts check all its cards."""
    errors = sorted(VALIDATOR.iter_errors(card), key=lambda e: list(e.path))
    assert not errors, f"{label}: {errors[0].message} at {list(errors[0].absolute_path)}"
    assert card.get("version") == "1.5", label
    json.dumps(card)
    assert not blocked_escapes(card), f"{label}: {blocked_escapes(card)} blocked by required inputs"
    coloured = {e.get("color") for e in elements(card) if e.get("type") in ("TextBlock", "TextRun")}
    assert coloured <= CONTRAST_SAFE, f"{label}: text in {sorted(coloured - CONTRAST_SAFE)} fails WCAG AA in a theme"

    for button in buttons(card):
        assert button["verb"] in ROUTER.actions, f"{label}: button {button.get('title')!r} has no handler"


class Chat:
    def __init__(
        self, content, *, admins: frozenset[str] = frozenset(), n: int = 1, uow: FakeUnitOfWork | None = None
    ) -> None:
        self.content = content
        self.admins = admins
        self.uow = uow or FakeUnitOfWork()
        self.clock = FixedClock(datetime(2026, 11, 25, 10, tzinfo=UTC))
        self.address = teams_address(n)
        self.cards: list[dict] = []

    async def _turn(self, inbound: Inbound) -> Response:
        contact = await record_contact(self.uow, address=self.address, now=self.clock.now())
        user = replace(contact.user, roles=effective_roles(contact.user, self.admins))
        if hasattr(self.uow, "begin"):  # the fake's snapshot; a SQL unit of work is always in a transaction
            self.uow.begin()
        response = await ROUTER.route(
            Turn(
                user=user,
                inbound=inbound,
                uow=self.uow,
                content=self.content,
                now=self.clock.now(),
                links=FakeLinks(),
                messages=registry.messages(self.content, FakeLinks()),
            )
        )
        # As bot.teams does: commit what the flow did, or roll all of it back after a refusal or a form error.
        if response.commit:
            await self.uow.commit()
            self.uow.committed = True
        else:
            await self.uow.rollback()
            self.uow.committed = False
        seen = [m.card for m in response.messages if m.card] + ([response.card] if response.card else [])
        outbox = getattr(getattr(self.uow, "db", None), "outbox", {})  # the fake's queued proactive messages
        queued = [row["message"].card for row in outbox.values() if row["message"].card]
        for card in seen + queued:
            check_card(card, f"after {inbound.verb or inbound.text!r}")
        self.cards += seen
        return response

    async def say(self, text: str) -> Response:
        return await self._turn(Inbound(kind="message", text=text, conversation_id=self.address.conversation_id))

    async def press(self, verb: str, **data) -> Response:
        return await self._turn(
            Inbound(kind="action", verb=verb, data=data, conversation_id=self.address.conversation_id)
        )

    async def press_button(self, card: dict, button: str, /, **inputs) -> Response:
        """Press a button the way Teams does: the action's data plus the card's input values."""
        action = find_action(card, button)
        return await self.press(action["verb"], **{**action.get("data", {}), **card_inputs(card), **inputs})

    async def grant(self, role: Role) -> None:
        user = (await record_contact(self.uow, address=self.address, now=self.clock.now())).user
        await self.uow.users.grant_role(user.id, role, now=self.clock.now())

    def snapshot(self) -> dict:
        """What the fake database holds now, to assert that a refused action changed nothing."""
        import copy

        return copy.deepcopy({k: v for k, v in self.uow.db.__dict__.items() if k != "ids"})

    async def user(self):
        return await self.uow.users.by_teams_id(self.address.user_teams_id)


def only_card(response: Response) -> dict:
    cards = [m.card for m in response.messages if m.card]
    assert len(cards) == 1, f"expected one card, got {len(cards)}"
    return cards[0]

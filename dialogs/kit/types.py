"""What a dialog receives and returns: plain data, independent of the Teams SDK."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.kernel.content import Content
from core.kernel.model import OutboundMessage, User
from core.kernel.ports import Links, UnitOfWork


@dataclass(frozen=True)
class InboundFile:
    """A file the person sent the bot in their personal chat, already fetched by bot/ (bounded in size) before the
    turn, so no download runs while the turn's unit of work is open. `data` is None when it could not be fetched:
    `problem` says why ("too_large": it was over the bot's upload limit and the download was stopped;
    "unavailable": the download failed)."""

    name: str
    file_type: str  # what Teams says the type is (e.g. "pdf"): a hint only, the bytes are what is checked
    download_url: str
    data: bytes | None = None
    problem: str | None = None

    @property
    def size(self) -> int | None:
        return len(self.data) if self.data is not None else None


@dataclass(frozen=True)
class Inbound:
    kind: str  # "message" (typed text) | "action" (an Action.Execute on a card)
    conversation_id: str
    conversation_type: str = "personal"
    text: str = ""
    verb: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    # Teams team channels: which team and channel the activity came from, the root message id when it is in a
    # thread (a reply, or a card in it), the activity's own id, and whether the bot was @mentioned.
    team_id: str | None = None
    team_group_id: str | None = None  # the team's Microsoft 365 group id (for links to a thread)
    channel_id: str | None = None
    thread_root: str | None = None
    activity_id: str | None = None
    mentions_bot: bool = False
    # A card action: the id of the message holding the card (Teams' replyToId), so a later update can replace it.
    card_activity_id: str | None = None
    files: tuple[InboundFile, ...] = ()  # files sent in a personal chat (a message may also have text)


@dataclass
class Turn:
    """One inbound activity being handled: who, what, and the open unit of work."""

    user: User
    inbound: Inbound
    uow: UnitOfWork
    content: Content
    now: datetime
    links: Links | None = None
    messages: Mapping[str, Any] = field(default_factory=dict)  # each capability's proactive message builder
    router: Any = None  # the Router running this turn (set by it): the menu, and commands run from a button


@dataclass
class Response:
    """`card` replaces the card that was acted on (Action.Execute); `messages` are sent as new messages."""

    messages: list[OutboundMessage] = field(default_factory=list)
    card: dict[str, Any] | None = None
    commit: bool = True  # False: the turn failed with a domain error; roll back whatever it wrote

    @classmethod
    def show(cls, card: dict[str, Any]) -> Response:
        return cls(messages=[OutboundMessage(card=card)])

    @classmethod
    def say(cls, text: str) -> Response:
        return cls(messages=[OutboundMessage(text=text)])

    def as_replacement(self) -> Response:
        """For a card action: the first card becomes the replacement, anything else is sent after it."""
        if self.card is not None:
            return self
        for index, message in enumerate(self.messages):
            if message.card is not None and not message.text:
                rest = self.messages[:index] + self.messages[index + 1 :]
                return Response(messages=rest, card=message.card, commit=self.commit)
        return self

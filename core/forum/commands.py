"""What the forum's cards send, as typed values (the dialogs read the card data; services take these)."""

from __future__ import annotations

from dataclasses import dataclass

from core.kernel.errors import InvalidInput


class InvalidAnswer(InvalidInput):
    """A refused form field: `field` is the input the message is about."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class QuestionDraft:
    text: object  # as typed: the service cleans and checks it
    topic: object
    project_id: int | None
    show_name: bool


@dataclass(frozen=True)
class FaqDraft:
    question: object
    answer: object
    topic: object
    keywords: object


@dataclass(frozen=True)
class Subscriptions:
    topics: tuple[str, ...]
    sites: tuple[str, ...]


@dataclass(frozen=True)
class ChannelPlace:
    """Where a turn in a team channel came from (from the activity, never from card data)."""

    conversation_id: str
    teams_channel_id: str | None
    team_id: str | None
    team_group_id: str | None

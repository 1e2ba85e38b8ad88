"""The learning router, and the few pieces its task modules share."""

from __future__ import annotations

from core.learning.content import Topic
from core.learning.progress import course_topic
from dialogs.kit import cards
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.run import run_command
from dialogs.kit.types import Turn

router = FeatureRouter("learning")

# The typed commands, named once: their registration and the buttons that run them use these.
LEARN = "learn"
QUIZ = "quiz"
MY_PROGRESS = "my progress"
MENU_ORDER = (LEARN, QUIZ, MY_PROGRESS)


def command_button(label: str, command: str, *, style: str | None = None) -> dict:
    """A button that runs one of the typed commands in place of the card (help's run), so no `*_again` verb."""
    return cards.execute(label, run_command, {"command": command}, style=style)


def days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def card_topic(turn: Turn) -> Topic:
    """The topic a card's button names (a topic retired since is a friendly refusal, from the service)."""
    return course_topic(turn.content, str(turn.inbound.data.get("topic_id", "")))

"""What the compose card sent, as typed values: the dialog reads the card's inputs into a DraftForm, and
`compose.read_draft` checks it. A problem names a DraftForm field (`title`, `send_time`, `sites`, ...; a button's as
`buttons.<n>.label` or `buttons.<n>.target`), which the dialog maps back to its input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from core.announcements.model import Audience


@dataclass(frozen=True)
class ButtonForm:
    label: object = None  # as typed: checked and cleaned by the service
    target: object = None


@dataclass(frozen=True)
class DraftForm:
    title: object = None
    text: object = None
    image_url: object = None
    buttons: tuple[ButtonForm, ...] = ()
    audience: Audience = field(default_factory=Audience)  # as picked: the service checks every value
    send_now: bool = True
    send_on: date | None = None  # None: not chosen, or not a date
    send_time: time | None = None  # None: not given, or not a time
    spread: bool = False
    urgent: bool = False


def button_field(n: int, part: str) -> str:
    return f"buttons.{n}.{part}"

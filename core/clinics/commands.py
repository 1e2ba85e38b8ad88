"""What a person asks the clinic services to do, as typed values (card input ids stop at the dialog)."""

from __future__ import annotations

from dataclasses import dataclass

from core.kernel.errors import InvalidInput


@dataclass(frozen=True)
class BookingRequest:
    session_id: int
    help_with: str | None  # one of content/clinics.yaml's help_with choices
    question: str | None = None
    project_id: int | None = None  # one of the person's own registered projects, or None
    join_waitlist: bool = False  # when the session is full, take a waitlist place instead


@dataclass(frozen=True)
class FeedbackAnswers:
    booking_id: int
    usefulness: int | None  # 1 (not useful) to 5 (very useful)
    improvement: str | None = None


class InvalidAnswer(InvalidInput):
    """One answer of a form was refused; `field` names the command's field, so the form shows the message there."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

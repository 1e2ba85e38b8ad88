"""What a person asks the coaching services to do, as typed values (card input ids stop at the dialog)."""

from __future__ import annotations

from dataclasses import dataclass

from core.coaching.model import LinkKind
from core.kernel.errors import InvalidInput


@dataclass(frozen=True)
class NewEvidence:
    competency: str
    note: str | None
    link_kind: LinkKind | None = None
    link_id: int | None = None


@dataclass(frozen=True)
class Review:
    evidence_id: int
    sign_off: bool  # False: returned with the comment
    comment: str | None = None


class InvalidAnswer(InvalidInput):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

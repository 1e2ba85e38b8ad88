"""Form input from cards: reading ids and numbers, and the one way to refuse a form.

A refused form raises FormError with the card to show again (the values typed and the message next to the
field). The router answers with that card and rolls the whole turn back, so no handler can commit after
invalid input.
"""

from __future__ import annotations

from typing import Any

from core.kernel.errors import DomainError, InvalidInput

MAX_ID = 2**63 - 1  # ids are 64-bit integers in both databases


class FormError(DomainError):
    def __init__(self, card: dict[str, Any], message: str = "Please check the form.") -> None:
        super().__init__(message)
        self.card = card


def card_int(
    data: dict[str, Any], key: str, *, stale: str = "That card is out of date.", default: int | None = None
) -> int:
    """An id or a whole number a card sent (cards send strings); anything else means the card is stale or forged."""
    value = data.get(key, default)
    if isinstance(value, bool):
        raise InvalidInput(stale)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not -MAX_ID <= value <= MAX_ID:
        raise InvalidInput(stale)
    return value

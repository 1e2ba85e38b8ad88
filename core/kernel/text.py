"""Free text from people: one cleaner for every capability, so every field gets the same rules."""

from __future__ import annotations

import unicodedata

from core.kernel.errors import InvalidInput


def clean_text(value: object, limit: int, what: str, *, required: bool = False) -> str | None:
    """Trimmed text, None when empty. NUL and other control characters (but newlines and tabs) are dropped, as
    are lone surrogates, which no database stores; over `limit` characters is refused with a sentence naming
    `what` ("Please keep your question to 500 characters ...")."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
    else:
        raise InvalidInput(f"Please type {what} as text.")
    text = "".join(ch for ch in text if ch in "\n\t" or (unicodedata.category(ch) not in ("Cc", "Cs"))).strip()
    if len(text) > limit:
        raise InvalidInput(f"Please keep {what} to {limit} characters (it is {len(text)}).")
    if required and not text:
        raise InvalidInput(f"Please add {what}.")
    return text or None

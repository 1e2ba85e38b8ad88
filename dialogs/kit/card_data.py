"""The data of a card action, checked in one place before any handler runs (dialogs/router.py).

A card's data comes from the person's device and can be forged, so it is read as untrusted input:

- ids (`id`, keys ending in `_id` except content slugs such as `topic_id`, the paging and step numbers, and
  the number in an `att_<booking id>` key) are whole numbers within signed 64 bits, given as numbers or as digit
  strings (Adaptive Cards send inputs as strings);
- no NaN or Infinity, and no whole number beyond 64 bits, anywhere (nor "inf", "NaN" or "1e400" in a number
  input);
- strings have no NUL character and no lone surrogate, and are at most MAX_TEXT characters;
- a value is a scalar: no list or object, except under a key in NESTED_KEYS.

A failure gets a friendly card and changes nothing; what was sent is never echoed or logged.
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

log = logging.getLogger(__name__)

MAX_TEXT = 4000  # longer than any input on our cards (the longest allows 2,000 characters)
MAX_KEYS = 200
MAX_KEY_LENGTH = 100
MAX_DEPTH = 4
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

INTEGER_KEYS = frozenset({"id", "page", "step", "bite"})  # besides every key ending in _id
TEXT_ID_KEYS = frozenset({"topic_id"})  # ids of content (YAML slugs), not database rows
NUMBER_KEYS = frozenset({"pause_days", "value", "score", "usefulness"})  # number inputs, read with float() or int()
NESTED_KEYS = frozenset({"msteams"})  # Teams' own field on an Action.Submit; no handler reads it
ID_IN_KEY = re.compile(r"att_(.*)", re.DOTALL)  # attendance: one choice per booking, keyed att_<booking id>
DIGITS = re.compile(r"-?[0-9]{1,19}")
SURROGATE = re.compile("[\ud800-\udfff]")

PROBLEM = (
    "Something on that card was not in the form I expected, so nothing was changed. "
    "Please use the latest card, or type **help**."
)


class _Invalid(Exception):
    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


def problem(data: Any) -> str | None:
    """A friendly message when the data breaks a rule above, else None."""
    try:
        _check(data)
    except _Invalid as invalid:
        log.info("card data rejected", extra={"rule": invalid.rule})
        return PROBLEM
    return None


def is_id_key(key: str) -> bool:
    return key not in TEXT_ID_KEYS and (key in INTEGER_KEYS or key.endswith("_id"))


def _check(data: Any) -> None:
    if not isinstance(data, dict):
        raise _Invalid("data is not an object")
    if len(data) > MAX_KEYS:
        raise _Invalid("too many keys")
    for key, value in data.items():
        _check_key(key)
        in_key = ID_IN_KEY.fullmatch(key)
        if in_key:
            _check_id(in_key.group(1), "id in a key")
        if is_id_key(key):
            if value not in (None, ""):
                _check_id(value, "id")
        elif key in NESTED_KEYS:
            _check_nested(value, depth=1)
        else:
            _check_scalar(value)
            if key in NUMBER_KEYS and isinstance(value, str):
                _check_number_text(value)


def _check_key(key: Any) -> None:
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH:
        raise _Invalid("key")
    _check_text(key)


def _check_id(value: Any, rule: str) -> None:
    if isinstance(value, bool):
        raise _Invalid(rule)
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and DIGITS.fullmatch(value):
        number = int(value)
    else:
        raise _Invalid(rule)
    if not INT64_MIN <= number <= INT64_MAX:
        raise _Invalid(rule)


def _check_scalar(value: Any) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            raise _Invalid("number out of range")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _Invalid("NaN or Infinity")
    elif isinstance(value, str):
        _check_text(value)
    else:
        raise _Invalid("a list or object where a single value belongs")


def _check_number_text(value: str) -> None:
    """A number input saying "inf", "NaN" or "1e400" would read as a number that is not finite."""
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return  # not a number at all: the handler says so
    if not math.isfinite(number):
        raise _Invalid("NaN or Infinity")


def _check_nested(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise _Invalid("nested too deeply")
    if isinstance(value, dict):
        if len(value) > MAX_KEYS:
            raise _Invalid("too many keys")
        for key, item in value.items():
            _check_key(key)
            _check_nested(item, depth + 1)
    elif isinstance(value, list):
        if len(value) > MAX_KEYS:
            raise _Invalid("too many items")
        for item in value:
            _check_nested(item, depth + 1)
    else:
        _check_scalar(value)


def _check_text(value: str) -> None:
    if len(value) > MAX_TEXT:
        raise _Invalid("text too long")
    if "\x00" in value:
        raise _Invalid("NUL character")
    if SURROGATE.search(value):
        raise _Invalid("lone surrogate")

"""The shape of an activity envelope, checked before the body is read as an Activity.

botbuilder's Activity().deserialize raises on a wrong-typed field (a `timestamp` that is not a date, `entities`
that is not a list of objects ...), and keeps wrong-typed strings that the bot would trip over later. This JSON
Schema covers every field the SDK parses into a typed value and every field the bot reads, so such a request
gets a 400 that names the field (never its value), before anything is stored or logged.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from msrest.serialization import Deserializer

from bot.fast_schema import Unsupported, compile_schema

_STR = {"type": ["string", "null"]}
# Stored as is: no NUL (PostgreSQL refuses it) and no lone surrogate (not encodable as UTF-8).
_PLAIN = "^[^\\x00\\ud800-\\udfff]*$"
_STORED = {"type": ["string", "null"], "pattern": _PLAIN}
_BOOL = {"type": ["boolean", "null"]}
_OBJECT = {"type": ["object", "null"]}
_DATE = {"type": ["string", "null"], "format": "msrest-date-time"}
_STRINGS = {"type": ["array", "null"], "items": {"type": "string"}}

_ACCOUNT = {
    "type": ["object", "null"],
    "properties": {"id": _STORED, "name": _STORED, "aadObjectId": _STORED, "role": _STR, "properties": _OBJECT},
}
_CONVERSATION = {
    "type": ["object", "null"],
    "properties": {
        "id": _STORED,
        "name": _STR,
        "conversationType": _STORED,
        "tenantId": _STORED,
        "tenantID": _STR,
        "isGroup": _BOOL,
        "aadObjectId": _STR,
        "role": _STR,
        "properties": _OBJECT,
    },
}
_TENANT = {"type": ["object", "null"], "properties": {"id": _STORED}}
_ENTITY = {"type": "object", "properties": {"type": _STR}}
_MENTION = {"type": "object", "properties": {"mentioned": _ACCOUNT, "text": _STR}}
_IS_MENTION = {"required": ["type"], "properties": {"type": {"const": "mention"}}}


def _list_of(item: dict, max_items: int = 500) -> dict:
    return {"type": ["array", "null"], "items": item, "maxItems": max_items}


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "id": _STR,
        "timestamp": _DATE,
        "localTimestamp": _DATE,
        "expiration": _DATE,
        "localTimezone": _STR,
        "serviceUrl": {"type": "string", "pattern": _PLAIN},
        "channelId": {"type": "string", "pattern": _PLAIN},
        "from": _ACCOUNT,
        "conversation": _CONVERSATION,
        "recipient": _ACCOUNT,
        "textFormat": _STR,
        "attachmentLayout": _STR,
        "membersAdded": _list_of(_ACCOUNT),
        "membersRemoved": _list_of(_ACCOUNT),
        "reactionsAdded": _list_of({"type": "object", "properties": {"type": _STR}}),
        "reactionsRemoved": _list_of({"type": "object", "properties": {"type": _STR}}),
        "topicName": _STR,
        "historyDisclosed": _BOOL,
        "locale": _STR,
        "text": _STR,
        "speak": _STR,
        "inputHint": _STR,
        "summary": _STR,
        "suggestedActions": {
            "type": ["object", "null"],
            "properties": {
                "to": _STRINGS,
                "actions": _list_of({"type": "object", "properties": {"type": _STR, "title": _STR, "text": _STR}}),
            },
        },
        "attachments": _list_of(
            {
                "type": "object",
                "properties": {"contentType": _STR, "contentUrl": _STR, "name": _STR, "thumbnailUrl": _STR},
            },
            max_items=50,
        ),
        "entities": _list_of({"allOf": [_ENTITY, {"if": _IS_MENTION, "then": _MENTION}]}),
        "channelData": {"type": ["object", "null"], "properties": {"tenant": _TENANT}},
        "action": _STR,
        "replyToId": _STR,
        "label": _STR,
        "valueType": _STR,
        "name": _STR,
        "relatesTo": {
            "type": ["object", "null"],
            "properties": {
                "activityId": _STR,
                "user": _ACCOUNT,
                "bot": _ACCOUNT,
                "conversation": _CONVERSATION,
                "channelId": _STR,
                "locale": _STR,
                "serviceUrl": _STR,
            },
        },
        "code": _STR,
        "importance": _STR,
        "deliveryMode": _STR,
        "listenFor": _STRINGS,
        "textHighlights": _list_of(
            {"type": "object", "properties": {"text": _STR, "occurrence": {"type": ["integer", "null"]}}}
        ),
        "semanticAction": {
            "type": ["object", "null"],
            "properties": {
                "id": _STR,
                "state": _STR,
                "entities": {"type": ["object", "null"], "additionalProperties": _ENTITY},
            },
        },
        "callerId": _STR,
    },
    # A card's Action.Execute: Teams always sends value.action as an object with a verb and its data.
    "if": {
        "required": ["type", "name"],
        "properties": {"type": {"const": "invoke"}, "name": {"const": "adaptiveCard/action"}},
    },
    "then": {
        "required": ["value"],
        "properties": {
            "value": {
                "type": "object",
                "required": ["action"],
                "properties": {
                    "action": {
                        "type": "object",
                        "properties": {"verb": {"type": "string"}, "data": {"type": ["object", "null"]}},
                    }
                },
            }
        },
    },
}

_formats = FormatChecker()


@_formats.checks("msrest-date-time", raises=Exception)
def _msrest_date_time(value: object) -> bool:
    """Exactly what the SDK's deserializer accepts, so a value passing here cannot make it fail."""
    if isinstance(value, str):
        Deserializer.deserialize_iso(value)
    return True


_validator = Draft202012Validator(SCHEMA, format_checker=_formats)
try:
    # The same yes/no as _validator.is_valid, without jsonschema's per-subschema machinery (tests/bot/test_envelope.py
    # compares the two); jsonschema still names the field when the answer is no.
    is_valid = compile_schema(SCHEMA, _formats)
except Unsupported:  # a keyword fast_schema does not follow: jsonschema alone, still exact
    is_valid = _validator.is_valid

_WHAT = {
    "type": lambda expected: "must be " + " or ".join(_TYPE_NAMES.get(t, t) for t in _as_list(expected)),
    "format": lambda _: "is not a valid date and time",
    "required": lambda _: "is missing",
    "maxItems": lambda limit: f"has more than {limit} items",
    "pattern": lambda _: "contains a character that is not allowed",
}
_TYPE_NAMES = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "boolean": "true or false",
    "integer": "a whole number",
}
_NAME = re.compile(r"[A-Za-z]{1,40}|[0-9]{1,6}")  # schema names and list positions; anything else is not echoed


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def problem(body: dict) -> str | None:
    """A short reason naming the first wrong field (never its value), or None when the envelope is fine."""
    if is_valid(body):
        return None
    errors = sorted(_validator.iter_errors(body), key=lambda e: (len(e.absolute_path), list(map(str, e.path))))
    if not errors:
        return None
    error = errors[0]
    path = [str(part) for part in error.absolute_path]
    if error.validator == "required":
        absent = [name for name in error.validator_value if name not in error.instance]
        path.append(absent[0] if absent else "?")
    if error.validator == "type":
        expected = [t for t in _as_list(error.validator_value) if t != "null"]
        what = _WHAT["type"](expected)
    else:
        what = _WHAT.get(error.validator, lambda _: "is not valid")(error.validator_value)
    field = ".".join(part if _NAME.fullmatch(part) else "*" for part in path) or "the activity"
    return f"activity field {field[:80]} {what}"

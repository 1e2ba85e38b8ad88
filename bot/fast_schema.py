"""A JSON Schema compiled to plain Python predicates, for the envelope check on every turn (bot/envelope.py).

jsonschema builds a validator object for every subschema it descends into (about 20 per activity, 0.1-0.4 ms a
turn). `compile_schema` turns a schema into nested closures that give the same answer as
`Draft202012Validator(schema, format_checker=...).is_valid`, for the keywords listed in `_KEYWORDS` with the
same meanings as jsonschema's (type, properties, additionalProperties, required, const for strings, pattern with
`re.search`, format through the same FormatChecker, items, maxItems, allOf, if/then). Any other keyword raises
`Unsupported`, so a schema it cannot follow exactly is never half-checked: the caller keeps jsonschema alone.
Only the yes/no answer is computed here; the error message still comes from jsonschema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jsonschema import FormatChecker

Check = Callable[[Any], bool]


class Unsupported(ValueError):
    """The schema uses a keyword (or a form of one) that compile_schema does not reproduce exactly."""


def _integer(value: Any) -> bool:
    # jsonschema's "integer": an int that is not a bool, or a float with no fractional part.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPES: dict[str, Check] = {
    "string": lambda value: isinstance(value, str),
    "null": lambda value: value is None,
    "boolean": lambda value: isinstance(value, bool),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "integer": _integer,
}
_KEYWORDS = {
    "$schema",
    "type",
    "properties",
    "additionalProperties",
    "required",
    "const",
    "pattern",
    "format",
    "items",
    "maxItems",
    "allOf",
    "if",
    "then",
}


def compile_schema(schema: dict, formats: FormatChecker) -> Check:
    unknown = set(schema) - _KEYWORDS
    if unknown or ("then" in schema and "if" not in schema):
        raise Unsupported(", ".join(sorted(unknown)) or "then without if")
    checks = [_type(schema["type"])] if "type" in schema else []
    checks += _object_checks(schema, formats)
    if "const" in schema:
        if not isinstance(schema["const"], str):
            raise Unsupported("const that is not a string")
        const = schema["const"]
        checks.append(lambda value: value == const)  # jsonschema's equal() is == when the const is a string
    if "pattern" in schema:
        search = re.compile(schema["pattern"]).search
        checks.append(lambda value: not isinstance(value, str) or search(value) is not None)
    if "format" in schema:
        name = schema["format"]
        checks.append(lambda value: formats.conforms(value, name))
    checks += _array_checks(schema, formats)
    checks += [compile_schema(sub, formats) for sub in schema.get("allOf", [])]
    if "if" in schema:
        condition = compile_schema(schema["if"], formats)
        then = compile_schema(schema["then"], formats) if "then" in schema else (lambda _value: True)
        checks.append(lambda value: not condition(value) or then(value))
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(check(value) for check in checks)


def _type(expected: str | list[str]) -> Check:
    names = [expected] if isinstance(expected, str) else list(expected)
    if any(name not in _TYPES for name in names):
        raise Unsupported(f"type {names}")
    tests = [_TYPES[name] for name in names]
    return lambda value: any(test(value) for test in tests)


def _object_checks(schema: dict, formats: FormatChecker) -> list[Check]:
    checks: list[Check] = []
    properties = {name: compile_schema(sub, formats) for name, sub in schema.get("properties", {}).items()}
    if properties:

        def known(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for name, check in properties.items():
                if name in value and not check(value[name]):
                    return False
            return True

        checks.append(known)
    if "additionalProperties" in schema:
        other = compile_schema(schema["additionalProperties"], formats)
        checks.append(
            lambda value: (
                not isinstance(value, dict)
                or all(other(item) for name, item in value.items() if name not in properties)
            )
        )
    if "required" in schema:
        required = list(schema["required"])
        checks.append(lambda value: not isinstance(value, dict) or all(name in value for name in required))
    return checks


def _array_checks(schema: dict, formats: FormatChecker) -> list[Check]:
    checks: list[Check] = []
    if "items" in schema:
        item = compile_schema(schema["items"], formats)
        checks.append(lambda value: not isinstance(value, list) or all(item(each) for each in value))
    if "maxItems" in schema:
        limit = schema["maxItems"]
        checks.append(lambda value: not isinstance(value, list) or len(value) <= limit)
    return checks

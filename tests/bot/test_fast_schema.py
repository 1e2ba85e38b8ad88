"""The compiled envelope check (bot/fast_schema.py) answers exactly as jsonschema does, on the real schema, for
valid Teams activities and for every kind of wrong value in every field, nested or not."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from bot import envelope
from bot.fast_schema import Unsupported, compile_schema
from tests.bot import activities as a

FIELDS = st.sampled_from(
    sorted(envelope.SCHEMA["properties"])
    + ["id", "name", "aadObjectId", "tenant", "tenantId", "mentioned", "value", "action", "verb", "data", "items"]
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "x", "mention", "invoke", "adaptiveCard/action", "2026-11-25T10:00:00Z", "a\x00", "\ud800"])
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6) | FIELDS, inner, max_size=4),
    max_leaves=12,
)


def _bodies():
    """Real activities, then a generated value put at a field, at a field of a field, or replacing the body."""
    base = st.sampled_from(
        [
            a.message("https://smba.example/", "help"),
            a.mention_message("https://smba.example/", "<at>QI</at> help"),
            a.card_action("https://smba.example/", "profile.save", {"site": "x"}),
            a.install("https://smba.example/"),
        ]
    )

    @st.composite
    def build(draw):
        body = copy.deepcopy(draw(base))
        where = draw(st.integers(0, 3))
        if where == 0:
            return body
        if where == 3:
            return draw(JSON)
        field = draw(FIELDS)
        value = draw(JSON)
        if where == 1 or not isinstance(body.get(field), dict):
            body[field] = value
        else:
            body[field][draw(FIELDS)] = value
        return body

    return build()


def test_the_real_schema_is_compiled_not_left_to_jsonschema():
    assert envelope.is_valid is not envelope._validator.is_valid


@settings(max_examples=600, deadline=None)
@given(body=_bodies())
def test_the_compiled_check_agrees_with_jsonschema(body):
    assert envelope.is_valid(body) == envelope._validator.is_valid(body)
    assert (envelope.problem(body) is None) == envelope._validator.is_valid(body)


@pytest.mark.parametrize(
    "schema",
    [{"type": "number"}, {"minLength": 1}, {"if": {}, "else": {}}, {"then": {}}, {"const": 1}, {"$ref": "#"}],
)
def test_a_keyword_it_cannot_follow_is_refused_not_half_checked(schema):
    with pytest.raises(Unsupported):
        compile_schema({"properties": {"x": schema}}, FormatChecker())


@pytest.mark.parametrize(
    ("schema", "value", "valid"),
    [
        ({"type": "integer"}, 3.0, True),
        ({"type": "integer"}, True, False),
        ({"type": "integer"}, 2.5, False),
        ({"type": "boolean"}, 0, False),
        ({"pattern": "^a"}, 5, True),
        ({"pattern": "b"}, "abc", True),
        ({"maxItems": 1}, "ab", True),
        ({"maxItems": 1}, [1], True),
        ({"maxItems": 1}, [1, 2], False),
        (envelope.SCHEMA, {"type": "message", "membersAdded": [{}] * 500}, True),
        (envelope.SCHEMA, {"type": "message", "membersAdded": [{}] * 501}, False),
        (envelope.SCHEMA, {"type": "message", "attachments": [{}] * 51}, False),
        ({"required": ["x"]}, [], True),
        ({"additionalProperties": {"type": "string"}, "properties": {"n": {}}}, {"n": 1, "s": 2}, False),
        ({"if": {"required": ["t"]}, "then": {"required": ["v"]}}, {"t": 1}, False),
    ],
)
def test_each_keyword_means_what_it_means_to_jsonschema(schema, value, valid):
    formats = envelope._formats
    assert Draft202012Validator(schema, format_checker=formats).is_valid(value) is valid
    assert compile_schema(schema, formats)(value) is valid

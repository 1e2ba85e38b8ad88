"""The SDK speed-ups change nothing but the speed: the same retry policy, byte-identical JSON to the connector,
the same deep copies (values and shared references)."""

import copy
import datetime
import enum
import json
import pickle
import subprocess
import sys
from pathlib import Path

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.schema import Activity, Attachment, ChannelAccount
from hypothesis import given, settings
from hypothesis import strategies as st
from msrest.serialization import Serializer

from bot import sdk_patches

ROOT = Path(__file__).resolve().parents[2]

CODE = """
from msrest.universal_http.requests import ClientRetryPolicy
{patch}
policy = ClientRetryPolicy().policy
print(sorted(policy.status_forcelist), sorted(policy.allowed_methods if hasattr(policy, 'allowed_methods') else []))
"""


def run(patch: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", CODE.format(patch=patch)], capture_output=True, text=True, check=True
    ).stdout


def test_the_patched_policy_retries_the_same_status_codes():
    original = run("")
    patched = run("from bot import sdk_patches; sdk_patches.apply()")
    assert original == patched and "408" in original and "500" in original and "404," not in original


def _samples(*flags: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.bot.sdk_samples", *flags], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(result.stdout)


def test_replies_reach_the_connector_byte_for_byte_as_msrest_wrote_them():
    """Each process imports the SDK afresh: one as msrest and botbuilder ship, one with our patches."""
    original, patched = _samples(), _samples("--patched")
    assert original.keys() == patched.keys() and len(original) >= 8
    for name in original:
        assert patched[name]["wire"] == original[name]["wire"], name
        assert patched[name]["copy"] == original[name]["copy"], name
    menu = json.loads(original["menu card"]["wire"])
    assert menu["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert menu["attachments"][0]["content"]["type"] == "AdaptiveCard" and menu["replyToId"] == "1700000000001"
    odd = json.loads(original["card with text"]["wire"])["attachments"][0]["content"]["body"]
    assert odd[5]["when"].startswith("2026-11-25T10:30:00") and odd[6]["kind"] == "Tone.WARM"
    assert json.loads(original["mention"]["wire"])["entities"][0]["mentioned"]["id"] == "29:1user1"
    assert json.loads(original["suggested actions"]["wire"])["suggestedActions"]["actions"][1]["value"] == {
        "verb": "x.later"
    }


class Colour(enum.Enum):
    RED = "red"


json_leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
odd_leaves = st.sampled_from(
    [Colour.RED, datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC), datetime.date(2026, 1, 1), (1, "a")]
)
trees = st.recursive(
    json_leaves | odd_leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=30,
)


class Msrest(Serializer):
    """msrest's own serialize_object all the way down, even once the patch is applied in this process."""

    serialize_object = sdk_patches._msrest_serialize_object


@given(trees)
@settings(max_examples=200, deadline=None)
def test_serialize_object_matches_msrest_for_any_tree(tree):
    serializer = Msrest({})
    assert json.dumps(sdk_patches._serialize_object(serializer, tree)) == json.dumps(serializer.serialize_object(tree))


@given(trees)
@settings(max_examples=200, deadline=None)
def test_deep_copy_matches_copy_deepcopy_for_any_tree(tree):
    activity = MessageFactory.attachment(Attachment(content_type="x", content=tree))
    ours, theirs = sdk_patches.deep_copy(activity), copy.deepcopy(activity)
    assert pickle.dumps(ours) == pickle.dumps(theirs)


def _containers(value, seen=None):
    seen = seen if seen is not None else []
    if isinstance(value, dict):
        seen.append(value)
        for item in value.values():
            _containers(item, seen)
    elif isinstance(value, list):
        seen.append(value)
        for item in value:
            _containers(item, seen)
    elif hasattr(value, "__dict__") and not isinstance(value, enum.Enum):
        seen.append(value)
        _containers(value.__dict__, seen)
    return seen


def test_the_copy_shares_nothing_mutable_with_the_original():
    """What the deep copy is for: sending must never change the activity (or the card) the bot built."""
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "hi", "items": [{"a": [1]}]}]}
    activity = MessageFactory.attachment(
        Attachment(content_type="application/vnd.microsoft.card.adaptive", content=card)
    )
    activity.recipient = ChannelAccount(id="29:x")
    sent = sdk_patches.deep_copy(activity)
    assert {id(c) for c in _containers(sent)}.isdisjoint(id(c) for c in _containers(activity))
    sent.attachments[0].content["body"][0]["text"] = "changed"
    sent.recipient.id = "29:y"
    assert card["body"][0]["text"] == "hi" and activity.recipient.id == "29:x"


def test_a_cycle_is_copied_as_a_cycle():
    loop: dict = {"name": "loop"}
    loop["self"] = loop
    copied = sdk_patches.deep_copy(loop)
    assert copied is not loop and copied["self"] is copied


def test_send_activities_uses_the_patched_copy():
    sdk_patches.apply()
    from botbuilder.core import turn_context

    assert turn_context.deepcopy is sdk_patches.deep_copy
    assert Serializer.serialize_object is sdk_patches._serialize_object
    assert isinstance(TurnContext.apply_conversation_reference(sdk_patches.deep_copy(Activity()), _ref()), Activity)


def _ref():
    from botbuilder.schema import ConversationAccount, ConversationReference

    return ConversationReference(conversation=ConversationAccount(id="a:1"), channel_id="msteams")

"""Representative outgoing activities, for checking that the SDK patches change nothing on the wire.

Run as a script (by tests/bot/test_sdk_patches.py, in a fresh process, with or without the patches), it prints
for each sample: the JSON body msrest builds for the connector (what Teams receives), and the pickled deep copy
TurnContext.send_activities makes (so shared references and every value are compared too).
"""

from __future__ import annotations

import base64
import datetime
import decimal
import enum
import json
import pickle
import sys

from botbuilder.core import CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.schema import (
    ActionTypes,
    Activity,
    ActivityTypes,
    CardAction,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
    HeroCard,
    Mention,
)

from bot import registry
from bot.activity import activity_from_message, card_invoke_body
from core.kernel.model import OutboundMessage, Role, User
from dialogs.kit import cards
from dialogs.kit.menu import menu_card

ADMIN = User(
    id=7,
    teams_user_id="29:1user1",
    aad_object_id="aad-1",
    tenant_id="tenant-1",
    name="Sam Patel",
    site=None,
    staff_group=None,
    experience=None,
    onboarded_at=None,
    roles=frozenset(Role),
)
REFERENCE = ConversationReference(
    activity_id="1700000000001",
    channel_id="msteams",
    locale="en-GB",
    service_url="https://smba.trafficmanager.net/uk/",
    conversation=ConversationAccount(id="a:1personal1", conversation_type="personal", tenant_id="tenant-1"),
    bot=ChannelAccount(id="28:7d1e3c2a-bot", name="QI Companion"),
    user=ChannelAccount(id="29:1user1", name="Sam Patel", aad_object_id="aad-1"),
)


Tone = enum.Enum("Tone", {"WARM": "warm"})  # not an SDK model: msrest writes it as str() (an SDK enum crashes it)


def _odd_card() -> dict:
    """Every JSON value kind, odd strings and nesting, plus values that are not plain JSON (msrest's own path)."""
    return cards.card(
        cards.title('Émilie’s 🎉 QI <b>plan</b> "quoted" \\ back\\slash \u2028 line'),
        {"type": "TextBlock", "text": "", "wrap": True, "maxLines": 0, "spacing": None},
        {"type": "FactSet", "facts": [{"title": "n", "value": str(n)} for n in (0, -1, 2**63, 10**30)]},
        {"type": "Container", "items": [], "minHeight": "0px", "bleed": False, "ratio": 1.5, "neg": -0.0},
        {"type": "ColumnSet", "columns": [{"type": "Column", "width": w, "items": [[], {}]} for w in (1, 2.25)]},
        {"when": datetime.datetime(2026, 11, 25, 10, 30, tzinfo=datetime.UTC), "day": datetime.date(2026, 3, 29)},
        {"kind": Tone.WARM, "money": decimal.Decimal("12.50"), "pair": ("a", 1), "set": {3}},
        {1: "int key", ActionTypes.im_back: "enum key", "nested": {"a": [{"b": [None, True, False]}]}},
    )


def samples() -> dict[str, Activity]:
    router = registry.router()
    shared = {"type": "TextBlock", "text": "the same dict twice"}
    out = {
        "text": MessageFactory.text("Sorry, something went wrong on my side. Please try again in a minute."),
        "menu card": activity_from_message(OutboundMessage(card=menu_card(router.commands, ADMIN))),
        "card with text": activity_from_message(OutboundMessage(card=_odd_card(), text="Here it is")),
        "shared node": activity_from_message(OutboundMessage(card=cards.card(shared, shared))),
        "suggested actions": MessageFactory.suggested_actions(
            [
                CardAction(type=ActionTypes.im_back, title="Yes", value="yes"),
                CardAction(type=ActionTypes.message_back, title="Later", text="later", value={"verb": "x.later"}),
            ],
            text="Book it?",
        ),
        "hero card": MessageFactory.attachment(
            CardFactory.hero_card(
                HeroCard(title="Clinic", buttons=[CardAction(type=ActionTypes.open_url, value="https://x.example/")])
            )
        ),
        "invoke response": Activity(
            type=ActivityTypes.invoke_response,
            value=InvokeResponse(status=200, body=card_invoke_body(menu_card(router.commands, ADMIN))),
        ),
    }
    mention = MessageFactory.text("<at>Sam Patel</at> your set meets tomorrow")
    mention.entities = [
        Mention(mentioned=ChannelAccount(id="29:1user1", name="Sam Patel"), text="<at>Sam Patel</at>", type="mention")
    ]
    mention.channel_data = {"notification": {"alert": True}, "feedbackLoopEnabled": False}
    out["mention"] = mention
    return out


def _wire(serializer, activity: Activity) -> str:
    body = serializer.body(activity, "Activity")
    return json.dumps(body)  # as msrest sends it (json.dumps of the serialised body)


def report() -> dict[str, dict[str, str]]:
    from botbuilder.core import turn_context
    from botframework.connector.aio import ConnectorClient
    from botframework.connector.auth import MicrosoftAppCredentials

    serializer = ConnectorClient(MicrosoftAppCredentials("", ""), base_url="https://smba.example/")._serialize
    result = {}
    for name, activity in samples().items():
        sent = TurnContext.apply_conversation_reference(turn_context.deepcopy(activity), REFERENCE)
        result[name] = {
            "copy": base64.b64encode(pickle.dumps(turn_context.deepcopy(activity))).decode(),
            "wire": "" if activity.type == ActivityTypes.invoke_response else _wire(serializer, sent),
        }
    return result


if __name__ == "__main__":
    if "--patched" in sys.argv:
        from bot import sdk_patches

        sdk_patches.apply()
    print(json.dumps(report()))

"""Translate Bot Framework activities to our plain types and back. The only place that knows their shape."""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory, MessageFactory, TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference

from core.kernel.model import ConversationAddress, OutboundMessage
from dialogs.kit.types import Inbound


class ActivityError(ValueError):
    """The activity lacks a field we need; the HTTP layer answers 400 with this message."""


def tenant_of(activity: Activity) -> str | None:
    """Teams puts the tenant in channelData.tenant.id (the SDK drops conversation.tenantId)."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant") if isinstance(data.get("tenant"), dict) else {}
    return tenant.get("id") or (activity.conversation.tenant_id if activity.conversation else None)


def address_from_activity(activity: Activity) -> ConversationAddress:
    sender, conversation, bot = activity.from_property, activity.conversation, activity.recipient
    if not (sender and sender.id and conversation and conversation.id and bot and bot.id and activity.service_url):
        raise ActivityError("activity needs from.id, conversation.id, recipient.id and serviceUrl")
    return ConversationAddress(
        channel_id=activity.channel_id or "msteams",
        service_url=activity.service_url,
        conversation_id=conversation.id,
        conversation_type=conversation.conversation_type or "personal",
        tenant_id=tenant_of(activity),
        bot_id=bot.id,
        bot_name=bot.name,
        user_teams_id=sender.id,
        user_aad_id=sender.aad_object_id,
        user_name=sender.name,
    )


THREAD = ";messageid="
MAX_TEXT = 4000  # what a typed message may carry into a turn (a reply in a thread can be long)


def channel_of(conversation_id: str) -> str:
    """A Teams channel conversation id without its thread part ("19:x@thread.tacv2;messageid=17..." -> "19:x...")."""
    return conversation_id.split(THREAD, 1)[0]


def _thread_root(conversation_id: str) -> str | None:
    _, found, root = conversation_id.partition(THREAD)
    return (root or None) if found else None


def _team_and_channel(activity: Activity) -> dict[str, str | None]:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = data.get("team") if isinstance(data.get("team"), dict) else {}
    channel = data.get("channel") if isinstance(data.get("channel"), dict) else {}

    def text(value: object) -> str | None:
        return value if isinstance(value, str) and value else None

    return dict(
        team_id=text(team.get("id")) or text(data.get("teamsTeamId")),
        team_group_id=text(team.get("aadGroupId")),
        channel_id=text(channel.get("id")) or text(data.get("teamsChannelId")),
    )


def mentions_bot(activity: Activity) -> bool:
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        kind = getattr(entity, "type", None)
        mentioned = (getattr(entity, "additional_properties", None) or {}).get("mentioned")
        if isinstance(kind, str) and kind.lower() == "mention" and isinstance(mentioned, dict):
            if bot_id and mentioned.get("id") == bot_id:
                return True
    return False


def inbound_from_activity(turn_context: TurnContext) -> Inbound:
    activity = turn_context.activity
    conversation = activity.conversation
    common: dict[str, Any] = dict(
        conversation_id=conversation.id,
        conversation_type=conversation.conversation_type or "personal",
        activity_id=activity.id if isinstance(activity.id, str) else None,
    )
    if common["conversation_type"] == "channel":
        common.update(_team_and_channel(activity), thread_root=_thread_root(conversation.id))
    value = activity.value if isinstance(activity.value, dict) else {}
    if activity.type == "invoke":
        action = value.get("action") if isinstance(value.get("action"), dict) else {}
        data = action.get("data") if isinstance(action.get("data"), dict) else {}
        verb = action.get("verb")
        card = activity.reply_to_id if isinstance(activity.reply_to_id, str) and activity.reply_to_id else None
        return Inbound(
            kind="action", verb=verb if isinstance(verb, str) else "", data=data, card_activity_id=card, **common
        )
    if isinstance(value.get("verb"), str):  # Action.Submit fallback on older clients
        return Inbound(kind="action", verb=value["verb"], data=value, **common)
    text = without_bot_mention(activity)
    return Inbound(kind="message", text=text.strip()[:MAX_TEXT], mentions_bot=mentions_bot(activity), **common)


def without_bot_mention(activity: Activity) -> str:
    """The text without the bot's @mention. Unlike the SDK's remove_mention_text, this does not crash on a
    mention entity without `mentioned` (or without a type), and uses no mention text as a regular expression."""
    text = activity.text if isinstance(activity.text, str) else ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        kind = getattr(entity, "type", None)
        if not isinstance(kind, str) or kind.lower() != "mention":
            continue
        extra = getattr(entity, "additional_properties", None) or {}
        mentioned = extra.get("mentioned")
        if not isinstance(mentioned, dict) or not bot_id or mentioned.get("id") != bot_id:
            continue
        said = extra.get("text")
        if not isinstance(said, str) or not said:
            name = mentioned.get("name")
            said = f"<at>{name}</at>" if isinstance(name, str) and name else ""
        if said:
            text = text.replace(said, "")
    return text.replace("<at></at>", "")


def reference_from_address(address: ConversationAddress) -> ConversationReference:
    return ConversationReference(
        channel_id=address.channel_id,
        service_url=address.service_url,
        conversation=ConversationAccount(
            id=address.conversation_id,
            conversation_type=address.conversation_type,
            tenant_id=address.tenant_id,
            is_group=address.conversation_type != "personal",
        ),
        bot=ChannelAccount(id=address.bot_id, name=address.bot_name),
        user=ChannelAccount(id=address.user_teams_id, name=address.user_name, aad_object_id=address.user_aad_id),
    )


def activity_from_message(message: OutboundMessage) -> Activity:
    if message.card is not None:
        activity = MessageFactory.attachment(CardFactory.adaptive_card(message.card))
        if message.text:
            activity.text = message.text
        return activity
    return MessageFactory.text(message.text or "")


def card_invoke_body(card: dict[str, Any]) -> dict[str, Any]:
    """The adaptiveCard/action response that makes Teams replace the card in place."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive", "value": card}

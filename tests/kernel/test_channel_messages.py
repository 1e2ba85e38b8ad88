"""The router's generic hook for team-channel messages: a capability may claim one before command matching (or
return None to leave it to the normal flow); an unclaimed channel message that does not mention the bot gets no
reply; `follows` asks each capability, so the bot can ignore the rest before recording anyone."""

from core.kernel.model import User
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.router import Router
from dialogs.kit.types import Inbound, Response, Turn


def router_with(claims: bool, *, followed: set[str]):
    feature = FeatureRouter("sample")
    seen = []

    async def follows(uow, inbound):
        return inbound.conversation_id in followed

    @feature.channel_messages(follows=follows)
    async def claim(turn):
        seen.append(turn.inbound.text)
        return Response.say("claimed") if claims else None

    @feature.command("ping", title="Ping", description="Ping")
    async def ping(turn):
        return Response.say("pong")

    return Router([feature]), seen


def turn(text: str, *, mentioned: bool, kind: str = "channel") -> Turn:
    user = User(id=1, teams_user_id="29:a", aad_object_id=None, tenant_id=None, name="A")
    inbound = Inbound(
        kind="message", conversation_id="19:c;messageid=1", conversation_type=kind, text=text, mentions_bot=mentioned
    )
    return Turn(user=user, inbound=inbound, uow=None, content=None, now=None)


async def test_a_claimed_channel_message_skips_command_matching():
    router, seen = router_with(True, followed=set())
    response = await router.route(turn("ping", mentioned=True))
    assert [m.text for m in response.messages] == ["claimed"] and seen == ["ping"]


async def test_an_unclaimed_mention_runs_the_command_and_unmentioned_talk_gets_no_reply():
    router, seen = router_with(False, followed=set())
    assert [m.text for m in (await router.route(turn("ping", mentioned=True))).messages] == ["pong"]
    quiet = await router.route(turn("ping", mentioned=False))
    assert quiet.messages == [] and quiet.card is None and seen == ["ping", "ping"]


async def test_personal_chat_is_not_offered_to_the_hook():
    router, seen = router_with(True, followed=set())
    assert [m.text for m in (await router.route(turn("ping", mentioned=False, kind="personal"))).messages] == ["pong"]
    assert seen == []


async def test_follows_asks_the_capabilities():
    router, _ = router_with(False, followed={"19:c;messageid=1"})
    assert await router.follows(None, turn("x", mentioned=False).inbound)
    other, _ = router_with(False, followed=set())
    assert not await other.follows(None, turn("x", mentioned=False).inbound)

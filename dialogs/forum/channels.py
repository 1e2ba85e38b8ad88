"""`forum channels` (admins, typed in a team channel): link the channel as a coaches' channel (for one site or
all) or as the community channel for stories, see what is linked, unlink. And the forum's claim on channel
messages: a reply in a post's thread goes to the post; every other channel message is left alone."""

from __future__ import annotations

from core.forum import threads
from core.forum.commands import ChannelPlace, InvalidAnswer
from core.forum.model import ALL_SITES, ChannelKind, ForumChannel
from core.kernel.content import Choice
from core.kernel.model import Role
from core.kernel.ports import UnitOfWork
from dialogs.forum.router import router
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Inbound, Response, Turn

KINDS = (
    Choice(ChannelKind.COACHES.value, "Coaches' channel: questions are posted here"),
    Choice(ChannelKind.COMMUNITY.value, "Community channel: stories are shared here"),
)


def _place(inbound: Inbound) -> ChannelPlace:
    return ChannelPlace(
        conversation_id=inbound.conversation_id,
        teams_channel_id=inbound.channel_id,
        team_id=inbound.team_id,
        team_group_id=inbound.team_group_id,
    )


def _describe(turn: Turn, channel: ForumChannel) -> str:
    what = "Coaches' channel" if channel.kind == ChannelKind.COACHES else "Community channel"
    scope = "all sites" if channel.scope == ALL_SITES else turn.content.organisation.label("sites", channel.scope)
    here = " (this channel)" if channel.teams_channel_id == turn.inbound.channel_id else ""
    return f"**{what}** for {scope}{here}"


async def channels_card(turn: Turn, notice: str | None = None) -> dict:
    linked = await threads.linked_channels(turn.uow)
    rows = [
        cards.list_row(
            [cards.text(_describe(turn, c))],
            [cards.execute("Unlink", unlink, {"channel_id": c.id}, inputs=False, style="destructive")],
        )
        for c in linked
    ]
    in_channel = turn.inbound.conversation_type == "channel" and turn.inbound.channel_id
    scopes = (Choice(ALL_SITES, "All sites"), *turn.content.organisation.sites)
    link_form = [
        cards.heading("Link this channel"),
        cards.choice_set("kind", "What is this channel for?", KINDS, ChannelKind.COACHES.value),
        cards.choice_set("scope", "For which site?", scopes, ALL_SITES),
        cards.action_set(cards.execute("Link this channel", link)),
    ]
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Forum channels"),
        *(link_form if in_channel else [cards.text(threads.NOT_IN_CHANNEL)]),
        cards.heading("Linked now") if rows else None,
        *rows,
        cards.text("No channel is linked yet.", subtle=True) if not rows else None,
    )


@router.command(
    "forum channels",
    title="Forum channels",
    description="Link this team channel to the forum (admins)",
    aliases=("forum channel", "link channel"),
    role=Role.ADMIN,
    in_group_chats=True,
)
async def channels(turn: Turn) -> Response:
    return Response.show(await channels_card(turn))


@router.action("link", role=Role.ADMIN)
async def link(turn: Turn) -> Response:
    data = turn.inbound.data
    try:
        channel = await threads.link_channel(
            turn.uow,
            user=turn.user,
            place=_place(turn.inbound),
            kind=data.get("kind"),
            scope=data.get("scope"),
            content=turn.content,
            now=turn.now,
        )
    except InvalidAnswer as problem:
        raise FormError(await channels_card(turn), problem.message, field=problem.field) from None
    return Response(card=await channels_card(turn, f"Linked: {_describe(turn, channel)}."))


@router.action("unlink", role=Role.ADMIN)
async def unlink(turn: Turn) -> Response:
    done = await threads.unlink_channel(turn.uow, user=turn.user, channel_id=card_int(turn.inbound.data, "channel_id"))
    return Response(card=await channels_card(turn, "Unlinked." if done else "That channel was not linked."))


async def _follows(uow: UnitOfWork, inbound: Inbound) -> bool:
    return inbound.thread_root is not None and await threads.follows(uow, inbound.conversation_id)


@router.channel_messages(follows=_follows)
async def channel_message(turn: Turn) -> Response | None:
    """A reply in a post's thread is relayed (and the bot says nothing in the channel); anything else is not ours."""
    inbound = turn.inbound
    if inbound.thread_root is None:
        return None
    post = await threads.thread_post(turn.uow, inbound.conversation_id, now=turn.now)
    if post is None:
        return None
    await threads.reply_in_thread(
        turn.uow,
        user=turn.user,
        post=post,
        text=inbound.text,
        activity_id=inbound.activity_id,
        content=turn.content,
        messages=turn.messages["forum"],
        now=turn.now,
    )
    return Response()

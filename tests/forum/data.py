"""Shared test data for the forum: people at a site with roles, a linked coaches' channel, a question asked and
posted, and the dispatcher's side of a new thread (the outbox row sent, with the thread id Teams gave it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from core.forum import asking, threads
from core.forum.commands import ChannelPlace, QuestionDraft
from core.forum.services import thread_key
from core.kernel.contacts import record_contact
from core.kernel.model import ConversationAddress, Role
from dialogs.forum import ForumCards
from tests.fakes import teams_address

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday, 10:00 in London
CHANNEL = "19:coaches0a1b2c@thread.tacv2"
TEAM = "19:teamf00d@thread.tacv2"
GROUP = "00000000-0000-0000-0000-000000000031"


def channel_address(n: int, conversation_id: str = CHANNEL, service_url: str | None = None) -> ConversationAddress:
    base = teams_address(n)
    return replace(
        base,
        conversation_id=conversation_id,
        conversation_type="channel",
        service_url=service_url or base.service_url,
    )


async def person(uow, n: int, *, site: str = "basildon", roles: tuple[Role, ...] = (), name: str | None = None):
    address = teams_address(n)
    if name:
        address = replace(address, user_name=name)
    user = (await record_contact(uow, address=address, now=NOW)).user
    await uow.users.save_profile(user.id, site=site, staff_group="ahp", experience="none", now=NOW)
    for role in roles:
        await uow.users.grant_role(user.id, role, now=NOW)
    return await uow.users.get(user.id)


async def link(uow, content, admin, n: int, *, kind="coaches", scope="all", channel=CHANNEL, now=NOW):
    """The admin types `forum channels` in a new post in the channel and links it."""
    root = f"{channel};messageid=1700000000{n:03d}"
    await record_contact(uow, address=channel_address(n, root), now=now)
    place = ChannelPlace(conversation_id=root, teams_channel_id=channel, team_id=TEAM, team_group_id=GROUP)
    return await threads.link_channel(uow, user=admin, place=place, kind=kind, scope=scope, content=content, now=now)


def messages(content) -> ForumCards:
    return ForumCards(content)


async def ask(uow, content, user, text, *, topic="measurement", show_name=False, project_id=None, now=NOW):
    checked = await asking.check_question(
        uow,
        user=user,
        draft=QuestionDraft(text=text, topic=topic, project_id=project_id, show_name=show_name),
        content=content,
        now=now,
    )
    return checked


async def ask_and_post(uow, content, user, text, **kw):
    checked = await ask(uow, content, user, text, **kw)
    posted = await asking.post_question(
        uow, user=user, draft_id=checked.draft.id, content=content, messages=messages(content), now=kw.get("now", NOW)
    )
    return posted.post


def thread_of(post) -> str:
    return f"{CHANNEL};messageid=17000009{post.id:05d}"


async def thread_sent(uow, post, now=NOW) -> str:
    """What the dispatcher does for the post's new-thread row: sent, with the id of the thread it started."""
    row = next(r for r in uow.db.outbox.values() if r["dedupe_key"] == thread_key(post))
    await uow.outbox.mark_sent(row["id"], now=now, started_conversation=thread_of(post))
    return thread_of(post)


def queued(uow, prefix: str = "forum:") -> list[dict]:
    return [r for r in uow.db.outbox.values() if r["dedupe_key"].startswith(prefix) and r["status"] == "pending"]


def queued_to(uow, user_id: int) -> list[dict]:
    personal = {
        a.id for a in uow.db.addresses.values() if a.user_id == user_id and a.address.conversation_type == "personal"
    }
    return [r for r in queued(uow) if r["address_id"] in personal]

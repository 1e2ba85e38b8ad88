"""Delivery on both databases through the real dispatcher and Bot Framework sender against the fake connector:
one copy per person, progress counts from the outbox, the author's card updated in place, pause / resume /
cancel and resend to failed without sending anything twice, and double submits."""

import asyncio
import random
from collections import Counter

import pytest
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot import registry
from bot.app import _auth_configuration
from bot.config import Config
from bot.sender import BotFrameworkSender
from core.announcements.compose import save_draft
from core.announcements.delivery import deliver_announcements
from core.announcements.model import Delivery, Progress, Status
from core.announcements.sending import (
    AlreadySent,
    cancel_announcement,
    pause_announcement,
    resend_to_failed,
    resume_announcement,
    send_announcement,
)
from core.kernel.delivery import RetryPolicy
from core.kernel.errors import InvalidInput
from scheduler.dispatcher import Dispatcher
from tests.announcements.data import draft, staff
from tests.dialogs.harness import FakeLinks


@pytest.fixture
def dispatcher(uow_factory, clock):
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_auth_configuration(Config())))
    sender = BotFrameworkSender(adapter, app_id="", timeout=5)
    return Dispatcher(
        uow_factory, sender, clock, app_rate=200, policy=RetryPolicy(max_attempts=1), rng=random.Random(3)
    )


@pytest.fixture
def messages(content):
    return registry.messages(content, FakeLinks())["announcements"]


async def people(uow_factory, connector, *, installed=6, without=1):
    """An admin author (person 1) and staff: `installed` with the app, `without` who only met it in a channel."""
    async with uow_factory() as uow:
        author = await staff(uow, 1, roles=["admin"], service_url=connector.url)
        for n in range(2, 2 + installed):
            await staff(uow, n, service_url=connector.url)
        for n in range(50, 50 + without):
            await staff(uow, n, installed=False, service_url=connector.url)
        await uow.commit()
    return author


async def sent_announcement(uow_factory, content, author, clock, **overrides):
    async with uow_factory() as uow:
        made = await save_draft(
            uow,
            content,
            author=author,
            form_token=f"form{len(overrides)}x{clock.now():%H%M%S}",
            draft=draft(**overrides),
            now=clock.now(),
        )
        await send_announcement(
            uow,
            content,
            user=author,
            announcement_id=made,
            conversation_id="a:conv-1",
            card_activity="act-1",
            now=clock.now(),
        )
        await uow.commit()
    return made


async def tick(uow_factory, content, messages, clock):
    async with uow_factory() as uow:
        report = await deliver_announcements(uow, content=content, messages=messages, now=clock.now())
        await uow.commit()
    return report


async def progress(uow_factory, announcement_id):
    async with uow_factory() as uow:
        return Progress(await uow.announcements.progress(announcement_id))


def copies(connector):
    """Announcement copies each conversation received (new messages), and the author's card updates (PUT)."""
    posted = Counter(r.conversation_id for r in connector.delivered() if r.method == "POST")
    updates = [r for r in connector.delivered() if r.method == "PUT"]
    return posted, updates


async def test_each_person_gets_one_copy_and_the_card_follows_the_counts(
    uow_factory, content, clock, connector, dispatcher, messages
):
    author = await people(uow_factory, connector)
    connector.script(403, conversation_id="a:conv-3")  # removed the app
    connector.script(500, conversation_id="a:conv-4")  # fails (one attempt allowed here)
    made = await sent_announcement(uow_factory, content, author, clock)
    assert (await tick(uow_factory, content, messages, clock))["queued"] == 7
    await dispatcher.drain()
    await tick(uow_factory, content, messages, clock)
    await dispatcher.drain()
    counts = await progress(uow_factory, made)
    assert counts.counts == {"sent": 5, "failed": 1, "unreachable": 1, "not_installed": 1}
    posted, updates = copies(connector)
    assert set(posted.values()) == {1} and len(posted) == 5
    assert updates and all(u.activity["id"] == "act-1" for u in updates)  # the author's card, in place
    last = updates[-1].activity["attachments"][0]["content"]
    text = str(last)
    assert "Sent" in text and "'5'" in text and "Resend to failed" in text and "Status by person" in text
    async with uow_factory() as uow:
        assert (await uow.announcements.get(made)).status == Status.DONE

    async with uow_factory() as uow:
        assert await resend_to_failed(uow, user=author, announcement_id=made, now=clock.now()) == 1
        await uow.commit()
    await tick(uow_factory, content, messages, clock)
    await dispatcher.drain()
    posted, _ = copies(connector)
    assert posted["a:conv-4"] == 1 and posted["a:conv-3"] == 0 and set(posted.values()) == {1}
    assert (await progress(uow_factory, made)).counts == {"sent": 6, "unreachable": 1, "not_installed": 1}
    async with uow_factory() as uow:
        with pytest.raises(InvalidInput):
            await resend_to_failed(uow, user=author, announcement_id=made, now=clock.now())


async def test_pause_resume_and_cancel_mid_way_send_nothing_twice(
    uow_factory, content, clock, connector, dispatcher, messages
):
    author = await people(uow_factory, connector, installed=9, without=0)
    made = await sent_announcement(uow_factory, content, author, clock)
    await tick(uow_factory, content, messages, clock)
    dispatcher.batch_size = 4
    await dispatcher.run_once()  # the card update and three copies
    async with uow_factory() as uow:
        held = await pause_announcement(uow, user=author, announcement_id=made, now=clock.now())
        await uow.commit()
    assert held == 7
    await tick(uow_factory, content, messages, clock)
    await dispatcher.drain()
    posted, _ = copies(connector)
    assert sum(posted.values()) == 3
    paused = await progress(uow_factory, made)
    assert paused.of(Delivery.SENT) == 3 and paused.of(Delivery.CANCELLED) == 7
    async with uow_factory() as uow:
        with pytest.raises(InvalidInput):
            await pause_announcement(uow, user=author, announcement_id=made, now=clock.now())
        assert await resume_announcement(uow, user=author, announcement_id=made, now=clock.now()) == 7
        await uow.commit()
    await tick(uow_factory, content, messages, clock)
    await dispatcher.drain()
    posted, _ = copies(connector)
    assert len(posted) == 10 and set(posted.values()) == {1}
    assert (await progress(uow_factory, made)).counts == {"sent": 10}

    other = await sent_announcement(uow_factory, content, author, clock, title="Second news")
    await tick(uow_factory, content, messages, clock)
    dispatcher.batch_size = 3
    await dispatcher.run_once()
    async with uow_factory() as uow:
        assert await cancel_announcement(uow, user=author, announcement_id=other, now=clock.now()) > 0
        await uow.commit()
    await tick(uow_factory, content, messages, clock)
    await dispatcher.drain()
    cancelled = await progress(uow_factory, other)
    assert cancelled.of(Delivery.SENT) + cancelled.of(Delivery.CANCELLED) == 10 and cancelled.of(Delivery.SENT) < 10
    async with uow_factory() as uow:
        with pytest.raises(InvalidInput):
            await resume_announcement(uow, user=author, announcement_id=other, now=clock.now())


async def test_double_send_and_double_preview_at_once_make_one_of_each(uow_factory, content, clock, connector):
    author = await people(uow_factory, connector, installed=4, without=0)

    async def preview():
        async with uow_factory() as uow:
            made = await save_draft(uow, content, author=author, form_token="sameform1", draft=draft(), now=clock.now())
            await uow.commit()
            return made

    drafts = await asyncio.gather(preview(), preview())
    assert drafts[0] == drafts[1]

    async def send():
        async with uow_factory() as uow:
            try:
                await send_announcement(
                    uow,
                    content,
                    user=author,
                    announcement_id=drafts[0],
                    conversation_id="a:conv-1",
                    card_activity="act-1",
                    now=clock.now(),
                )
            except AlreadySent:
                await uow.rollback()
                return "already"
            await uow.commit()
            return "sent"

    outcomes = await asyncio.gather(*(send() for _ in range(4)))
    assert sorted(outcomes) == ["already", "already", "already", "sent"]
    assert (await progress(uow_factory, drafts[0])).counts == {"waiting": 5}


async def test_an_audience_is_chosen_by_site_trust_group_experience_and_role(uow_factory, content, clock):
    from core.announcements.compose import audience_of
    from core.announcements.model import Audience

    async with uow_factory() as uow:
        await staff(uow, 1, site="basildon", group="ahp", experience="none", roles=["lead"])
        await staff(uow, 2, site="broomfield", group="ahp", experience="coach")
        await staff(uow, 3, site="southend", group="medical_dental", experience="coach", roles=["coach"])
        await staff(uow, 4, site="community", group="ahp", experience="none")
        await staff(uow, 5, site="broomfield", group="medical_dental", installed=False)
        await uow.commit()
        broomfield = "Mid Essex Hospital Services"

        async def ids(**parts):
            return [m.user_id for m in await audience_of(uow, content, Audience(**parts))]

        everyone = await audience_of(uow, content, Audience())
        assert len(everyone) == 5 and sum(not m.installed for m in everyone) == 1
        assert len(await ids(trusts=(broomfield,))) == 2
        assert len(await ids(sites=("basildon",), trusts=(broomfield,))) == 3
        assert len(await ids(trusts=(broomfield,), staff_groups=("ahp",))) == 1
        assert len(await ids(experience=("coach",))) == 2
        assert len(await ids(roles=("coach", "lead"))) == 2
        assert await ids(sites=("community",), roles=("coach",)) == []

"""Real Teams activity JSON posted through the aiohttp app; replies land at a fake connector."""

import pytest

from bot import keys
from bot.config import Config
from tests.bot import activities as a
from tests.dialogs.harness import card_text
from tests.fake_connector import FakeConnector


async def post(client, activity):
    response = await client.post("/api/messages", json=activity)
    assert response.status in (200, 201), await response.text()
    return response


async def test_install_stores_the_address_and_welcomes_once(client, connector, uows):
    await post(client, a.install(connector.url))
    await post(client, a.bot_added(connector.url))  # Teams sends both on install
    [welcome] = connector.delivered()
    assert welcome.conversation_id == "a:1personal1"
    assert "Welcome to QI Companion, Sam" in card_text(welcome.card)
    async with uows() as uow:
        user = await uow.users.by_teams_id("29:1user1")
        stored = await uow.addresses.personal(user.id)
    assert (user.aad_object_id, user.tenant_id, user.name) == ("aad-1", "tenant-1", "Sam Patel 1")
    assert stored.address.service_url == connector.url and stored.address.tenant_id == "tenant-1"


async def test_uninstall_deactivates_and_reinstall_welcomes_back(client, connector, uows):
    await post(client, a.install(connector.url))
    await post(
        client,
        a.card_action(
            connector.url, "onboarding.save", {"site": "southend", "staff_group": "ahp", "experience": "none"}
        ),
    )
    await post(client, a.install(connector.url, action="remove"))
    async with uows() as uow:
        user = await uow.users.by_teams_id("29:1user1")
        assert await uow.addresses.personal(user.id) is None
    await post(client, a.install(connector.url))
    last = connector.delivered()[-1]
    assert "Welcome back, Sam" in card_text(last.card)
    async with uows() as uow:
        assert await uow.addresses.personal(user.id) is not None


async def test_every_activity_refreshes_the_service_url(client, connector, uows):
    moved = FakeConnector()
    await moved.start()
    try:
        await post(client, a.message(connector.url, "help"))
        await post(client, a.message(moved.url, "help"))
        assert len(moved.delivered()) == 1
        async with uows() as uow:
            user = await uow.users.by_teams_id("29:1user1")
            assert (await uow.addresses.personal(user.id)).address.service_url == moved.url
    finally:
        await moved.stop()


async def test_first_message_gets_welcome_then_the_answer(client, connector):
    await post(client, a.message(connector.url, "help"))
    welcome, menu = connector.delivered()
    assert "Welcome to QI Companion" in card_text(welcome.card)
    assert "What I can do" in card_text(menu.card)
    assert menu.activity["replyToId"]


async def test_card_action_replaces_the_card_through_the_invoke_response(client, connector, uows):
    await post(client, a.install(connector.url))
    response = await post(
        client,
        a.card_action(
            connector.url,
            "onboarding.save",
            {"site": "basildon", "staff_group": "medical_dental", "experience": "qsir_fundamentals"},
        ),
    )
    body = await response.json()
    assert response.status == 200
    assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Thanks, you are all set." in card_text(body["value"])
    async with uows() as uow:
        user = await uow.users.by_teams_id("29:1user1")
    assert (user.site, user.experience) == ("basildon", "qsir_fundamentals")


async def test_crafted_admin_action_from_staff_is_refused(client, connector):
    response = await post(client, a.card_action(connector.url, "admin.refresh", {"isAdmin": True}))
    assert "only for a QI admin" in card_text((await response.json())["value"])


@pytest.mark.parametrize("settings", [Config(scheduler_enabled=False, admins=frozenset({"aad-1"}))])
async def test_configured_admin_gets_the_admin_card(client, connector, settings):
    response = await post(client, a.card_action(connector.url, "admin.refresh"))
    assert "Admin: programme at a glance" in card_text((await response.json())["value"])


async def test_group_chat_mention_is_understood(client, connector):
    await post(client, a.mention_message(connector.url, "help"))
    [menu] = connector.delivered()
    assert menu.conversation_id == "19:group1@thread.v2"
    assert "What I can do" in card_text(menu.card)


async def test_bot_added_to_group_chat_says_hello_without_the_personal_form(client, connector):
    await post(client, a.bot_added(connector.url, conversation_type="groupChat"))
    [hello] = connector.delivered()
    assert "Mention me with **help**" in hello.text


async def test_an_internal_failure_apologises_and_is_counted(client, connector, monkeypatch):
    async def broken(turn):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(client.app[keys.BOT].router, "route", broken)
    response = await client.post("/api/messages", json=a.message(connector.url, "help"))
    assert response.status == 200
    assert "something went wrong on my side" in connector.delivered()[-1].text
    metrics = await (await client.get("/metrics")).text()
    assert 'qibot_activities_total{outcome="error",type="message"} 1.0' in metrics
    assert client.app[keys.METRICS]  # the app keeps its own registry


async def test_a_conversation_update_with_a_null_member_is_served_without_an_apology(client, connector):
    activity = a.bot_added(connector.url)
    activity["membersRemoved"] = [None]  # found by the envelope fuzz test: a forged list may hold nulls
    await post(client, activity)
    assert all("Sorry, something went wrong" not in (r.text or "") for r in connector.delivered())
    metrics = await (await client.get("/metrics")).text()
    assert 'outcome="error"' not in metrics

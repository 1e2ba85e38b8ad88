"""The HTTP surface: bad requests get a short 4xx, never a 500 or a trace; tenants; auth; health; metrics."""

import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import Config
from storage.db import create_engine
from storage.migrate import head_revision
from tests.bot import activities as a


async def problem(response, status):
    assert response.status == status, await response.text()
    body = await response.json()
    assert "Traceback" not in json.dumps(body) and len(body["error"]) < 120
    return body["error"]


async def test_malformed_json(client):
    response = await client.post(
        "/api/messages", data=b'{"type": "message",', headers={"Content-Type": "application/json"}
    )
    assert "not valid JSON" in await problem(response, 400)


async def test_wrong_content_type(client):
    response = await client.post("/api/messages", data="type=message", headers={"Content-Type": "text/plain"})
    assert "application/json" in await problem(response, 415)


async def test_oversized_body(client, connector):
    activity = a.message(connector.url, "x" * 300_000)
    assert "256 KB" in await problem(await client.post("/api/messages", json=activity), 413)


@pytest.mark.parametrize("drop", ["type", "serviceUrl", "conversation", "from", "recipient", "channelId"])
async def test_activity_missing_a_needed_field(client, connector, uows, drop):
    activity = a.message(connector.url, "help")
    del activity[drop]
    reason = await problem(await client.post("/api/messages", json=activity), 400)
    assert reason.startswith("activity is missing") and drop in reason
    async with uows() as uow:
        assert await uow.users.by_teams_id("29:1user1") is None
    assert connector.received == []


@pytest.mark.parametrize("body", [[], "hello", 42, None])
async def test_body_that_is_not_an_activity(client, body):
    response = await client.post("/api/messages", data=json.dumps(body), headers={"Content-Type": "application/json"})
    await problem(response, 400)


async def test_service_url_must_be_http(client):
    activity = a.message("file:///etc/passwd", "help")
    assert "serviceUrl" in await problem(await client.post("/api/messages", json=activity), 400)


async def test_get_on_messages_is_405_without_trace(client):
    await problem(await client.get("/api/messages"), 405)


async def test_unknown_activity_types_are_accepted_and_ignored(client, connector):
    activity = a.message(connector.url, "")
    activity["type"] = "messageReaction"
    assert (await client.post("/api/messages", json=activity)).status == 200
    assert connector.received == []


async def test_unsupported_invoke_gets_501_not_500(client, connector):
    activity = a.card_action(connector.url, "x.y")
    activity["name"] = "composeExtension/query"
    assert (await client.post("/api/messages", json=activity)).status == 501


@pytest.mark.parametrize("settings", [Config(scheduler_enabled=False, allowed_tenants=frozenset({"tenant-1"}))])
async def test_other_tenants_get_403_and_nothing_is_stored(client, connector, uows, settings):
    response = await client.post("/api/messages", json=a.message(connector.url, "help", tenant="evil-tenant"))
    assert "tenant" in await problem(response, 403)
    async with uows() as uow:
        assert await uow.users.by_teams_id("29:1user1") is None
    assert connector.received == []
    ok = await client.post("/api/messages", json=a.message(connector.url, "help", tenant="tenant-1"))
    assert ok.status == 200


async def test_production_mode_requires_a_valid_token(sqlite_engine, content, clock, connector, uows):
    settings = Config(
        app_id="00000000-0000-0000-0000-000000000001",
        app_password="secret",
        app_tenant_id="00000000-0000-0000-0000-000000000002",
        scheduler_enabled=False,
    )
    app = create_app(settings, engine=sqlite_engine, content=content, clock=clock)
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/api/messages", json=a.message(connector.url, "help"))
        assert "authentication" in await problem(response, 401)
    async with uows() as uow:
        assert await uow.users.by_teams_id("29:1user1") is None


async def test_health_and_readiness(client):
    assert (await (await client.get("/healthz")).json()) == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status == 200 and (await ready.json())["schema"] == head_revision()


async def test_not_ready_when_the_schema_is_behind(tmp_path, content, clock):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/empty.db")
    app = create_app(Config(scheduler_enabled=False), engine=engine, content=content, clock=clock)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/readyz")
        assert response.status == 503 and (await response.json())["expected"] == head_revision()


async def test_metrics_count_activities_by_type_and_outcome(client, connector):
    await client.post("/api/messages", json=a.message(connector.url, "help"))
    await client.post("/api/messages", json=a.card_action(connector.url, "help.run"))
    response = await client.get("/metrics")
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    assert 'qibot_activities_total{outcome="ok",type="message"} 1.0' in text
    assert 'qibot_activities_total{outcome="ok",type="invoke"} 1.0' in text
    assert "qibot_turn_seconds_count 2.0" in text
    assert "# TYPE qibot_dispatch_latency_seconds histogram" in text and "# TYPE qibot_outbox_total counter" in text

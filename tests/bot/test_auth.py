"""Production mode: every bad token is a 401 with a short reason, a good one is served, and the signing keys come
from a local stand-in for the Bot Framework's OpenID metadata, fetched off the event loop with a timeout."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.auth import KeysUnavailable, SigningKeys
from bot.config import Config
from tests.bot import activities as a
from tests.bot import tokens as t
from tests.dialogs.harness import card_text


@pytest.fixture
async def key_server():
    server = t.KeyServer()
    await server.start()
    yield server
    await server.stop()


def production(key_server, **changes) -> Config:
    return Config(
        app_id=t.APP_ID,
        app_password="secret",
        app_tenant_id="00000000-0000-0000-0000-000000000002",
        scheduler_enabled=False,
        openid_metadata_url=key_server.metadata_url,
        openid_timeout=changes.pop("openid_timeout", 1.0),
        **changes,
    )


@pytest.fixture
def outbound_token(monkeypatch):
    """Replies need an outbound token from Entra; here a fixed one (the machine has no route to Entra)."""
    monkeypatch.setattr(
        "botframework.connector.auth.MicrosoftAppCredentials.get_access_token", lambda self, force_refresh=False: "t"
    )


@pytest.fixture
async def prod_client(key_server, sqlite_engine, content, clock, outbound_token):
    app = create_app(production(key_server), engine=sqlite_engine, content=content, clock=clock)
    async with TestClient(TestServer(app)) as client:
        yield client


async def send(client, activity, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    return await client.post("/api/messages", json=activity, headers=headers)


async def reason_of(response, status) -> str:
    assert response.status == status, await response.text()
    body = await response.json()
    assert len(body["error"]) < 120 and "Traceback" not in body["error"]
    return body["error"]


def _bad_headers(url: str) -> dict[str, tuple[str | None, str]]:
    c = t.claims(url)
    now = int(time.time())
    return {
        "missing header": (None, "no Authorization header"),
        "empty header": ("", "no Authorization header"),
        "not bearer": ("Basic dXNlcjpwYXNz", "Bearer <token>"),
        "three words": ("Bearer a b", "Bearer <token>"),
        "garbage": ("Bearer garbage", "not a JWT"),
        "a.b.c": ("Bearer a.b.c", "not a JWT"),
        "header not JSON": ("Bearer " + t.raw_parts("not json", json.dumps(c)), "not a JWT"),
        "header a list": ("Bearer " + t.raw_parts("[1, 2]", json.dumps(c)), "not a JWT"),
        "payload not JSON": ("Bearer " + t.raw_parts('{"alg": "RS256", "kid": "k1"}', "not json"), "not a JWT"),
        "payload a list": ("Bearer " + t.raw_parts('{"alg": "RS256", "kid": "k1"}', "[1]"), "not a JWT"),
        "alg none": ("Bearer " + t.unsigned(c), "algorithm is not allowed"),
        "HS256": ("Bearer " + t.token(c, algorithm="HS256", key="k" * 64), "algorithm is not allowed"),
        "no iss": ("Bearer " + t.token(t.claims(url, iss=None)), "no issuer"),
        "untrusted issuer": (
            "Bearer " + t.token(t.claims(url, iss="https://sts.windows.net/evil/")),
            "issuer is not trusted",
        ),
        "expired": ("Bearer " + t.token(t.claims(url, exp=now - 3600, nbf=now - 7200)), "expired"),
        "not yet valid": ("Bearer " + t.token(t.claims(url, nbf=now + 3600)), "not valid yet"),
        "no expiry": ("Bearer " + t.token(t.claims(url, exp=None)), "no exp claim"),
        "tampered": ("Bearer " + t.tampered(c), "signature is invalid"),
        "other key": ("Bearer " + t.forged_with_other_key(c), "signature is invalid"),
        "unknown key id": ("Bearer " + t.token(c, kid="k-unknown"), "signing key is unknown"),
        "no key id": ("Bearer " + t.token(c, kid=None), "no key id"),
        "not endorsed for msteams": ("Bearer " + t.token(c, kid="k2"), "not endorsed for this channel"),
        "wrong audience": ("Bearer " + t.token(t.claims(url, aud="another-bot")), "not for this bot"),
        "no audience": ("Bearer " + t.token(t.claims(url, aud=None)), "no aud claim"),
        "other serviceUrl": ("Bearer " + t.token(t.claims("https://evil.example/")), "serviceUrl"),
        "huge token": ("Bearer " + "a" * 7000, "too long"),
    }


BAD = list(_bad_headers("http://x/"))


@pytest.mark.parametrize("case", BAD)
async def test_every_bad_token_is_a_401_with_a_short_reason(prod_client, connector, uows, case):
    authorization, expected = _bad_headers(connector.url)[case]
    response = await send(prod_client, a.message(connector.url, "help"), authorization)
    reason = await reason_of(response, 401)
    assert reason.startswith("authentication failed: ") and expected in reason, reason
    async with uows() as uow:
        assert await uow.users.by_teams_id("29:1user1") is None
    assert connector.received == []


async def test_a_bad_token_is_refused_before_the_body_is_read(prod_client, connector):
    activity = a.message(connector.url, "help")
    activity["timestamp"] = "garbage"  # would be a 400 for an authenticated caller
    reason = await reason_of(await send(prod_client, activity, "Bearer garbage"), 401)
    assert "not a JWT" in reason


async def test_a_valid_token_is_served(prod_client, connector, uows):
    response = await send(prod_client, a.message(connector.url, "help"), "Bearer " + t.token(t.claims(connector.url)))
    assert response.status == 200, await response.text()
    assert "What I can do" in card_text(connector.delivered()[-1].card)
    async with uows() as uow:
        assert await uow.users.by_teams_id("29:1user1") is not None


async def test_a_card_action_with_a_valid_token_gets_its_card(prod_client, connector):
    response = await send(
        prod_client, a.card_action(connector.url, "help.run"), "Bearer " + t.token(t.claims(connector.url))
    )
    assert response.status == 200
    assert "What I can do" in card_text((await response.json())["value"])


async def test_five_minutes_of_clock_skew_are_allowed(prod_client, connector):
    now = int(time.time())
    almost = t.token(t.claims(connector.url, exp=now - 200, nbf=now - 3600))
    assert (await send(prod_client, a.message(connector.url, "help"), "Bearer " + almost)).status == 200


async def test_keys_are_fetched_once_for_many_requests(prod_client, connector, key_server):
    header = "Bearer " + t.token(t.claims(connector.url))
    sends = (send(prod_client, a.message(connector.url, "help", n), header) for n in range(5))
    responses = await asyncio.gather(*sends)
    assert [r.status for r in responses] == [200] * 5
    await send(prod_client, a.message(connector.url, "help"), header)
    assert key_server.hits == 1


async def test_key_endpoint_down_is_a_503_not_a_500(key_server, sqlite_engine, content, clock, connector, uows):
    key_server.mode = "down"
    app = create_app(production(key_server), engine=sqlite_engine, content=content, clock=clock)
    async with TestClient(TestServer(app)) as client:
        response = await send(client, a.message(connector.url, "help"), "Bearer " + t.token(t.claims(connector.url)))
        assert "try again" in await reason_of(response, 503)
        assert response.headers["Retry-After"] == "10"
        # A request that needs no key is still answered at once, with its own reason.
        unsigned = await send(client, a.message(connector.url, "x"), None)
        assert "no Authorization header" in await reason_of(unsigned, 401)
    async with uows() as uow:
        assert await uow.users.by_teams_id("29:1user1") is None


async def test_a_slow_key_endpoint_times_out_and_blocks_no_one(key_server, sqlite_engine, content, clock, connector):
    key_server.mode = "slow"
    app = create_app(production(key_server, openid_timeout=3.0), engine=sqlite_engine, content=content, clock=clock)
    async with TestClient(TestServer(app)) as client:
        header = "Bearer " + t.token(t.claims(connector.url))
        started = time.monotonic()
        waiting = asyncio.create_task(send(client, a.message(connector.url, "help"), header))
        await asyncio.sleep(0.2)
        quick = time.monotonic()
        assert (await client.get("/healthz")).status == 200
        assert (await send(client, a.message(connector.url, "help", 2), "Bearer garbage")).status == 401
        assert time.monotonic() - quick < 1.0 and not waiting.done()
        response = await asyncio.wait_for(waiting, timeout=10)
        assert response.status == 503 and 2.5 < time.monotonic() - started < 8
        assert key_server.hits == 1


async def test_signing_keys_share_one_fetch_and_back_off(key_server):
    keys = SigningKeys(key_server.metadata_url, timeout=1.0)
    found = await asyncio.gather(*(keys.get("k1") for _ in range(10)))
    assert all(f is not None and f.endorsements == ("msteams", "webchat") for f in found)
    assert key_server.hits == 1
    key_server.mode = "down"
    failing = SigningKeys(key_server.metadata_url, timeout=1.0)
    with pytest.raises(KeysUnavailable):
        await failing.get("k1")
    with pytest.raises(KeysUnavailable):
        await failing.get("k1")  # within the back-off: no new request
    assert key_server.hits == 2


async def test_unknown_key_ids_refetch_at_most_every_few_minutes_and_old_keys_outlive_an_outage(key_server):
    now = [1000.0]
    keys = SigningKeys(key_server.metadata_url, timeout=1.0, monotonic=lambda: now[0])
    assert await keys.get("k1") is not None
    assert await keys.get("new") is None and await keys.get("new") is None
    assert key_server.hits == 1  # unknown ids do not make every request refetch
    key_server.kids["new"] = ["msteams"]
    now[0] += 301
    assert await keys.get("new") is not None  # the Bot Framework rolled its keys over
    assert key_server.hits == 2
    key_server.mode = "down"
    now[0] += 2 * 86400
    assert await keys.get("k1") is not None  # the refresh failed; the keys we had still work
    assert key_server.hits == 3

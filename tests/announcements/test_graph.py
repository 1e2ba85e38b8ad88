"""Graph proactive install against a local fake Graph (token endpoint and installedApps): 201 and 409 count as
installed, 403 is recorded and not tried again, other errors are tried up to the limit; a person installed this
way receives the announcement once Teams reports their new personal chat."""

from collections import Counter
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot import registry
from bot.config import Config, ConfigError
from bot.graph_install import GraphInstaller
from core.announcements.delivery import deliver_announcements
from core.announcements.model import InstallStatus
from core.kernel.contacts import record_contact
from tests.announcements.data import NOW, draft, staff
from tests.dialogs.harness import FakeLinks
from tests.fakes import teams_address


class FakeGraph:
    """Answers per user id: 201, 409 or 403 (or 500), and records what it was asked."""

    def __init__(self, answers):
        self.answers = answers
        self.installs: list[tuple[str, dict, str]] = []
        self.tokens = 0

    async def token(self, request):
        form = await request.post()
        assert form["grant_type"] == "client_credentials" and form["scope"] == "https://graph.microsoft.com/.default"
        assert (form["client_id"], form["client_secret"]) == ("client-1", "secret-1")
        self.tokens += 1
        return web.json_response({"access_token": "token-1", "expires_in": 3599, "token_type": "Bearer"})

    async def install(self, request):
        user = request.match_info["user"]
        self.installs.append((user, await request.json(), request.headers.get("Authorization", "")))
        status = self.answers.get(user, 201)
        return web.json_response({} if status < 300 else {"error": {"code": str(status)}}, status=status)

    def app(self):
        app = web.Application()
        app.router.add_post("/tenant-1/oauth2/v2.0/token", self.token)
        app.router.add_post("/v1.0/users/{user}/teamwork/installedApps", self.install)
        return app


@pytest.fixture
async def graph():
    fake = FakeGraph({"aad-51": 409, "aad-52": 403, "aad-53": 500})
    server = TestServer(fake.app())
    await server.start_server()
    fake.url = str(server.make_url(""))
    yield fake
    await server.close()


def config(graph) -> Config:
    return Config(
        graph_install=True,
        graph_app_id="catalog-app-1",
        graph_client_id="client-1",
        graph_client_secret="secret-1",
        graph_tenant_id="tenant-1",
        graph_url=graph.url.rstrip("/") + "/v1.0",
        graph_login_url=graph.url,
    )


async def test_the_installer_reads_201_409_and_403(graph):
    installer = GraphInstaller(config(graph))
    assert await installer.install("aad-50") == InstallStatus.INSTALLED
    assert await installer.install("aad-51") == InstallStatus.INSTALLED  # already installed
    assert await installer.install("aad-52") == InstallStatus.REFUSED
    assert await installer.install("aad-53") == InstallStatus.ERROR
    user, body, auth = graph.installs[0]
    assert user == "aad-50" and auth == "Bearer token-1"
    assert body == {"teamsApp@odata.bind": f"{graph.url.rstrip('/')}/v1.0/appCatalogs/teamsApps/catalog-app-1"}
    assert graph.tokens == 1  # the token is reused until it expires


def test_graph_install_needs_its_settings():
    with pytest.raises(ConfigError, match="QIBOT_GRAPH_APP_ID"):
        Config.from_env({"QIBOT_GRAPH_INSTALL": "on"}, env_file=None)
    assert Config.from_env({}, env_file=None).graph_install is False


async def test_people_installed_through_graph_get_the_announcement_when_their_chat_arrives(uow_factory, content, graph):
    from core.announcements.compose import save_draft
    from core.announcements.sending import send_announcement

    messages = registry.messages(content, FakeLinks(), config(graph))["announcements"]
    assert messages.installer is not None
    async with uow_factory() as uow:
        author = await staff(uow, 1, roles=["admin"])
        for n in (50, 51, 52, 53):
            await staff(uow, n, installed=False)
        made = await save_draft(uow, content, author=author, form_token="graphform", draft=draft(), now=NOW)
        await send_announcement(
            uow, content, user=author, announcement_id=made, conversation_id="a:conv-1", card_activity="a1", now=NOW
        )
        await uow.commit()

    async def tick():
        async with uow_factory() as uow:
            report = await deliver_announcements(uow, content=content, messages=messages, now=NOW)
            await uow.commit()
        return report

    first = await tick()
    assert first["installs"] == 2 and sorted(u for u, _, _ in graph.installs) == [
        "aad-50",
        "aad-51",
        "aad-52",
        "aad-53",
    ]
    for _ in range(4):
        await tick()
    tried = Counter(u for u, _, _ in graph.installs)
    assert tried["aad-52"] == 1  # 403: recorded, never tried again
    assert tried["aad-53"] == 3  # an error: up to the limit, then left alone
    assert tried["aad-50"] == 1 and tried["aad-51"] == 1
    async with uow_factory() as uow:
        rows = {s.user_id: s for s in await uow.announcements.statuses(made)}
        by_aad = {(await uow.users.get(u)).aad_object_id: s for u, s in rows.items()}
        assert by_aad["aad-52"].install == "refused" and by_aad["aad-50"].install == "installed"
        assert by_aad["aad-50"].delivery.value == "not_installed"
        # Teams tells the bot about the new personal chat (conversationUpdate after the install).
        await record_contact(uow, address=replace(teams_address(50)), now=NOW)
        await uow.commit()
    assert (await tick())["arrived"] == 1
    async with uow_factory() as uow:
        rows = {s.user_id: s for s in await uow.announcements.statuses(made)}
        by_aad = {(await uow.users.get(u)).aad_object_id: s for u, s in rows.items()}
        assert by_aad["aad-50"].delivery.value == "queued"
        assert [s.delivery.value for a, s in by_aad.items() if a != "aad-50" and a != "aad-1"] == ["not_installed"] * 3

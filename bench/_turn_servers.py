"""The two bots `bench/turns.py` compares, each in its own subprocess with its own fake Bot Connector."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from _common import quiet


@dataclass(frozen=True)
class Target:
    name: str
    kind: str  # ours | echo
    database_url: str = ""
    schema: str | None = None


async def _serve_ours(database_url: str, schema: str | None) -> object:
    from bot.app import create_app
    from bot.config import Config
    from storage.db import create_engine
    from storage.migrate import upgrade

    settings = Config(database_url=database_url, scheduler_enabled=False)
    engine = create_engine(database_url, schema=schema)
    await upgrade(engine)
    return create_app(settings, engine=engine)


def _serve_echo() -> object:
    from types import SimpleNamespace

    from aiohttp import web
    from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
    from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

    from bot import sdk_patches

    sdk_patches.apply()  # the same SDK fixes as create_app applies to ours, so the floor is a fair one

    class EchoBot(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(MessageFactory.text(turn_context.activity.text))

    config = SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


async def serve(kind: str, database_url: str, schema: str | None, profile: str | None = None) -> None:
    """Subprocess mode: start one bot on a free loopback port, print READY <port>, run until SIGTERM."""
    from aiohttp import web

    quiet()
    app = await _serve_ours(database_url, schema) if kind == "ours" else _serve_echo()
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    from bot.serve import settle_heap

    await settle_heap()  # the collector settings of `qibot serve`; the echo bot's too, so the floor stays fair
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    if profile:
        from _profile import profile_on_signals

        profile_on_signals(loop, profile)
    print(f"READY {port}", flush=True)
    await stop.wait()
    await runner.cleanup()


@dataclass
class Server:
    """A running bot: its process, its /api/messages URL and the fake connector its replies go to."""

    target: Target
    proc: asyncio.subprocess.Process
    url: str
    connector: object
    profiled: bool

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def signal(self, number: int) -> None:
        if self.profiled and self.proc.returncode is None:
            self.proc.send_signal(number)


async def start(target: Target, script: str, profile: str | None) -> Server:
    from tests.fake_connector import FakeConnector

    connector = FakeConnector()  # no rate limit: we measure the bot, not throttling
    await connector.start()
    command = [sys.executable, script, "--serve", target.kind, "--database-url", target.database_url]
    if target.schema:
        command += ["--schema", target.schema]
    if profile:
        command += ["--profile", profile]
    proc = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
    server = Server(target, proc, "", connector, bool(profile))
    try:
        async with asyncio.timeout(60):
            line = (await proc.stdout.readline()).decode().strip()
        if not line.startswith("READY "):
            raise RuntimeError(f"{target.name} did not start (said {line!r})")
    except BaseException:
        await stop(server)
        raise
    server.url = f"http://127.0.0.1:{int(line.split()[1])}/api/messages"
    return server


async def stop(server: Server) -> None:
    proc = server.proc
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(15):
                await proc.wait()
        except TimeoutError:
            proc.kill()
            await proc.wait()
    await server.connector.stop()

"""Composition root: builds the aiohttp app and wires storage, dialogs, the bot and the scheduler."""

from __future__ import annotations

import logging
import secrets
from types import SimpleNamespace

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import keys, registry, sdk_patches
from bot.auth import ChannelTokenValidator, RequestAuthenticator, SigningKeys
from bot.config import Config
from bot.files import FileDownloader
from bot.http import MAX_BODY_BYTES, add_routes, errors_without_traces
from bot.links import SignedLinks
from bot.metrics import Metrics
from bot.sender import BotFrameworkSender
from bot.teams import QiBot
from core.kernel.clock import SystemClock
from core.kernel.content import Content
from core.kernel.delivery import RetryPolicy
from core.kernel.ports import Clock
from scheduler.dispatcher import Dispatcher
from scheduler.runner import SchedulerRunner
from scheduler.ticks import build_ticks
from storage.db import create_engine, is_sqlite
from storage.leader import AdvisoryLockLeader, SoleLeader

log = logging.getLogger(__name__)


def _auth_configuration(config: Config):
    if config.production:
        return config
    # Development: no app id means the SDK skips JWT validation and sends without a token.
    log.warning("development mode: authentication is OFF; only serving %s", config.host)
    return SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")


def _development_secret() -> str:
    """Development only (production requires QIBOT_LINK_SECRET): links stop working when the bot restarts."""
    return secrets.token_urlsafe(32)


def create_app(
    config: Config,
    *,
    engine: AsyncEngine | None = None,
    content: Content | None = None,
    clock: Clock | None = None,
) -> web.Application:
    sdk_patches.apply()
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[errors_without_traces])
    clock = clock or SystemClock()
    content = content or registry.load_content(config.content_dir)
    engine = engine or create_engine(config.database_url)
    uow_factory = registry.uow_factory(engine)
    metrics = Metrics()
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_auth_configuration(config)))
    validator = (
        ChannelTokenValidator(config.app_id, SigningKeys(config.openid_metadata_url, timeout=config.openid_timeout))
        if config.production
        else None
    )
    links = SignedLinks(config.base_url, config.link_secret or _development_secret())
    messages = registry.messages(content, links, config)
    registry.wire(content)
    router = registry.router()
    router.check_intents(content.intents)
    bot = QiBot(
        uow_factory=uow_factory,
        router=router,
        content=content,
        clock=clock,
        admins=config.admins,
        links=links,
        messages=messages,
        files=FileDownloader(https_only=config.production),
    )
    dispatcher = Dispatcher(
        uow_factory,
        BotFrameworkSender(adapter, app_id=config.app_id),
        clock,
        app_rate=config.send_rate,
        conversation_rate=config.conversation_rate,
        lease_seconds=config.send_lease_seconds,
        policy=RetryPolicy(max_attempts=config.send_max_attempts),
        observer=metrics,
    )
    leader = SoleLeader() if is_sqlite(engine) else AdvisoryLockLeader(engine)
    runner = SchedulerRunner(
        leader,
        build_ticks(
            dispatcher=dispatcher,
            uow_factory=uow_factory,
            clock=clock,
            content=content,
            capability_ticks=registry.ticks(messages),
        ),
        timezone=content.organisation.timezone,
        observer=metrics,
    )
    app[keys.CONFIG] = config
    app[keys.ENGINE] = engine
    app[keys.UOW_FACTORY] = uow_factory
    app[keys.CONTENT] = content
    app[keys.METRICS] = metrics
    app[keys.ADAPTER] = adapter
    app[keys.BOT] = bot
    app[keys.DISPATCHER] = dispatcher
    app[keys.SCHEDULER] = runner
    app[keys.CLOCK] = clock
    app[keys.LINKS] = links
    app[keys.PAGES] = registry.pages()
    app[keys.AUTH] = RequestAuthenticator(adapter.bot_framework_authentication, validator)
    add_routes(app)
    app.cleanup_ctx.append(_lifecycle)
    return app


async def _lifecycle(app: web.Application):
    runner = app[keys.SCHEDULER]
    if app[keys.CONFIG].scheduler_enabled:
        runner.start()
    yield
    await runner.stop()
    await app[keys.ENGINE].dispose()

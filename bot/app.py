"""Composition root: builds the aiohttp app and wires storage, dialogs, the bot and the scheduler."""

from __future__ import annotations

import logging
import secrets
from types import SimpleNamespace

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import keys, sdk_patches
from bot.auth import ChannelTokenValidator, RequestAuthenticator, SigningKeys
from bot.http import MAX_BODY_BYTES, add_routes, errors_without_traces
from bot.links import SignedLinks
from bot.metrics import Metrics
from bot.sender import BotFrameworkSender
from bot.settings import Settings
from bot.teams import QiBot
from core.clock import SystemClock
from core.content import Content
from core.delivery import RetryPolicy
from core.ports import Clock
from dialogs.clinics import ClinicCards
from dialogs.learning import LearningCards
from dialogs.projects import ProjectCards
from scheduler.dispatcher import Dispatcher
from scheduler.runner import SchedulerRunner
from scheduler.ticks import build_ticks
from storage.content import load_content
from storage.db import create_engine, is_sqlite
from storage.leader import AdvisoryLockLeader, SoleLeader
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)


def _auth_configuration(settings: Settings):
    if settings.production:
        return settings
    # Development: no app id means the SDK skips JWT validation and sends without a token.
    log.warning("development mode: authentication is OFF; only serving %s", settings.host)
    return SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant", APP_TENANTID="")


def _development_secret() -> str:
    """Development only (production requires QIBOT_LINK_SECRET): links stop working when the bot restarts."""
    return secrets.token_urlsafe(32)


def create_app(
    settings: Settings,
    *,
    engine: AsyncEngine | None = None,
    content: Content | None = None,
    clock: Clock | None = None,
) -> web.Application:
    sdk_patches.apply()
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[errors_without_traces])
    clock = clock or SystemClock()
    content = content or load_content(settings.content_dir)
    engine = engine or create_engine(settings.database_url)
    uow_factory = SqlUnitOfWorkFactory(engine)
    metrics = Metrics()
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_auth_configuration(settings)))
    validator = (
        ChannelTokenValidator(
            settings.app_id, SigningKeys(settings.openid_metadata_url, timeout=settings.openid_timeout)
        )
        if settings.production
        else None
    )
    links = SignedLinks(settings.base_url, settings.link_secret or _development_secret())
    bot = QiBot(uow_factory=uow_factory, content=content, clock=clock, admins=settings.admins, links=links)
    dispatcher = Dispatcher(
        uow_factory,
        BotFrameworkSender(adapter, app_id=settings.app_id),
        clock,
        app_rate=settings.send_rate,
        conversation_rate=settings.conversation_rate,
        policy=RetryPolicy(max_attempts=settings.send_max_attempts),
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
            clinic_messages=ClinicCards(content),
            learning_nudge=LearningCards(content).nudge,
            stale_project=ProjectCards(content).stale,
        ),
        timezone=content.nudges.timezone,
    )
    app[keys.SETTINGS] = settings
    app[keys.ENGINE] = engine
    app[keys.CONTENT] = content
    app[keys.METRICS] = metrics
    app[keys.ADAPTER] = adapter
    app[keys.BOT] = bot
    app[keys.DISPATCHER] = dispatcher
    app[keys.SCHEDULER] = runner
    app[keys.CLOCK] = clock
    app[keys.LINKS] = links
    app[keys.AUTH] = RequestAuthenticator(adapter.bot_framework_authentication, validator)
    add_routes(app)
    app.cleanup_ctx.append(_lifecycle)
    return app


async def _lifecycle(app: web.Application):
    runner = app[keys.SCHEDULER]
    if app[keys.SETTINGS].scheduler_enabled:
        runner.start()
    yield
    await runner.stop()
    await app[keys.ENGINE].dispose()

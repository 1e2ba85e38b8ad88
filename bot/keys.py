"""Typed keys for what the aiohttp app holds (aiohttp-demos style)."""

from __future__ import annotations

from aiohttp import web
from botbuilder.core import BotAdapter
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.auth import RequestAuthenticator
from bot.config import Config
from bot.links import SignedLinks
from bot.metrics import Metrics
from bot.teams import QiBot
from core.kernel.content import Content
from core.kernel.ports import Clock, UnitOfWorkFactory
from scheduler.dispatcher import Dispatcher
from scheduler.runner import SchedulerRunner

CONFIG = web.AppKey("config", Config)
ENGINE = web.AppKey("engine", AsyncEngine)
UOW_FACTORY = web.AppKey("uow_factory", UnitOfWorkFactory)
CONTENT = web.AppKey("content", Content)
METRICS = web.AppKey("metrics", Metrics)
ADAPTER = web.AppKey("adapter", BotAdapter)
BOT = web.AppKey("bot", QiBot)
DISPATCHER = web.AppKey("dispatcher", Dispatcher)
SCHEDULER = web.AppKey("scheduler", SchedulerRunner)
CLOCK = web.AppKey("clock", Clock)
LINKS = web.AppKey("links", SignedLinks)
PAGES = web.AppKey("pages", tuple)  # every capability's pages, from the registry
AUTH = web.AppKey("auth", RequestAuthenticator)

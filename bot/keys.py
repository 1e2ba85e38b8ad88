"""Typed keys for what the aiohttp app holds (aiohttp-demos style)."""

from __future__ import annotations

from aiohttp import web
from botbuilder.core import BotAdapter
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.auth import RequestAuthenticator
from bot.links import SignedLinks
from bot.metrics import Metrics
from bot.settings import Settings
from bot.teams import QiBot
from core.content import Content
from core.ports import Clock
from scheduler.dispatcher import Dispatcher
from scheduler.runner import SchedulerRunner

SETTINGS = web.AppKey("settings", Settings)
ENGINE = web.AppKey("engine", AsyncEngine)
CONTENT = web.AppKey("content", Content)
METRICS = web.AppKey("metrics", Metrics)
ADAPTER = web.AppKey("adapter", BotAdapter)
BOT = web.AppKey("bot", QiBot)
DISPATCHER = web.AppKey("dispatcher", Dispatcher)
SCHEDULER = web.AppKey("scheduler", SchedulerRunner)
CLOCK = web.AppKey("clock", Clock)
LINKS = web.AppKey("links", SignedLinks)
AUTH = web.AppKey("auth", RequestAuthenticator)

"""A local fake of the Bot Framework connector (the REST API Teams exposes at a conversation's serviceUrl).

It records every activity the bot sends and answers with scripted status codes (201, 429 + Retry-After, 500,
403...), optionally enforcing a requests-per-second limit per tenant the way Teams does. Used by the bot
tests, the dispatcher tests and the benchmarks.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Received:
    conversation_id: str
    activity: dict[str, Any]
    status: int
    at: float
    method: str = "POST"

    @property
    def text(self) -> str | None:
        return self.activity.get("text")

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.activity.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return attachment.get("content")
        return None


@dataclass
class FakeConnector:
    rate_limit: float | None = None  # requests per second per tenant; above it: 429 with Retry-After
    retry_after: str = "1"
    received: list[Received] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)  # POST /v3/conversations parameters, as sent
    _scripts: dict[str | None, deque] = field(default_factory=lambda: defaultdict(deque))
    _windows: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def script(self, *responses: int | tuple[int, dict[str, str]], conversation_id: str | None = None) -> None:
        """Queue responses for the next requests (to one conversation, or to any when None)."""
        self._scripts[conversation_id].extend(responses)

    def delivered(self, conversation_id: str | None = None) -> list[Received]:
        """Activities that were accepted (2xx), optionally for one conversation."""
        return [
            r
            for r in self.received
            if 200 <= r.status < 300 and (conversation_id is None or r.conversation_id == conversation_id)
        ]

    def _next_response(self, conversation_id: str, tenant: str) -> tuple[int, dict[str, str]]:
        for key in (conversation_id, None):
            if self._scripts.get(key):
                scripted = self._scripts[key].popleft()
                return scripted if isinstance(scripted, tuple) else (scripted, {})
        if self.rate_limit is not None:
            window, now = self._windows[tenant], time.monotonic()
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= self.rate_limit:
                return 429, {"Retry-After": self.retry_after}
            window.append(now)
        return 201, {}

    async def _post(self, request: web.Request) -> web.Response:
        conversation_id = request.match_info["conversation_id"]
        activity = await request.json()
        tenant = (activity.get("conversation") or {}).get("tenantId") or "-"
        status, headers = self._next_response(conversation_id, tenant)
        self.received.append(Received(conversation_id, activity, status, time.monotonic(), request.method))
        if 200 <= status < 300:
            return web.json_response({"id": uuid.uuid4().hex}, status=status, headers=headers)
        return web.json_response(
            {"error": {"code": str(status), "message": "scripted failure"}}, status=status, headers=headers
        )

    async def _create(self, request: web.Request) -> web.Response:
        """POST /v3/conversations: a new conversation. With channelData.channel.id (Teams) it is a new thread in
        that channel, whose id is "<channel id>;messageid=<id of its first activity>"; the first activity (the
        parameters' `activity`) is recorded as received in the new conversation."""
        parameters = await request.json()
        channel = ((parameters.get("channelData") or {}).get("channel") or {}).get("id")
        tenant = parameters.get("tenantID") or parameters.get("tenantId") or "-"
        status, headers = self._next_response(channel or "-", tenant)
        activity_id = str(1_700_000_000_000 + len(self.received))
        conversation_id = f"{channel};messageid={activity_id}" if channel else f"a:{uuid.uuid4().hex}"
        activity = {**(parameters.get("activity") or {}), "id": activity_id}
        self.received.append(Received(conversation_id, activity, status, time.monotonic(), "CREATE"))
        self.created.append(parameters)
        if 200 <= status < 300:
            return web.json_response({"id": conversation_id, "activityId": activity_id}, status=status, headers=headers)
        return web.json_response(
            {"error": {"code": str(status), "message": "scripted failure"}}, status=status, headers=headers
        )

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{reply_to}", self._post)
        app.router.add_put("/v3/conversations/{conversation_id}/activities/{activity_id}", self._post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

"""HTTP endpoints: /api/messages (our own handler around process_activity), /healthz, /readyz, /metrics.

Bad requests get a 4xx with a short reason; nothing here ever returns a stack trace.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from http import HTTPStatus
from urllib.parse import urlparse

from aiohttp import web
from botbuilder.schema import Activity
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from bot import envelope, keys
from bot.activity import tenant_of
from bot.auth import AuthFailed, KeysUnavailable
from bot.logs import correlation_id
from bot.teams import TURN_FAILED
from core.kernel.pages import Page, PageError, PageRequest
from storage.migrate import current_revision, head_revision

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
REQUIRED_FIELDS = (
    ("type",),
    ("channelId",),
    ("serviceUrl",),
    ("conversation", "id"),
    ("from", "id"),
    ("recipient", "id"),
)


def _problem(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def _missing_fields(body: dict) -> str | None:
    missing = []
    for path in REQUIRED_FIELDS:
        node = body
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, str) or not node.strip():
            missing.append(".".join(path))
    return "activity is missing " + ", ".join(missing) if missing else None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _string_or_none(value) -> str | None:
    return value if isinstance(value, str) else None


async def messages(request: web.Request) -> web.Response:
    """Order matters: authenticate (production) before the body is read as an Activity or anything is stored;
    then the envelope's shape, so a wrong-typed field is a 400 naming it rather than an error in the SDK."""
    app = request.app
    metrics = app[keys.METRICS]
    started = time.perf_counter()
    if request.content_type != "application/json":
        return _problem(415, "Content-Type must be application/json")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        return _problem(413, "body larger than 256 KB")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        return _problem(413, "body larger than 256 KB")
    try:
        body = json.loads(raw, parse_constant=_reject_constant)  # no NaN or Infinity
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _problem(400, "body is not valid JSON")
    if not isinstance(body, dict):
        return _problem(400, "body must be a JSON object (a Bot Framework activity)")
    kind = body.get("type")
    activity_type = kind if isinstance(kind, str) and kind in KNOWN_TYPES else "other"
    try:
        auth = await app[keys.AUTH].authenticate(
            request.headers.get("Authorization"),
            channel_id=_string_or_none(body.get("channelId")),
            service_url=_string_or_none(body.get("serviceUrl")),
        )
    except AuthFailed as failed:
        metrics.activities.labels(activity_type, "unauthorized").inc()
        return _problem(401, f"authentication failed: {failed.reason}")
    except KeysUnavailable:
        metrics.activities.labels(activity_type, "unavailable").inc()
        response = _problem(503, "cannot check the token just now; try again shortly")
        response.headers["Retry-After"] = "10"
        return response
    wrong = envelope.problem(body) or _missing_fields(body)
    if wrong:
        metrics.activities.labels(activity_type, "bad_envelope").inc()
        return _problem(400, wrong)
    if urlparse(body["serviceUrl"]).scheme not in ("http", "https"):
        return _problem(400, "serviceUrl must be an http(s) URL")
    try:
        activity = Activity().deserialize(body)
    except Exception:  # noqa: BLE001 - the schema should catch all of these; the error would echo the body
        log.warning("activity could not be read", extra={"activity_type": activity_type})
        return _problem(400, "activity has a field of the wrong type")
    token = correlation_id.set(str(body.get("id") or uuid.uuid4())[:64])
    try:
        config = app[keys.CONFIG]
        adapter = app[keys.ADAPTER]
        tenant = tenant_of(activity)
        if config.allowed_tenants and tenant not in config.allowed_tenants:
            log.warning("activity from a tenant that is not allowed", extra={"tenant": tenant})
            metrics.activities.labels(activity_type, "forbidden_tenant").inc()
            return _problem(403, "this tenant is not served by this bot")
        turn_state: dict = {}

        async def logic(context):
            await app[keys.BOT].on_turn(context)
            turn_state.update(context.turn_state)

        invoke_response = await adapter.process_activity(auth, activity, logic)
        outcome = "error" if turn_state.get(TURN_FAILED) else "ok"
        metrics.activities.labels(activity_type, outcome).inc()
        if invoke_response is not None:
            payload = invoke_response.body
            if payload is None:
                return web.Response(status=invoke_response.status)
            return web.json_response(payload, status=invoke_response.status)
        return web.Response(status=HTTPStatus.OK)
    finally:
        metrics.turn_seconds.observe(time.perf_counter() - started)
        correlation_id.reset(token)


KNOWN_TYPES = {
    "message",
    "invoke",
    "installationUpdate",
    "conversationUpdate",
    "messageReaction",
    "typing",
    "event",
    "messageUpdate",
    "messageDelete",
}


async def healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    engine = request.app[keys.ENGINE]
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        current = await current_revision(engine)
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        log.warning("readiness check failed", extra={"error": type(exc).__name__})
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)
    head = head_revision()
    if current != head:
        return web.json_response({"status": "unavailable", "schema": current, "expected": head}, status=503)
    return web.json_response({"status": "ready", "schema": current})


async def metrics_endpoint(request: web.Request) -> web.Response:
    app = request.app
    return web.Response(body=app[keys.METRICS].render(), headers={"Content-Type": CONTENT_TYPE_LATEST})


@web.middleware
async def errors_without_traces(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400:
            return _problem(exc.status, exc.reason)
        raise
    except Exception:
        # The route's pattern, not the path: a path can hold a signed link's token.
        resource = request.match_info.route.resource
        log.exception("unhandled error", extra={"route": resource.canonical if resource else "-"})
        return _problem(500, "internal error")


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)
    for page in app[keys.PAGES]:
        app.router.add_get(page.path, page_handler(page))


def page_handler(page: Page):
    """Serve one capability page: check its signed link, open a unit of work, render, send the bytes."""

    async def handle(request: web.Request) -> web.Response:
        app = request.app
        now = app[keys.CLOCK].now()
        params = dict(request.match_info)
        claims = app[keys.LINKS].read(page, params.pop("token"), now=now)
        if claims is None:
            return _problem(404, "This link is not valid or has expired.")  # as a page's own 404 (PageError)
        page_request_args = {"claims": claims, "params": params, "content": app[keys.CONTENT], "now": now}
        try:
            async with app[keys.UOW_FACTORY]() as uow:
                result = await page.render(
                    PageRequest(**page_request_args, uow=uow, links=app[keys.LINKS], admins=app[keys.CONFIG].admins)
                )
        except PageError as refused:
            return _problem(refused.status, refused.reason)
        headers = {"Content-Type": result.content_type, "Cache-Control": result.cache}
        if result.filename:
            disposition = "inline" if result.inline else "attachment"
            headers["Content-Disposition"] = f'{disposition}; filename="{result.filename}"'
        return web.Response(body=result.body, headers=headers)

    return handle

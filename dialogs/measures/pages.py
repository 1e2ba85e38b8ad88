"""The dashboard behind short-lived signed links: the full page (HTML), its XLSX export and the printable board
summary. Every request checks the admin or programme lead role again (a link forwarded to someone else, or kept
after the role was revoked, shows nothing) and is logged by user id and kind, never content."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from core.kernel.errors import NotAllowed
from core.kernel.pages import Page, PageError, PageRequest, PageResult
from core.measures.dashboard import dashboard_for

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HTML = "text/html; charset=utf-8"
KINDS = {"html": "the dashboard", "xlsx": "the export", "print": "the board summary"}
LINK_TEXT = {"xlsx": "Download XLSX", "print": "Board summary (print)"}


async def _render(request: PageRequest) -> PageResult:
    kind = request.params.get("kind", "")
    if kind not in KINDS or request.claims.get("k") != kind:
        raise PageError(404, "This link is not valid or has expired.")
    who = request.claims["u"]
    try:
        dashboard = await dashboard_for(
            request.uow, user_id=who, admins=request.admins, content=request.content, now=request.now
        )
    except NotAllowed as refused:
        log.warning("measures page refused", extra={"user_id": who, "kind": kind})
        raise PageError(403, refused.message) from None
    log.info("measures page opened", extra={"user_id": who, "kind": kind})
    # openpyxl and matplotlib (about 85 MB) are loaded when a page is first drawn, not when the bot starts
    from dialogs.measures.exports import dashboard_xlsx  # noqa: PLC0415
    from dialogs.measures.html import board_html, dashboard_html  # noqa: PLC0415

    organisation = request.content.organisation.name
    if kind == "xlsx":
        body = await asyncio.to_thread(dashboard_xlsx, dashboard)
        return PageResult(body, XLSX, filename=f"programme-measures-{dashboard.last_complete:%Y-%m}.xlsx")
    if kind == "print":
        body = await asyncio.to_thread(board_html, dashboard, organisation=organisation)
        return PageResult(body, HTML)
    expires = request.now + timedelta(minutes=request.content.measures.link_minutes)
    links = {text: dashboard_url(request.links, k, user_id=who, expires_at=expires) for k, text in LINK_TEXT.items()}
    body = await asyncio.to_thread(dashboard_html, dashboard, organisation=organisation, links=links)
    return PageResult(body, HTML)


DASHBOARD = Page("measures.dashboard", "/measures/{token}.{kind}", _render, claims=("u",))
PAGES = (DASHBOARD,)


def dashboard_url(links, kind: str, *, user_id: int, expires_at) -> str:
    return links.url(DASHBOARD, {"u": user_id, "k": kind}, expires_at=expires_at, kind=kind)

"""The survey report's pages behind signed links that expire in an hour: the chart and the CSV and XLSX of
pseudonymous responses. Each download checks the admin role again and is logged (who and what, never content)."""

from __future__ import annotations

import asyncio
import logging

from core.kernel.errors import NotAllowed
from core.kernel.pages import Page, PageError, PageRequest, PageResult
from core.surveys.exports import export_for_admin
from core.surveys.reports import report_for_admin
from dialogs.surveys.files import change_chart, to_csv, to_xlsx

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {  # kind: (content type, file name)
    "png": ("image/png", "survey-change.png"),
    "csv": ("text/csv; charset=utf-8", "survey-responses.csv"),
    "xlsx": (XLSX, "survey-responses.xlsx"),
}


async def _file(request: PageRequest) -> PageResult:
    kind = request.params.get("kind", "")
    if kind not in FORMATS or request.claims.get("k") != kind:
        raise PageError(404, "This link is not valid or has expired.")
    who = request.claims["u"]
    try:
        if kind == "png":
            report = await report_for_admin(
                request.uow, user_id=who, admins=request.admins, content=request.content, now=request.now
            )
            body = await asyncio.to_thread(change_chart, report)  # keep drawing off the event loop
        else:
            exports = await export_for_admin(
                request.uow, user_id=who, admins=request.admins, content=request.content, now=request.now
            )
            body = await asyncio.to_thread(to_csv if kind == "csv" else to_xlsx, exports)
    except NotAllowed as refused:
        log.warning("survey file refused", extra={"user_id": who, "kind": kind})
        raise PageError(403, refused.message) from None
    log.info("survey file downloaded", extra={"user_id": who, "kind": kind})
    content_type, filename = FORMATS[kind]
    return PageResult(body, content_type, filename=filename, inline=kind == "png")


FILES = Page("surveys.files", "/surveys/files/{token}.{kind}", _file, claims=("u",))
PAGES = (FILES,)


def file_url(links, kind: str, *, user_id: int, expires_at) -> str:
    return links.url(FILES, {"u": user_id, "k": kind}, expires_at=expires_at, kind=kind)

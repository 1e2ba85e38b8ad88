"""The per-person delivery status of an announcement as CSV or XLSX, behind a signed link that expires in 15
minutes. Each download checks the admin role again and is logged with ids only (never a name)."""

from __future__ import annotations

import asyncio
import csv
import io
import logging

from core.announcements.exports import COLUMNS, status_rows_for_admin
from core.kernel.errors import NotAllowed, NotFound
from core.kernel.pages import Page, PageError, PageRequest, PageResult

log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 CSV correctly with a BOM


def to_xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 (30 MB: loaded with the first export, not at start-up)

    book = Workbook()
    sheet = book.active
    sheet.title = "Status"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _status(request: PageRequest) -> PageResult:
    kind = request.params.get("kind", "")
    if kind not in FORMATS or request.claims.get("k") != ("csv", "xlsx").index(kind):
        raise PageError(404, "This link is not valid or has expired.")
    who, announcement_id = request.claims["u"], request.claims["a"]
    try:
        rows = await status_rows_for_admin(
            request.uow, user_id=who, announcement_id=announcement_id, admins=request.admins, content=request.content
        )
    except NotAllowed as refused:
        log.warning("announcement status refused", extra={"user_id": who, "announcement_id": announcement_id})
        raise PageError(403, refused.message) from None
    except NotFound as missing:
        raise PageError(404, missing.message) from None
    body = await asyncio.to_thread(to_csv if kind == "csv" else to_xlsx, rows)
    log.info(
        "announcement status downloaded",
        extra={"user_id": who, "announcement_id": announcement_id, "kind": kind, "rows": len(rows)},
    )
    return PageResult(body, FORMATS[kind], filename=f"announcement-{announcement_id}-status.{kind}")


STATUS = Page("announcements.status", "/announcements/status/{token}.{kind}", _status, claims=("u", "a", "k"))
PAGES = (STATUS,)


def status_url(links, kind: str, *, user_id: int, announcement_id: int, expires_at) -> str:
    claims = {"u": user_id, "a": announcement_id, "k": ("csv", "xlsx").index(kind)}
    return links.url(STATUS, claims, expires_at=expires_at, kind=kind)

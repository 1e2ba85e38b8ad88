"""The event pages behind signed links: a date's calendar file (icalendar), the facilitator's check-in screen (a
QR code made with `qrcode`, renewed every few minutes) and the admins' attendee list exports (CSV, XLSX; the
admin role is checked again on every download, and every download is logged)."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
from html import escape

import qrcode
import qrcode.image.pure

from core.events import reports
from core.events.attendance import checkin_link
from core.events.registration import calendar_date
from core.events.services import get_event, may_manage
from core.kernel.errors import DomainError, NotFound
from core.kernel.pages import Page, PageError, PageRequest, PageResult
from core.kernel.roles import person_with_roles
from dialogs.events.posters import POSTER
from dialogs.events.wording import date_label, site, when, where
from dialogs.kit.calendar import calendar_file

REFRESH_SECONDS = 300  # the check-in screen asks for a fresh code this often (codes last longer)

# --- the calendar file ---------------------------------------------------------------------------------------


def date_calendar(event, d, registration, content, *, stamp) -> bytes:
    label = f" ({date_label(event, d)})" if len(event.dates) > 1 else ""
    lines = [f"{event.title} at {site(event, content)}, {when(d, content)}."]
    if event.online_url:
        lines.append(f"Join online: {event.online_url}")
    lines.append("To cancel, type 'my events' to QI Companion in Teams.")
    return calendar_file(
        product="Event registration",
        uid=f"event-{registration.id}-date-{d.id}",
        stamp=stamp,
        starts_at=d.starts_at,
        ends_at=d.ends_at,
        summary=f"{event.title}{label}",
        location=where(event) if event.venue else (event.online_url or "Online"),
        description=lines,
        url=event.online_url,
    )


async def _calendar(request: PageRequest) -> PageResult:
    found = await calendar_date(request.uow, registration_id=request.claims["r"], date_id=request.claims["d"])
    if found is None:
        raise PageError(404, "This registration no longer exists.")
    registration, event, d = found
    if not registration.active or event.cancelled:
        raise PageError(410, "This place was cancelled.")
    body = date_calendar(event, d, registration, request.content, stamp=request.now)
    local = d.starts_at.astimezone(request.content.organisation.timezone)
    return PageResult(body, "text/calendar; charset=utf-8", filename=f"qi-event-{local:%Y-%m-%d}.ics")


CALENDAR = Page("events.calendar", "/events/calendar/{token}.ics", _calendar, claims=("r", "d"))

# --- the check-in screen ---------------------------------------------------------------------------------------


def qr_png(data: str) -> bytes:
    """A QR code as a PNG, with qrcode's pure-Python PNG writer (pypng): no imaging library needed."""
    image = qrcode.make(data, image_factory=qrcode.image.pure.PyPNGImage, box_size=8, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()


def checkin_html(title: str, label: str, png: bytes, expires: str) -> str:
    encoded = base64.b64encode(png).decode("ascii")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='refresh' content='{REFRESH_SECONDS}'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Check in: {escape(title)}</title>"
        "<style>body{font-family:Segoe UI,Arial,sans-serif;text-align:center;margin:2em}"
        "img{width:min(80vw,480px);image-rendering:pixelated}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(label)}</p>"
        f"<img alt='Check-in QR code' src='data:image/png;base64,{encoded}'>"
        "<p>Scan with your phone's camera to open QI Companion in Teams, then send the message it fills in.</p>"
        f"<p><small>This code renews itself; it is valid until {escape(expires)}.</small></p></body></html>"
    )


async def _checkin(request: PageRequest) -> PageResult:
    user = await person_with_roles(request.uow, request.claims["u"], request.admins)
    if user is None or not may_manage(user):
        raise PageError(403, "The check-in screen is for the QSIR faculty and admins.")
    try:
        event = await get_event(request.uow, request.claims["v"])
    except NotFound:
        raise PageError(404, "This event no longer exists.") from None
    try:
        link, expires_at = await checkin_link(
            request.uow,
            user=user,
            event_id=event.id,
            date_id=request.claims["d"],
            links=request.links,
            content=request.content,
            now=request.now,
        )
    except DomainError as refused:
        raise PageError(410, refused.message) from None
    d = event.date(request.claims["d"])
    png = await asyncio.to_thread(qr_png, link)
    label = f"{when(d, request.content)} · {date_label(event, d)}"
    expires = f"{expires_at.astimezone(request.content.organisation.timezone):%H:%M}"
    return PageResult(checkin_html(event.title, label, png, expires).encode("utf-8"), "text/html; charset=utf-8")


CHECKIN_SCREEN = Page("events.checkin_screen", "/events/checkin/{token}.html", _checkin, claims=("u", "v", "d"))

# --- the attendee list exports ----------------------------------------------------------------------------------


def to_csv(table: reports.AttendeeList) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([table.header, *table.rows])
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 CSV correctly with a BOM


def to_xlsx(table: reports.AttendeeList) -> bytes:

    from openpyxl import Workbook  # noqa: PLC0415 (30 MB: loaded with the first export, not at start-up)

    book = Workbook()
    sheet = book.active
    sheet.title = "Attendees"
    for row in [table.header, *table.rows]:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMATS = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


async def _export(request: PageRequest) -> PageResult:
    kind = request.params.get("kind", "")
    if kind not in FORMATS or request.claims.get("k") != kind:
        raise PageError(404, "This export link is not valid or has expired.")
    user = await person_with_roles(request.uow, request.claims["u"], request.admins)
    if user is None:
        raise PageError(403, "Attendee lists are for QI admins.")
    try:
        table = await reports.attendee_list(
            request.uow, user=user, event_id=request.claims["v"], content=request.content
        )
    except DomainError as refused:
        raise PageError(403, refused.message) from None
    # The one page that writes: the access log row, committed before the bytes go out.
    await reports.log_export(request.uow, user=user, event_id=table.event.id, kind=kind, now=request.now)
    await request.uow.commit()
    render, content_type = FORMATS[kind]
    body = await asyncio.to_thread(render, table)
    day = table.event.starts_at.astimezone(request.content.organisation.timezone)
    return PageResult(body, content_type, filename=f"attendees-{table.event.id}-{day:%Y-%m-%d}.{kind}")


EXPORT = Page("events.export", "/events/attendees/{token}.{kind}", _export, claims=("u", "v"))


def export_url(links, kind: str, *, user_id: int, event_id: int, expires_at) -> str:
    return links.url(EXPORT, {"u": user_id, "v": event_id, "k": kind}, expires_at=expires_at, kind=kind)


PAGES = (CALENDAR, CHECKIN_SCREEN, EXPORT, POSTER)

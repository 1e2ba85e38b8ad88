"""The `.ics` for a clinic booking (RFC 5545, built with icalendar), served behind a link that expires when the
session ends."""

from __future__ import annotations

from core.clinics.booking import calendar_booking
from core.clinics.model import Booking, BookingView, ClinicSession
from core.kernel.content import Content
from core.kernel.pages import Page, PageError, PageRequest, PageResult
from core.kernel.ports import Links
from dialogs.clinics.wording import coaches, site, where
from dialogs.kit import cards
from dialogs.kit.calendar import calendar_file


def booking_calendar(session: ClinicSession, booking: Booking, content: Content, *, stamp) -> bytes:
    lines = [f"QI clinic at {site(session, content)} with {coaches(session)}."]
    if session.online_url:
        lines.append(f"Join online: {session.online_url}")
    if booking.question:
        lines.append(f"Your question: {booking.question}")
    lines.append("To cancel, type 'my bookings' to QI Companion in Teams.")
    return calendar_file(
        product="Clinic booking",
        uid=f"clinic-booking-{booking.id}",
        stamp=stamp,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"QI clinic with {coaches(session)}" + (f": {session.focus}" if session.focus else ""),
        location=where(session) if session.venue else (session.online_url or "Online"),
        description=lines,
        url=session.online_url,
    )


async def _calendar(request: PageRequest) -> PageResult:
    view = await calendar_booking(request.uow, booking_id=request.claims["b"])
    if view is None:
        raise PageError(404, "This booking no longer exists.")
    if view.cancelled:
        raise PageError(410, "This booking was cancelled.")
    body = booking_calendar(view.session, view.booking, request.content, stamp=request.now)
    day = view.session.starts_at.astimezone(request.content.organisation.timezone)
    return PageResult(body, "text/calendar; charset=utf-8", filename=f"qi-clinic-{day:%Y-%m-%d}.ics")


CALENDAR = Page("clinics.calendar", "/calendar/{token}.ics", _calendar, claims=("b",))
PAGES = (CALENDAR,)


def calendar_button(links: Links | None, view: BookingView) -> list[cards.Element]:
    """ "Add to calendar" for a booked place: the `.ics` through a signed link that expires when the session ends."""
    if not view.confirmed or links is None:
        return []
    url = links.url(CALENDAR, {"b": view.booking.id}, expires_at=view.session.ends_at)
    return [{"type": "Action.OpenUrl", "title": "Add to calendar", "url": url}]

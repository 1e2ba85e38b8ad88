"""The `.ics` for a clinic booking (RFC 5545, built with icalendar) and its download endpoint."""

from __future__ import annotations

from aiohttp import web
from icalendar import Calendar, Event, vText

from bot import keys
from core.clinics.model import Booking, BookingStatus, ClinicSession
from core.kernel.content import Content
from dialogs.clinics import coaches, where


def booking_calendar(session: ClinicSession, booking: Booking, content: Content, *, stamp) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//QI Companion//Clinic booking//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"clinic-booking-{booking.id}@qi-companion")
    event.add("dtstamp", stamp)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    site = content.organisation.label("sites", session.site)
    event.add("summary", f"QI clinic with {coaches(session)}" + (f": {session.focus}" if session.focus else ""))
    event["location"] = vText(where(session) if session.venue else (session.online_url or "Online"))
    lines = [f"QI clinic at {site} with {coaches(session)}."]
    if session.online_url:
        lines.append(f"Join online: {session.online_url}")
    if booking.question:
        lines.append(f"Your question: {booking.question}")
    lines.append("To cancel, type 'my bookings' to QI Companion in Teams.")
    event.add("description", "\n".join(lines))
    if session.online_url:
        event.add("url", session.online_url)
    calendar.add_component(event)
    return calendar.to_ical()


async def download(request: web.Request) -> web.Response:
    app = request.app
    now = app[keys.CLOCK].now()
    booking_id = app[keys.LINKS].read_calendar_token(request.match_info["token"], now=now)
    if booking_id is None:
        raise web.HTTPNotFound(reason="This calendar link is not valid or has expired.")
    async with app[keys.UOW_FACTORY]() as uow:
        booking = await uow.clinics.get_booking(booking_id)
        session = await uow.clinics.get_session(booking.session_id) if booking else None
    if booking is None or session is None:
        raise web.HTTPNotFound(reason="This booking no longer exists.")
    if booking.status == BookingStatus.CANCELLED or session.cancelled:
        raise web.HTTPGone(reason="This booking was cancelled.")
    body = booking_calendar(session, booking, app[keys.CONTENT], stamp=now)
    filename = f"qi-clinic-{session.starts_at.astimezone(app[keys.CONTENT].nudges.timezone):%Y-%m-%d}.ics"
    return web.Response(
        body=body,
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )

"""How a clinic session reads on every card, message and calendar file: when, where, with whom, seats left."""

from __future__ import annotations

from core.clinics.model import BookingView, ClinicSession
from core.kernel.content import Content, choice_label
from dialogs.kit import cards
from dialogs.kit.forms import field_error

STALE = "That card is out of date. Please start again with **book clinic**."


def when(session: ClinicSession, content: Content) -> str:
    tz = content.organisation.timezone
    start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    return f"{start:%a} {start.day} {start:%b}, {start:%H:%M}-{end:%H:%M}"


def where(session: ClinicSession) -> str:
    if session.venue and session.online_url:
        return f"{session.venue} or online (Teams)"
    return session.venue or "online (Teams)"


def coaches(session: ClinicSession) -> str:
    return ", ".join(c.name for c in session.coaches) or "a QI coach"


def site(session: ClinicSession, content: Content) -> str:
    return content.organisation.label("sites", session.site)


def when_and_site(session: ClinicSession, content: Content) -> str:
    """ "Fri 27 Nov, 12:30-13:30 at Basildon University Hospital" """
    return f"{when(session, content)} at {site(session, content)}"


def placeholders(session: ClinicSession, content: Content) -> dict[str, str]:
    """The values content/clinics.yaml's message wording may use: {when}, {time}, {where}, {site}."""
    return {
        "when": when(session, content),
        "time": f"{session.starts_at.astimezone(content.organisation.timezone):%H:%M}",
        "where": where(session),
        "site": site(session, content),
    }


def seats(session: ClinicSession) -> str:
    """The seats line. Its words carry the meaning, in bold default text: Teams' yellow, green and red each fail
    WCAG contrast on its light or dark theme (tests/kernel/test_contrast.py)."""
    if session.seats_left == 0:
        return "Full: join the waitlist"
    if session.capacity == 1:
        return "One-to-one, free"
    if session.seats_left == 1:
        return "Last seat"
    return f"{session.seats_left} of {session.capacity} seats left"


def status_line(text: str) -> cards.Element:
    """A short bold line of a list row: the seats left, "Booked", "On the waitlist (number 2)"."""
    return {**cards.text(text, size="Small"), "weight": "Bolder", "spacing": "None"}


def my_place(view: BookingView) -> str:
    """What the person holds on a session, the same on the booking list and in my bookings."""
    return "Booked" if view.confirmed else f"On the waitlist (number {view.waitlist_position})"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def help_label(content: Content, help_with: str) -> str:
    """The label of an intake choice ("Measurement and data")."""
    return choice_label(content.clinics.rules.help_with, help_with, missing=help_with)


def session_pairs(session: ClinicSession, content: Content) -> list[tuple[str, str]]:
    return [
        ("When", when(session, content)),
        ("Where", where(session)),
        ("Site", site(session, content)),
        ("Coach", coaches(session)),
    ]


def session_facts(session: ClinicSession, content: Content) -> cards.Element:
    pairs = session_pairs(session, content)
    if session.focus:
        pairs.append(("Focus", session.focus))
    return cards.facts(pairs)


def join_button(session: ClinicSession) -> list[cards.Element]:
    if not session.online_url:
        return []
    return [{"type": "Action.OpenUrl", "title": "Join online", "url": session.online_url}]


def field_problem(message: str | None) -> cards.Element | None:
    """A refused answer's message, right under its field (the same element the router's refill puts there)."""
    return field_error(message) if message else None


def text_input(
    input_id: str, label: str, limit: int, value: object, *, multiline: bool = False, placeholder: str | None = None
) -> cards.Element:
    """A free-text field, holding what the person typed when the form is shown again."""
    element: cards.Element = {"type": "Input.Text", "id": input_id, "label": label, "maxLength": limit}
    if multiline:
        element["isMultiline"] = True
    if placeholder:
        element["placeholder"] = placeholder
    if isinstance(value, str) and value:
        element["value"] = value
    return element

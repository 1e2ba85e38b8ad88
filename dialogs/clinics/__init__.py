"""`book clinic`, `my bookings`, `coach`: QI clinics in chat, and the cards the clinic services send."""

from __future__ import annotations

from core.clinics import services as service
from core.clinics.model import Booking, BookingStatus, ClinicSession
from core.kernel.content import Choice, Content
from core.kernel.errors import ClinicFull, InvalidInput
from core.kernel.model import OutboundMessage, Role, User
from core.projects.model import Project
from core.projects.services import open_projects_led_by
from dialogs.kit import cards
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.types import Response, Turn

router = FeatureRouter("clinics")
PAGE = 6
NO_PROJECT = Choice(id="none", label="Not about a registered project")


# --- formatting ----------------------------------------------------------------------------------------------------


def when(session: ClinicSession, content: Content) -> str:
    tz = content.nudges.timezone
    start, end = session.starts_at.astimezone(tz), session.ends_at.astimezone(tz)
    return f"{start:%a} {start.day} {start:%b}, {start:%H:%M}-{end:%H:%M}"


def where(session: ClinicSession) -> str:
    if session.venue and session.online_url:
        return f"{session.venue} or online (Teams)"
    return session.venue or "online (Teams)"


def coaches(session: ClinicSession) -> str:
    return ", ".join(c.name for c in session.coaches) or "a QI coach"


def seats(session: ClinicSession) -> tuple[str, str]:
    if session.seats_left == 0:
        return "Full: join the waitlist", "Attention"
    if session.capacity == 1:
        return "One-to-one, free", "Good"
    if session.seats_left == 1:
        return "Last seat", "Warning"
    return f"{session.seats_left} of {session.capacity} seats left", "Good"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def session_facts(session: ClinicSession, content: Content) -> cards.Element:
    pairs = [
        ("When", when(session, content)),
        ("Where", where(session)),
        ("Site", content.organisation.label("sites", session.site)),
        ("Coach", coaches(session)),
    ]
    if session.focus:
        pairs.append(("Focus", session.focus))
    return cards.facts(pairs)


def help_label(content: Content, help_with: str) -> str:
    return next((c.label for c in content.clinics.rules.help_with if c.id == help_with), help_with)


def _join_button(session: ClinicSession) -> list[cards.Element]:
    if not session.online_url:
        return []
    return [{"type": "Action.OpenUrl", "title": "Join online", "url": session.online_url}]


# --- browsing and booking ------------------------------------------------------------------------------------


def _session_row(session: ClinicSession, content: Content, user: User, site: str) -> cards.Element:
    """One session as a compact row: details on the left, the button on the right (short on a phone)."""
    seat_text, colour = seats(session)
    full = session.seats_left == 0
    buttons = [
        cards.execute(
            "Waitlist" if full else "Book",
            "clinics.choose",
            {"session_id": session.id, "waitlist": full, "site": site},
            style=None if full else "positive",
        )
    ]
    if user.has_role(Role.ADMIN):
        buttons.append(cards.execute("Cancel session", "clinics.cancel_session", {"session_id": session.id}))
    details = (
        capitalised(where(session)) + f" · with {coaches(session)}" + (f" · {session.focus}" if session.focus else "")
    )
    return {
        "type": "ColumnSet",
        "separator": True,
        "spacing": "Medium",
        "columns": [
            {
                "type": "Column",
                "width": "stretch",
                "items": [
                    cards.text(f"**{when(session, content)}**"),
                    cards.text(details, subtle=True, size="Small"),
                    {**cards.text(seat_text, color=colour, size="Small"), "weight": "Bolder", "spacing": "None"},
                ],
            },
            {
                "type": "Column",
                "width": "auto",
                "verticalContentAlignment": "Center",
                "items": [{"type": "ActionSet", "actions": buttons}],
            },
        ],
    }


async def browse_card(turn: Turn, site: str | None, page: int = 0, notice: str | None = None) -> dict:
    content = turn.content
    org = content.organisation
    site = site if org.is_valid("sites", site) else (turn.user.site or org.sites[0].id)
    sessions = await service.bookable_sessions(turn.uow, site=site, content=content, now=turn.now)
    pages = max(1, -(-len(sessions) // PAGE))
    page = min(max(0, page), pages - 1)
    shown = sessions[page * PAGE : (page + 1) * PAGE]
    rows = [_session_row(s, content, turn.user, site) for s in shown]
    paging = []
    if page > 0:
        paging.append(cards.execute("Earlier sessions", "clinics.browse", {"site": site, "page": page - 1}))
    if page < pages - 1:
        paging.append(cards.execute("Later sessions", "clinics.browse", {"site": site, "page": page + 1}))
    weeks = content.clinics.rules.weeks_shown
    empty = (
        cards.text(
            f"No sessions left to book at {org.label('sites', site)} in the next {weeks} weeks. Try another site."
        )
        if not sessions
        else None
    )
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Book a QI clinic"),
        cards.text("Time with a QI coach for an idea, a live project or help with data.", subtle=True),
        cards.choice_set("site", "Site", org.sites, site),
        cards.action_set(cards.execute("Show sessions", "clinics.browse", {"page": 0})),
        empty,
        *rows,
        cards.action_set(*paging) if paging else None,
        cards.text(f"Page {page + 1} of {pages}", subtle=True, size="Small") if pages > 1 else None,
    )


@router.command(
    "book clinic",
    title="Book clinic",
    description="Book time with a QI coach at your site or online",
    aliases=("book a clinic", "book", "clinic", "clinics", "qi clinic"),
)
async def book(turn: Turn) -> Response:
    return Response.show(await browse_card(turn, turn.user.site))


@router.action("browse")
async def browse(turn: Turn) -> Response:
    data = turn.inbound.data
    try:
        page = int(data.get("page", 0))
    except (TypeError, ValueError):
        page = 0
    return Response(card=await browse_card(turn, data.get("site"), page))


def _session_id(turn: Turn, key: str = "session_id") -> int:
    try:
        return int(turn.inbound.data.get(key))
    except (TypeError, ValueError):
        raise InvalidInput("That card is out of date. Please start again with **book clinic**.") from None


async def my_live_projects(turn: Turn) -> list[Choice]:
    """The person's registered projects they lead, for "which of my projects, if any?"."""
    projects = await open_projects_led_by(turn.uow, turn.user.id)
    return [Choice(str(p.id), p.title or "Untitled project") for p in projects]


def intake_card(
    turn: Turn,
    session: ClinicSession,
    *,
    waitlist: bool,
    error: str | None = None,
    answers: dict | None = None,
    projects: list[Choice] | None = None,
) -> dict:
    content = turn.content
    answers = answers or {}
    heading = "Join the waitlist" if waitlist else "Book this clinic"
    return cards.card(
        cards.notice(error, good=False) if error else None,
        cards.title(heading),
        session_facts(session, content),
        cards.text(
            "If a place comes up you will get it automatically and I will tell you."
            if waitlist
            else f"{seats(session)[0]}.",
            subtle=True,
        ),
        cards.choice_set(
            "help_with",
            "What would you like help with?",
            content.clinics.rules.help_with,
            answers.get("help_with"),
            compact=False,
            error="Please choose what you would like help with.",
        ),
        cards.choice_set(
            "project",
            "Which of your projects, if any?",
            (*(projects or []), NO_PROJECT),
            answers.get("project") or NO_PROJECT.id,
            required=False,
        ),
        {
            "type": "Input.Text",
            "id": "question",
            "label": "Your question in a sentence or two (optional)",
            "isMultiline": True,
            "maxLength": service.MAX_QUESTION,
            "value": answers.get("question", ""),
        },
        actions=[
            cards.execute(
                "Join waitlist" if waitlist else "Confirm booking",
                "clinics.book",
                {"session_id": session.id, "waitlist": waitlist},
                style="positive",
            ),
            cards.execute("Back", "clinics.browse", {"site": session.site}),
        ],
    )


@router.action("choose")
async def choose(turn: Turn) -> Response:
    session = await service.get_session(turn.uow, _session_id(turn))
    service.check_bookable(session, turn.content, turn.now)
    waitlist = bool(turn.inbound.data.get("waitlist")) or session.seats_left == 0
    return Response(card=intake_card(turn, session, waitlist=waitlist, projects=await my_live_projects(turn)))


def confirmation_card(turn: Turn, session: ClinicSession, booking: Booking, notice: str) -> dict:
    content = turn.content
    confirmed = booking.status == BookingStatus.CONFIRMED
    actions: list[cards.Element] = []
    if confirmed and turn.links is not None:
        from dialogs.clinics.pages import CALENDAR

        url = turn.links.url(CALENDAR, {"b": booking.id}, expires_at=session.ends_at)
        actions.append({"type": "Action.OpenUrl", "title": "Add to calendar", "url": url})
    actions += _join_button(session) if confirmed else []
    actions.append(cards.execute("My bookings", "clinics.mine"))
    label = "Cancel booking" if confirmed else "Leave waitlist"
    actions.append(cards.execute(label, "clinics.cancel", {"booking_id": booking.id}, style="destructive"))
    pairs = [
        ("When", when(session, content)),
        ("Where", where(session)),
        ("Site", content.organisation.label("sites", session.site)),
        ("Coach", coaches(session)),
        ("Help with", help_label(content, booking.help_with)),
    ]
    if booking.question:
        pairs.append(("Your question", booking.question))
    card = cards.card(
        cards.notice(notice),
        cards.title("Your QI clinic"),
        cards.facts(pairs),
        cards.text("I will remind you the day before and an hour before.", subtle=True, size="Small")
        if confirmed
        else None,
        actions=actions,
    )
    # Universal Actions refresh: when the person looks at this card again, Teams asks for its current state,
    # so a booking cancelled from `my bookings` no longer shows "Booked" and live buttons here.
    card["refresh"] = {
        "action": {"type": "Action.Execute", "verb": "clinics.booking", "data": {"booking_id": booking.id}},
        "userIds": [turn.user.teams_user_id],
    }
    return card


@router.action("book")
async def book_it(turn: Turn) -> Response:
    data = turn.inbound.data
    session_id = _session_id(turn)
    waitlist = bool(data.get("waitlist"))
    answers = {k: data.get(k) for k in ("help_with", "project", "question") if isinstance(data.get(k), str)}
    project = answers.get("project")
    try:
        booking = await service.book_session(
            turn.uow,
            user=turn.user,
            session_id=session_id,
            help_with=answers.get("help_with"),
            question=answers.get("question"),
            project_id=int(project) if project and project.isdigit() else None,
            join_waitlist=waitlist,
            content=turn.content,
            messages=ClinicCards(turn.content),
            now=turn.now,
        )
    except ClinicFull as full:
        session = await service.get_session(turn.uow, session_id)
        card = intake_card(
            turn,
            session,
            waitlist=True,
            error=f"{full.message} You can join the waitlist instead.",
            answers=answers,
            projects=await my_live_projects(turn),
        )
        return Response(card=card, commit=False)
    except InvalidInput as problem:
        session = await service.get_session(turn.uow, session_id)
        card = intake_card(
            turn,
            session,
            waitlist=waitlist,
            error=problem.message,
            answers=answers,
            projects=await my_live_projects(turn),
        )
        return Response(card=card, commit=False)
    session = await service.get_session(turn.uow, session_id)
    if booking.status == BookingStatus.WAITLISTED:
        position = len(await turn.uow.clinics.session_bookings(session.id, statuses=("waitlisted",)))
        notice = f"You are on the waitlist, number {position}."
    else:
        notice = "Booked. See you there!"
    return Response(card=confirmation_card(turn, session, booking, notice))


@router.action("booking")
async def booking_state(turn: Turn) -> Response:
    """The current state of one booking's card (the refresh of the confirmation card)."""
    booking = await turn.uow.clinics.get_booking(_session_id(turn, "booking_id"))
    if booking is None or booking.user_id != turn.user.id:
        return Response(card=cards.problem_card("This booking is no longer available."))
    session = await service.get_session(turn.uow, booking.session_id)
    if booking.status == BookingStatus.CANCELLED or session.cancelled:
        what = f"{when(session, turn.content)} at {turn.content.organisation.label('sites', session.site)}"
        return Response(
            card=cards.card(
                cards.notice(f"Cancelled: {what}.", good=False),
                actions=[cards.execute("Book another", "help.run", {"command": "book clinic"})],
            )
        )
    notice = "Booked. See you there!" if booking.status == BookingStatus.CONFIRMED else "You are on the waitlist."
    return Response(card=confirmation_card(turn, session, booking, notice))


# --- my bookings and cancelling ----------------------------------------------------------------------------------


async def my_bookings_card(turn: Turn, notice: str | None = None, *, good: bool = True) -> dict:
    content = turn.content
    mine = await service.my_bookings(turn.uow, user=turn.user, now=turn.now)
    rows = []
    for item in mine:
        s, b = item.session, item.booking
        status = "Booked" if b.status == BookingStatus.CONFIRMED else f"Waitlist, number {item.waitlist_position}"
        label = "Cancel" if b.status == BookingStatus.CONFIRMED else "Leave waitlist"
        rows.append(
            {
                "type": "Container",
                "separator": True,
                "spacing": "Medium",
                "items": [
                    cards.text(f"**{when(s, content)}** · {content.organisation.label('sites', s.site)}"),
                    cards.text(f"{capitalised(where(s))} · with {coaches(s)}", subtle=True, size="Small"),
                    {
                        **cards.text(
                            status, size="Small", color="Good" if b.status == BookingStatus.CONFIRMED else "Warning"
                        ),
                        "weight": "Bolder",
                    },
                    cards.action_set(cards.execute(label, "clinics.cancel", {"booking_id": b.id}, style="destructive")),
                ],
            }
        )
    return cards.card(
        cards.notice(notice, good=good) if notice else None,
        cards.title("My clinic bookings"),
        *rows,
        cards.text("You have no upcoming clinic bookings.") if not rows else None,
        actions=[cards.execute("Book a clinic", "help.run", {"command": "book clinic"})],
    )


@router.command(
    "my bookings",
    title="My bookings",
    description="See and cancel your upcoming QI clinic bookings",
    aliases=("bookings", "my booking", "my clinics"),
)
async def mine(turn: Turn) -> Response:
    return Response.show(await my_bookings_card(turn))


@router.action("mine")
async def mine_again(turn: Turn) -> Response:
    return Response(card=await my_bookings_card(turn))


@router.action("cancel")
async def cancel(turn: Turn) -> Response:
    booking_id = _session_id(turn, "booking_id")
    result = await service.cancel_booking(
        turn.uow,
        user=turn.user,
        booking_id=booking_id,
        content=turn.content,
        messages=ClinicCards(turn.content),
        now=turn.now,
    )
    what = f"{when(result.session, turn.content)} at {turn.content.organisation.label('sites', result.session.site)}"
    if result.already:
        return Response(card=await my_bookings_card(turn, f"That booking was already cancelled ({what}).", good=False))
    return Response(card=await my_bookings_card(turn, f"Cancelled: {what}."))


# --- admins: cancel one session ------------------------------------------------------------------------------


@router.action("cancel_session", role=Role.ADMIN)
async def cancel_session_ask(turn: Turn) -> Response:
    session = await service.get_session(turn.uow, _session_id(turn))
    booked = len(await turn.uow.clinics.session_bookings(session.id))
    return Response(
        card=cards.card(
            cards.title("Cancel this session?"),
            session_facts(session, turn.content),
            cards.text(f"{booked} people are booked or waiting; each will be told at once."),
            {
                "type": "Input.Text",
                "id": "reason",
                "label": "Reason (sent to them)",
                "maxLength": 300,
                "placeholder": "For example: the coach is unwell.",
            },
            actions=[
                cards.execute(
                    "Cancel the session",
                    "clinics.cancel_session_confirm",
                    {"session_id": session.id},
                    style="destructive",
                ),
                cards.execute("Keep it", "clinics.browse", {"site": session.site}),
            ],
        )
    )


@router.action("cancel_session_confirm", role=Role.ADMIN)
async def cancel_session_confirm(turn: Turn) -> Response:
    session_id = _session_id(turn)
    reason = turn.inbound.data.get("reason") if isinstance(turn.inbound.data.get("reason"), str) else None
    told = await service.cancel_session(
        turn.uow,
        user=turn.user,
        session_id=session_id,
        reason=reason,
        content=turn.content,
        messages=ClinicCards(turn.content),
        now=turn.now,
    )
    session = await service.get_session(turn.uow, session_id)
    return Response(
        card=await browse_card(
            turn, session.site, notice=f"Session {when(session, turn.content)} cancelled; {told} people told."
        )
    )


# --- coaches -------------------------------------------------------------------------------------------------------


async def coach_card(turn: Turn) -> dict:
    content = turn.content
    schedule = await service.coach_schedule(turn.uow, user=turn.user, content=content, now=turn.now)
    blocks: list[cards.Element] = []
    for item in schedule:
        s = item.session
        confirmed = [b for b in item.bookings if b.status == BookingStatus.CONFIRMED]
        waiting = len(item.bookings) - len(confirmed)
        lines = [
            f"- **{b.user_name or 'Someone'}**: {help_label(content, b.help_with)}"
            + (f". _{b.question}_" if b.question else "")
            for b in confirmed
        ]
        blocks.append(
            {
                "type": "Container",
                "separator": True,
                "spacing": "Medium",
                "items": [
                    cards.text(f"**{when(s, content)}** · {content.organisation.label('sites', s.site)}"),
                    cards.text(
                        f"{where(s)} · {len(confirmed)} of {s.capacity} booked"
                        + (f", {waiting} waiting" if waiting else ""),
                        subtle=True,
                        size="Small",
                    ),
                    cards.text("\n".join(lines) if lines else "Nobody booked yet.", size="Small"),
                ],
            }
        )
    return cards.card(
        cards.title("Your upcoming clinics"),
        *blocks,
        cards.text("You have no clinic sessions in the next weeks.") if not blocks else None,
        actions=[cards.execute("Refresh", "clinics.coach")],
    )


@router.command(
    "coach",
    title="Coach view",
    description="Your upcoming clinic sessions: who is coming and why",
    aliases=("my clinics as coach", "coaching"),
    role=Role.COACH,
)
async def coach_view(turn: Turn) -> Response:
    return Response.show(await coach_card(turn))


@router.action("coach", role=Role.COACH)
async def coach_refresh(turn: Turn) -> Response:
    return Response(card=await coach_card(turn))


@router.action("attendance", role=Role.COACH)
async def attendance(turn: Turn) -> Response:
    data = turn.inbound.data
    session_id = _session_id(turn)
    marks = {}
    for key, value in data.items():
        if key.startswith("att_"):
            try:
                marks[int(key[4:])] = str(value)
            except ValueError:
                raise InvalidInput("That attendance card is damaged; please use the latest one.") from None
    bookings = await service.record_attendance(
        turn.uow, user=turn.user, session_id=session_id, marks=marks, now=turn.now
    )
    session = await service.get_session(turn.uow, session_id)
    came = sum(1 for b in bookings if b.attendance and b.attendance.value == "attended")
    missed = sum(1 for b in bookings if b.attendance and b.attendance.value == "no_show")
    return Response(
        card=cards.card(
            cards.notice(f"Attendance saved: {came} attended, {missed} did not."),
            cards.title(f"QI clinic {when(session, turn.content)}"),
            cards.text(
                "\n".join(
                    f"- {b.user_name or 'Someone'}: "
                    f"{'attended' if b.attendance and b.attendance.value == 'attended' else 'did not attend'}"
                    for b in bookings
                ),
                size="Small",
            ),
            cards.text("Thank you. Attendees will be asked for quick feedback.", subtle=True, size="Small"),
        )
    )


@router.action("feedback")
async def feedback(turn: Turn) -> Response:
    data = turn.inbound.data
    booking_id = _session_id(turn, "booking_id")
    improvement = data.get("improvement") if isinstance(data.get("improvement"), str) else None
    try:
        stored = await service.record_feedback(
            turn.uow,
            user=turn.user,
            booking_id=booking_id,
            usefulness=data.get("usefulness"),
            improvement=improvement,
            now=turn.now,
        )
    except InvalidInput as problem:
        booking = await turn.uow.clinics.get_booking(booking_id)
        session = await service.get_session(turn.uow, booking.session_id)
        return Response(card=feedback_card(turn.content, session, booking, error=problem.message), commit=False)
    text = (
        "Thank you: your feedback helps the coaches."
        if stored
        else "Your feedback for this session was already recorded, thank you. Nothing was changed."
    )
    return Response(card=cards.card(cards.notice(text, good=stored)))


# --- cards the clinic services send (the ClinicMessages port) ----------------------------------------------


def feedback_card(content: Content, session: ClinicSession, booking: Booking, error: str | None = None) -> dict:
    scale = tuple(
        Choice(id=str(n), label=label)
        for n, label in ((1, "1 Not useful"), (2, "2"), (3, "3"), (4, "4"), (5, "5 Very useful"))
    )
    return cards.card(
        cards.notice(error, good=False) if error else None,
        cards.text(content.clinics.say("feedback_request", when=when(session, content))),
        cards.choice_set("usefulness", "How useful was it?", scale, compact=False),
        {
            "type": "Input.Text",
            "id": "improvement",
            "label": "One thing we could improve (optional)",
            "maxLength": service.MAX_IMPROVEMENT,
            "isMultiline": True,
        },
        actions=[cards.execute("Send feedback", "clinics.feedback", {"booking_id": booking.id}, style="positive")],
    )


class ClinicCards:
    """Implements core.ports.ClinicMessages: the proactive messages about clinics, as cards."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def _values(self, session: ClinicSession) -> dict[str, str]:
        tz = self.content.nudges.timezone
        return {
            "when": when(session, self.content),
            "time": f"{session.starts_at.astimezone(tz):%H:%M}",
            "where": where(session),
            "site": self.content.organisation.label("sites", session.site),
        }

    def reminder(self, session: ClinicSession, booking: Booking, which: str) -> OutboundMessage:
        text = self.content.clinics.say(f"reminder_{which}", **self._values(session))
        return OutboundMessage(
            card=cards.card(
                cards.text(text),
                actions=_join_button(session)
                + [cards.execute("Cancel booking", "clinics.cancel", {"booking_id": booking.id}, style="destructive")],
            )
        )

    def coach_booking_notice(
        self, session: ClinicSession, booking: Booking, booker: User, project: Project | None = None
    ) -> OutboundMessage:
        text = self.content.clinics.say(
            "coach_notice",
            name=booker.name or "Someone",
            help_with=help_label(self.content, booking.help_with),
            **self._values(session),
        )
        pairs = [
            ("Site", self.content.organisation.label("sites", booker.site)),
            ("Staff group", self.content.organisation.label("staff_groups", booker.staff_group)),
        ]
        if booking.question:
            pairs.append(("Their question", booking.question))
        if project is not None:
            pairs += [("Project", project.title or "untitled"), ("Its aim", project.aim or "not set yet")]
        return OutboundMessage(
            card=cards.card(
                cards.text(text), cards.facts(pairs), actions=[cards.execute("Coach view", "clinics.coach")]
            )
        )

    def promoted(self, session: ClinicSession, booking: Booking) -> OutboundMessage:
        text = self.content.clinics.say("promoted", **self._values(session))
        return OutboundMessage(
            card=cards.card(
                cards.notice(text),
                actions=[
                    cards.execute("Cancel booking", "clinics.cancel", {"booking_id": booking.id}, style="destructive"),
                    cards.execute("My bookings", "clinics.mine"),
                ],
            )
        )

    def session_cancelled(self, session: ClinicSession, reason: str) -> OutboundMessage:
        text = self.content.clinics.say("cancelled", reason=reason, **self._values(session))
        return OutboundMessage(
            card=cards.card(
                cards.notice(text, good=False),
                actions=[cards.execute("Book another", "help.run", {"command": "book clinic"})],
            )
        )

    def attendance_request(self, session: ClinicSession, bookings: list[Booking]) -> OutboundMessage:
        choices = (Choice(id="attended", label="Attended"), Choice(id="no_show", label="Did not attend"))
        inputs = [
            {
                **cards.choice_set(
                    f"att_{b.id}",
                    b.user_name or "Someone",
                    choices,
                    b.attendance.value if b.attendance else "attended",
                    compact=False,
                ),
                "errorMessage": "Please choose attended or did not attend.",
            }
            for b in bookings
        ]
        return OutboundMessage(
            card=cards.card(
                cards.text(self.content.clinics.say("attendance_request", **self._values(session))),
                *inputs,
                actions=[
                    cards.execute("Save attendance", "clinics.attendance", {"session_id": session.id}, style="positive")
                ],
            )
        )

    def feedback_request(self, session: ClinicSession, booking: Booking) -> OutboundMessage:
        return OutboundMessage(card=feedback_card(self.content, session, booking))

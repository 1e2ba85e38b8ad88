"""The clinic messages the services queue, as cards: implements core.clinics.ports.ClinicMessages. Built once in
the composition root (bot/registry.py), reached in dialogs as `turn.messages["clinics"]`."""

from __future__ import annotations

from core.clinics.model import Booking, ClinicSession
from core.kernel.content import Content
from core.kernel.model import OutboundMessage, User
from core.projects.model import Project
from dialogs.clinics.bookings import cancel, mine
from dialogs.clinics.browse import browse
from dialogs.clinics.coach import coach
from dialogs.clinics.followup import attendance_card, feedback_card
from dialogs.clinics.wording import help_label, join_button, placeholders
from dialogs.kit import cards


class ClinicCards:
    def __init__(self, content: Content) -> None:
        self.content = content

    def _say(self, key: str, session: ClinicSession, **values: str) -> str:
        return self.content.clinics.say(key, **placeholders(session, self.content), **values)

    @staticmethod
    def _cancel(booking: Booking) -> cards.Element:
        return cards.execute("Cancel booking", cancel, {"booking_id": booking.id}, style="destructive", inputs=False)

    def reminder(self, session: ClinicSession, booking: Booking, which: str) -> OutboundMessage:
        text = self._say(f"reminder_{which}", session)
        return OutboundMessage(
            card=cards.card(cards.text(text), actions=[*join_button(session), self._cancel(booking)])
        )

    def coach_booking_notice(
        self, session: ClinicSession, booking: Booking, booker: User, project: Project | None = None
    ) -> OutboundMessage:
        org = self.content.organisation
        text = self._say(
            "coach_notice",
            session,
            name=booker.name or "Someone",
            help_with=help_label(self.content, booking.help_with),
        )
        pairs = [
            ("Site", org.label("sites", booker.site)),
            ("Staff group", org.label("staff_groups", booker.staff_group)),
        ]
        if booking.question:
            pairs.append(("Their question", booking.question))
        if project is not None:
            pairs += [("Project", project.title or "untitled"), ("Its aim", project.aim or "not set yet")]
        return OutboundMessage(
            card=cards.card(cards.text(text), cards.facts(pairs), actions=[cards.execute("Coach view", coach)])
        )

    def promoted(self, session: ClinicSession, booking: Booking) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.notice(self._say("promoted", session)),
                actions=[self._cancel(booking), cards.execute("My bookings", mine, {"booking_id": booking.id})],
            )
        )

    def session_cancelled(self, session: ClinicSession, reason: str) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.notice(self._say("cancelled", session, reason=reason), good=False),
                actions=[cards.execute("Book another", browse)],
            )
        )

    def attendance_request(self, session: ClinicSession, bookings: list[Booking]) -> OutboundMessage:
        return OutboundMessage(card=attendance_card(self.content, session, bookings))

    def feedback_request(self, session: ClinicSession, booking: Booking) -> OutboundMessage:
        return OutboundMessage(card=feedback_card(self.content, session, booking))

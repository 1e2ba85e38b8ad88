"""The proactive learning messages: the daily nudge and the certificate (core.learning.ports.LearningMessages)."""

from __future__ import annotations

from datetime import datetime

from core.kernel.content import Content
from core.kernel.dates import written
from core.kernel.model import OutboundMessage, User
from core.learning.nudges import nudge_text
from dialogs.kit import cards
from dialogs.learning.quiz import next_question, stop


def certificate_card(content: Content, user: User, award: str, now: datetime) -> dict:
    local = now.astimezone(content.organisation.timezone)
    return cards.card(
        {
            "type": "Container",
            "style": "good",
            "bleed": True,
            "items": [
                cards.text("Certificate", subtle=True, size="Small"),
                cards.title(award),
                cards.text(
                    f"awarded to **{user.name or 'you'}** on {written(local, '%-d %B %Y')} for completing all "
                    f"{len(content.learning.topics)} topics of QI basics at {content.organisation.short_name}."
                ),
            ],
        },
        cards.text("This counts as QI training attended in the programme's measures. Well done!", subtle=True),
    )


class LearningCards:
    """The daily learning nudge and the certificate, built once in the composition root."""

    def __init__(self, content: Content) -> None:
        self.content = content

    def nudge(self, count: int) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(nudge_text(self.content, count)),
                actions=[
                    cards.execute("Start", next_question, style="positive"),
                    cards.execute("Not today", stop, inputs=False),
                ],
            )
        )

    def certificate(self, user: User, award: str, now: datetime) -> OutboundMessage:
        return OutboundMessage(card=certificate_card(self.content, user, award, now))

"""The survey messages the services queue, as cards: implements core.surveys.ports.SurveyMessages. Built once in
the composition root (bot/registry.py) with the pseudonym key, reached as `turn.messages["surveys"]`."""

from __future__ import annotations

from core.kernel.content import Content
from core.kernel.model import OutboundMessage
from core.surveys.content import Instrument
from core.surveys.model import Invitation
from core.surveys.pseudonyms import Pseudonyms
from dialogs.kit import cards
from dialogs.surveys.answer import open_
from dialogs.surveys.wording import PRIVACY, closing


class SurveyCards:
    def __init__(self, content: Content, links, pseudonyms: Pseudonyms) -> None:
        self.content = content
        self.links = links
        self.pseudonyms = pseudonyms

    def invitation(self, instrument: Instrument, invitation: Invitation) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.title(instrument.title),
                cards.text(instrument.intro),
                cards.text(PRIVACY, size="Small"),
                cards.text(f"Open until {closing(invitation.closes_at, self.content)}.", subtle=True, size="Small"),
                actions=[cards.execute("Start", open_, {"invitation_id": invitation.id}, style="positive")],
            )
        )

    def reminder(self, instrument: Instrument, invitation: Invitation, number: int) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(
                    f"A reminder: **{instrument.title}** is open until {closing(invitation.closes_at, self.content)}."
                ),
                cards.text("If you have started, it opens where you stopped.", subtle=True, size="Small"),
                actions=[cards.execute("Open the survey", open_, {"invitation_id": invitation.id}, style="positive")],
            )
        )

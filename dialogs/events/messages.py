"""The event messages the services queue, as cards: implements core.events.ports.EventMessages. Built once in
the composition root (bot/registry.py), reached in dialogs as `turn.messages["events"]`."""

from __future__ import annotations

from datetime import date

from core.events.model import Event, EventDate, Registration, Results
from core.kernel.content import Content
from core.kernel.dates import written
from core.kernel.model import OutboundMessage, User
from dialogs.events import browse, judging, mine, vote
from dialogs.events.wording import join_button, placeholders, when
from dialogs.kit import cards


def certificate_card(content: Content, event: Event, user: User, completed_on: date) -> dict:
    return cards.card(
        {
            "type": "Container",
            "style": "good",
            "bleed": True,
            "items": [
                cards.text("Certificate", subtle=True, size="Small"),
                cards.title(event.title),
                cards.text(
                    f"awarded to **{user.name or 'you'}** on {written(completed_on, '%-d %B %Y')} for attending "
                    f"every date of {event.title} at {content.organisation.short_name}."
                ),
            ],
        },
        cards.text(content.events.say("certificate", title=event.title, when="", where="", date=""), subtle=True),
    )


class EventCards:
    def __init__(self, content: Content) -> None:
        self.content = content

    def reminder(self, event: Event, d: EventDate, registration: Registration, which: str) -> OutboundMessage:
        said = self.content.events.say(f"reminder_{which}", **placeholders(event, d, self.content))
        buttons = join_button(event) if which == "online" else []
        buttons.append(cards.execute("My place", browse.registration_state, {"registration_id": registration.id}))
        return OutboundMessage(card=cards.card(cards.text(said), actions=buttons))

    def promoted(self, event: Event, registration: Registration) -> OutboundMessage:
        first = event.dates[0]
        said = self.content.events.say("promoted", **placeholders(event, first, self.content))
        return OutboundMessage(
            card=cards.card(
                cards.notice(said),
                actions=[
                    cards.execute(
                        "Details and calendar", browse.registration_state, {"registration_id": registration.id}
                    ),
                    cards.execute("My events", mine.mine),
                ],
            )
        )

    def certificate(self, event: Event, user: User, completed_on: date) -> OutboundMessage:
        return OutboundMessage(card=certificate_card(self.content, event, user, completed_on))

    def judge_invite(self, event: Event) -> OutboundMessage:
        said = self.content.events.say("judge_invite", **placeholders(event, event.dates[0], self.content))
        return OutboundMessage(
            card=cards.card(
                cards.text(said), actions=[cards.execute("Start judging", judging.judge, {"event_id": event.id})]
            )
        )

    def results(self, event: Event, results: Results) -> OutboundMessage:
        said = self.content.events.say("results", **placeholders(event, event.dates[0], self.content))
        body: list = [cards.notice(said), cards.text(when(event.dates[0], self.content), subtle=True, size="Small")]
        for kind, ranked in results.by_format.items():
            if ranked:
                body.append(cards.facts([(f"Best {kind}", ranked[0].abstract.title)]))
        if results.peoples_choice:
            body.append(cards.facts([("People's choice", ", ".join(a.title for a in results.peoples_choice))]))
        return OutboundMessage(
            card=cards.card(*body, actions=[cards.execute("See the posters", vote.ballot, {"event_id": event.id})])
        )

"""The coaching messages the services queue, as cards: implements core.coaching.ports.CoachingMessages."""

from __future__ import annotations

from core.coaching.model import Evidence, EvidenceStatus, Mentorship, Promotion
from core.kernel.content import Content
from core.kernel.model import OutboundMessage
from dialogs.coaching import mentoring, reviews, route
from dialogs.kit import cards


class CoachingCards:
    def __init__(self, content: Content) -> None:
        self.content = content

    def _say(self, key: str, **values: str) -> str:
        return self.content.coaching.say(key, **values)

    def _level(self, level_id: str) -> str:
        level = self.content.coaching.level(level_id)
        return level.label if level else level_id

    def _route(self) -> dict:
        return cards.execute("My coaching route", route.show, inputs=False)

    def evidence_to_review(self, evidence: Evidence, owner: str) -> OutboundMessage:
        competency = self.content.coaching.competency(evidence.competency).label
        return OutboundMessage(
            card=cards.card(
                cards.text(self._say("evidence_to_review", name=owner, competency=competency)),
                cards.text(evidence.note, subtle=True),
                actions=[cards.execute("Coaching reviews", reviews.show, inputs=False)],
            )
        )

    def reviewed(self, evidence: Evidence) -> OutboundMessage:
        competency = self.content.coaching.competency(evidence.competency).label
        signed = evidence.status == EvidenceStatus.SIGNED_OFF
        body = [cards.notice(self._say("signed_off" if signed else "returned", competency=competency), good=signed)]
        if evidence.comment:
            body.append(cards.text(f"Comment: {evidence.comment}"))
        return OutboundMessage(card=cards.card(*body, actions=[self._route()]))

    def promotion_offered(self, level: str) -> OutboundMessage:
        text = self._say("promotion_offered", level=self._level(level))
        return OutboundMessage(
            card=cards.card(
                cards.notice(text),
                actions=[
                    cards.execute("Put me forward", route.promotion, {"level": level}, style="positive", inputs=False)
                ],
            )
        )

    def promotion_to_confirm(self, promotion: Promotion, name: str) -> OutboundMessage:
        text = self._say("promotion_to_confirm", name=name, level=self._level(promotion.level))
        return OutboundMessage(
            card=cards.card(
                cards.text(text),
                actions=[
                    cards.execute(
                        "Confirm promotion",
                        reviews.confirm,
                        {"user_id": promotion.user_id, "level": promotion.level},
                        style="positive",
                        inputs=False,
                    )
                ],
            )
        )

    def promoted(self, level: str) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(cards.notice(self._say("promoted", level=self._level(level))), actions=[self._route()])
        )

    def mentor_request(self, mentorship: Mentorship, mentee: str) -> OutboundMessage:
        text = self._say("mentor_request", name=mentee, level=self._level(mentorship.level))
        return OutboundMessage(card=mentoring.request_card(text, mentorship))

    def mentor_answer(self, mentorship: Mentorship, mentor: str, *, accepted: bool) -> OutboundMessage:
        text = self._say("mentor_accepted" if accepted else "mentor_declined", name=mentor)
        return OutboundMessage(card=cards.card(cards.notice(text, good=accepted), actions=[self._route()]))

    def mentee_accepted(self, mentorship: Mentorship, mentee: str) -> OutboundMessage:
        return OutboundMessage(card=cards.card(cards.notice(self._say("mentee_accepted", name=mentee))))

    def check_in(self, mentorship: Mentorship, other: str) -> OutboundMessage:
        text = self._say("check_in", name=other, level=self._level(mentorship.level))
        return OutboundMessage(card=cards.card(cards.text(text), actions=[self._route()]))

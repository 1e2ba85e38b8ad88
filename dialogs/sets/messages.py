"""The set messages the services queue, as cards: implements core.sets.ports.SetMessages. Built once in the
composition root (bot/registry.py), reached in dialogs as `turn.messages["sets"]`, and in ticks as `messages`."""

from __future__ import annotations

from typing import Any

from core.kernel.content import Content
from core.kernel.model import OutboundMessage
from core.sets.model import ActionItem, ActionSet, Meeting, Swap
from dialogs.kit import cards
from dialogs.sets import meeting as meeting_cards
from dialogs.sets import mine
from dialogs.sets.pages import CALENDAR
from dialogs.sets.wording import join_button, say, when, where


class SetCards:
    def __init__(self, content: Content, links: Any) -> None:
        self.content = content
        self.links = links

    def _calendar(self, meeting: Meeting) -> list[dict]:
        if self.links is None:
            return []
        url = self.links.url(CALENDAR, {"m": meeting.id}, expires_at=meeting.ends_at)
        return [{"type": "Action.OpenUrl", "title": "Add to calendar", "url": url}]

    @staticmethod
    def _open(set_: ActionSet) -> dict:
        return cards.execute("Open the set", mine.view_set, {"set_id": set_.id}, inputs=False)

    def added(self, set_: ActionSet, meetings: list[Meeting]) -> OutboundMessage:
        dates = "\n".join(f"- {when(m, self.content)}" for m in meetings)
        first = meetings[:1]
        return OutboundMessage(
            card=cards.card(
                cards.text(say(self.content, "added", set_)),
                cards.text(dates or "No meetings are left.", size="Small"),
                cards.facts([("Where", where(set_)), ("Facilitator", set_.facilitator_name or "QI facilitator")]),
                actions=[*(self._calendar(first[0]) if first else []), self._open(set_)],
            )
        )

    def member_left(self, set_: ActionSet, name: str, members_left: int) -> OutboundMessage:
        body = [cards.text(say(self.content, "left", set_, name=name))]
        if members_left < self.content.sets.rules.min_members:
            body.append(cards.notice(say(self.content, "below_minimum", set_), good=False))
        return OutboundMessage(card=cards.card(*body, actions=[self._open(set_)]))

    def reminder(
        self, set_: ActionSet, meeting: Meeting, which: str, open_actions: list[ActionItem], user_id: int
    ) -> OutboundMessage:
        presenter = "you" if meeting.presenter_id == user_id else (meeting.presenter_name or "to be chosen")
        pairs = [("When", when(meeting, self.content)), ("Where", where(set_)), ("Presenter", presenter)]
        if meeting.issue:
            pairs.append(("Issue", meeting.issue))
        return OutboundMessage(
            card=cards.card(
                cards.text(say(self.content, f"reminder_{which}", set_, meeting)),
                cards.facts(pairs),
                cards.heading("Your actions from last time") if open_actions else None,
                *mine.action_rows(open_actions),
                cards.text("Only your set sees its issues and actions.", subtle=True, size="Small"),
                actions=[*self._calendar(meeting), *join_button(set_), self._open(set_)],
            )
        )

    def presenter_prompt(self, set_: ActionSet, meeting: Meeting) -> OutboundMessage:
        return OutboundMessage(card=meeting_cards.issue_card(self.content, set_, meeting))

    def swap_wanted(self, set_: ActionSet, meeting: Meeting, swap: Swap, presenter: str) -> OutboundMessage:
        return OutboundMessage(card=meeting_cards.swap_wanted_card(self.content, set_, meeting, swap.id, presenter))

    def swap_to_confirm(self, set_: ActionSet, meeting: Meeting, swap: Swap, volunteer: str) -> OutboundMessage:
        return OutboundMessage(card=meeting_cards.swap_confirm_card(self.content, set_, meeting, swap.id, volunteer))

    def swap_confirmed(
        self, set_: ActionSet, meeting: Meeting, presenter: str, *, to_presenter: bool
    ) -> OutboundMessage:
        text = say(self.content, "swap_confirmed", set_, meeting, name="you" if to_presenter else presenter)
        if to_presenter:
            return OutboundMessage(
                card=meeting_cards.issue_card(self.content, set_, meeting, intro=text, can_pass=False)
            )
        return OutboundMessage(card=cards.card(cards.notice(text), actions=[self._open(set_)]))

    def attendance_check(self, set_: ActionSet, meeting: Meeting) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(say(self.content, "attendance_check", set_, meeting)),
                actions=[
                    cards.execute(
                        "Record attendance", meeting_cards.attendance, {"meeting_id": meeting.id}, inputs=False
                    ),
                    self._open(set_),
                ],
            )
        )

    def actions_prompt(self, set_: ActionSet, meeting: Meeting) -> OutboundMessage:
        limit = self.content.sets.rules.max_actions
        intro = say(self.content, "actions_prompt", set_, meeting)
        return OutboundMessage(card=meeting_cards.actions_card(self.content, set_, meeting, [], limit, intro=intro))

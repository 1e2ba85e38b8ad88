"""The forum's messages, as cards: implements core.forum.ports.ForumMessages. Built once in the composition root
(bot/registry.py), reached in dialogs as `turn.messages["forum"]` and in ticks as `messages`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from core.forum.model import Post, Reply
from core.kernel.content import Content
from core.kernel.model import OutboundMessage
from dialogs.forum import mine, stories
from dialogs.forum.thread_card import question_card, story_card, withdrawn_card
from dialogs.forum.wording import OUTCOME, excerpt, open_thread, site, topic
from dialogs.kit import cards


class ForumCards:
    def __init__(self, content: Content, chart_link: Callable[..., str] | None = None) -> None:
        """`chart_link(measure, points, viewer, now)`: a project chart's image link, given by the composition root (the
        forum does not import the projects' pages)."""
        self.content = content
        self.chart_link = chart_link

    def thread_card(self, post: Post, *, asker: str, project: str | None) -> OutboundMessage:
        return OutboundMessage(card=question_card(self.content, post, asker=asker, project=project))

    def withdrawn_card(self, post: Post) -> OutboundMessage:
        return OutboundMessage(card=withdrawn_card())

    def relayed_reply(self, post: Post, reply: Reply, *, thread_link: str | None) -> OutboundMessage:
        who = reply.author_name or "A colleague"
        what = "your question" if post.kind == "question" else "your story"
        actions = [
            *open_thread(thread_link),
            cards.execute("See it all", mine.view, {"post_id": post.id}, inputs=False)
            if post.kind == "question"
            else None,
        ]
        body = [
            cards.text(f"**{who}** replied to {what}:"),
            cards.text(reply.text),
            cards.text(f"_{excerpt(post.text, 140)}_", subtle=True, size="Small"),
        ]
        if post.kind == "question":
            body += [
                cards.text_input("reply", "Reply to them", self.content.forum.reply_characters, multiline=True),
                cards.action_set(
                    cards.execute("Send reply", mine.reply, {"post_id": post.id}),
                    cards.execute("This helped", mine.helpful, {"reply_id": reply.id}, inputs=False),
                    cards.execute("Close question", mine.close, {"post_id": post.id}, inputs=False),
                ),
            ]
        return OutboundMessage(card=cards.card(*body, actions=[a for a in actions if a] or None))

    def reply_in_thread(self, post: Post, reply: Reply, *, author: str) -> OutboundMessage:
        label = "The person who asked" if reply.from_asker else author
        if reply.from_asker and not author.startswith("a colleague"):
            label = f"{author} (who asked)"
        return OutboundMessage(card=cards.card(cards.text(f"**{label}** replied:"), cards.text(reply.text)))

    def closed_in_thread(self, post: Post) -> OutboundMessage:
        outcome = OUTCOME[post.outcome] if post.outcome else "closed"
        return OutboundMessage(text=f"The person who asked has closed this question ({outcome}). Thank you.")

    def escalation(self, post: Post, *, asker: str, level: int) -> OutboundMessage:
        intro = (
            "A question on your topics or site has had no answer for its time:"
            if level == 1
            else "Still unanswered: please could a coach pick this question up?"
        )
        return OutboundMessage(
            card=cards.card(
                cards.notice(intro, good=False),
                cards.text(excerpt(post.text, 400)),
                cards.facts(
                    [("From", asker), ("Site", site(self.content, post)), ("Topic", topic(self.content, post))]
                ),
                actions=[cards.execute("Open and answer", mine.view, {"post_id": post.id}, inputs=False)],
            )
        )

    def still_open(self, post: Post) -> OutboundMessage:
        return OutboundMessage(
            card=cards.card(
                cards.text(
                    "Your question is still open: no coach has answered yet, so I have reminded them. "
                    "You will hear here as soon as someone replies."
                ),
                cards.text(f"_{excerpt(post.text, 200)}_", subtle=True, size="Small"),
                actions=[cards.execute("See it", mine.view, {"post_id": post.id}, inputs=False)],
            )
        )

    def story_offer(self, project_id: int, title: str) -> OutboundMessage:
        return OutboundMessage(card=stories.offer_card(project_id, title))

    def story_card(
        self,
        post: Post,
        *,
        lead: str,
        summary: list[tuple[str, str]],
        chart=None,
        lead_id: int | None = None,
        now: datetime | None = None,
    ) -> OutboundMessage:
        image = None
        if chart is not None and self.chart_link is not None and lead_id is not None and now is not None:
            measure, points = chart
            image = (self.chart_link(measure, points, lead_id, now), f"{measure.name}: chart of {len(points)} points")
        return OutboundMessage(card=story_card(self.content, post, lead=lead, summary=summary, chart=image))

"""The card a question starts its thread with in the coaches' channel: what was asked (the asker as they chose to
be shown, as anyone in the channel may read it), and a box for a coach to answer from the card."""

from __future__ import annotations

from core.forum.model import Post
from core.kernel.content import Content
from dialogs.forum.wording import site, topic
from dialogs.kit import cards


def question_card(content: Content, post: Post, *, asker: str, project: str | None, notice: str | None = None):
    from dialogs.forum import coaching  # the answer button's handler (coaching builds this card too)

    pairs = [("Topic", topic(content, post)), ("Site", site(content, post)), ("Asked by", asker)]
    if project:
        pairs.insert(2, ("Project", project))
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.text("QUESTION FOR THE QI COACHES", subtle=True, size="Small"),
        cards.text(post.text),
        cards.facts(pairs),
        cards.text("Reply in this thread, or answer here: either way it goes to them.", subtle=True, size="Small"),
        cards.text_input("answer", "Your answer", content.forum.reply_characters, multiline=True),
        actions=[cards.execute("Send answer", coaching.answer, {"post_id": post.id})],
    )


def story_card(
    content: Content, post: Post, *, lead: str, summary: list[tuple[str, str]], chart: tuple[str, str] | None = None
) -> dict:
    """`chart`: (image url, alt text) of the project's chart."""
    image = {"type": "Image", "url": chart[0], "altText": chart[1], "size": "Stretch"} if chart else None
    return cards.card(
        cards.text("A QI STORY", subtle=True, size="Small"),
        cards.title(post.text),
        cards.facts([("Shared by", lead), ("Site", site(content, post)), *summary]),
        image,
        cards.text("Reply in this thread: your replies go to the project's lead.", subtle=True, size="Small"),
    )


def withdrawn_card() -> dict:
    return cards.card(
        cards.text("QUESTION FOR THE QI COACHES", subtle=True, size="Small"),
        cards.notice("This question was withdrawn by the person who asked it.", good=False),
    )

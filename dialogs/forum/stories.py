"""Share your story: the offer a completed project's lead gets, and posting the story to the community channel."""

from __future__ import annotations

from core.forum import stories as service
from dialogs.forum.router import router
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn


def offer_card(project_id: int, title: str) -> dict:
    return cards.card(
        cards.title("Share your story?"),
        cards.text(
            f"**{title}** is complete. Share what you did and learned with colleagues in the community channel: "
            "their replies will come to you here."
        ),
        actions=[
            cards.execute("Share my story", share, {"project_id": project_id}, inputs=False),
            cards.execute("Not now", not_now, inputs=False),
        ],
    )


@router.action("share_story")
async def share(turn: Turn) -> Response:
    shared = await service.share_story(
        turn.uow,
        user=turn.user,
        project_id=card_int(turn.inbound.data, "project_id"),
        content=turn.content,
        messages=turn.messages["forum"],
        now=turn.now,
    )
    notice = (
        "That story was shared already."
        if shared.already
        else "Shared in the community channel. I will bring colleagues' replies here."
    )
    return Response(card=cards.card(cards.notice(notice, good=not shared.already)))


@router.action("story_not_now")
async def not_now(turn: Turn) -> Response:
    return Response(card=cards.card(cards.text("No problem: your story is not shared.")))

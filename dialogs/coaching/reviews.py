"""`coaching reviews`: evidence a senior coach or mentor may sign off or return with a comment (their mentees'
first), and for admins the promotions to confirm. Who may sign is decided by the service, whatever the card says."""

from __future__ import annotations

from core.coaching import route as service
from core.coaching.commands import InvalidAnswer, Review
from core.coaching.model import Evidence, Promotion, Reviews
from core.coaching.services import MAX_COMMENT
from core.kernel.model import Role
from dialogs.coaching.router import router
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

STALE = "That card is out of date. Please type **coaching reviews**."
LINKED = {
    "project": "Linked to a project they coached",
    "clinic": "Linked to a clinic they ran",
    "set": "Linked to a set they facilitated",
}


def evidence_row(turn: Turn, evidence: Evidence) -> dict:
    coaching = turn.content.coaching
    level = coaching.level(evidence.level)
    return cards.list_row(
        [
            cards.text(f"**{evidence.user_name or 'Someone'}**: {coaching.competency(evidence.competency).label}"),
            cards.text(f"Towards {level.label if level else evidence.level}", subtle=True, size="Small"),
            cards.text(evidence.note),
            cards.text(LINKED[evidence.link_kind.value], subtle=True, size="Small") if evidence.link_kind else None,
            cards.text_input(f"comment_{evidence.id}", "Comment (needed to return it)", MAX_COMMENT),
        ],
        [
            cards.execute("Sign off", decide, {"evidence_id": evidence.id, "sign": True}, style="positive"),
            cards.execute("Return", decide, {"evidence_id": evidence.id, "sign": False}),
        ],
    )


def _promotion_row(turn: Turn, promotion: Promotion) -> dict:
    level = turn.content.coaching.level(promotion.level)
    return cards.list_row(
        [cards.text(f"**{promotion.user_name or 'Someone'}**: {level.label if level else promotion.level}")],
        [
            cards.execute(
                "Confirm promotion",
                confirm,
                {"user_id": promotion.user_id, "level": promotion.level},
                style="positive",
                inputs=False,
            )
        ],
    )


def reviews_card(turn: Turn, found: Reviews, notice: str | None = None) -> dict:
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Coaching reviews"),
        cards.text("Nothing is waiting for sign-off.") if not found.evidence else cards.heading("Evidence to sign off"),
        *(evidence_row(turn, e) for e in found.evidence),
        cards.heading("Promotions to confirm") if found.promotions else None,
        *(_promotion_row(turn, p) for p in found.promotions),
    )


async def _reviews(turn: Turn) -> Reviews:
    return await service.reviews(turn.uow, user=turn.user, content=turn.content)


@router.action("reviews")
@router.command(
    "coaching reviews",
    title="Coaching reviews",
    description="Senior coaches and mentors: sign off evidence; admins: confirm promotions",
    aliases=("sign off evidence", "coaching sign off"),
    role=Role.COACH,
    in_manifest=False,
)
async def show(turn: Turn) -> Response:
    return Response.show(reviews_card(turn, await _reviews(turn)))


@router.action("decide")
async def decide(turn: Turn) -> Response:
    data = turn.inbound.data
    evidence_id = card_int(data, "evidence_id", stale=STALE)
    sign = data.get("sign") in (True, "true", "True")
    command = Review(evidence_id, sign, data.get(f"comment_{evidence_id}"))
    try:
        evidence, changed = await service.review_evidence(
            turn.uow,
            user=turn.user,
            command=command,
            content=turn.content,
            messages=turn.messages["coaching"],
            now=turn.now,
        )
    except InvalidAnswer as problem:
        raise FormError(
            reviews_card(turn, await _reviews(turn)), problem.message, field=f"comment_{evidence_id}"
        ) from None
    if not changed:
        notice = "Someone has already reviewed that evidence."
    else:
        notice = "Signed off." if sign else "Returned with your comment."
    return Response(card=reviews_card(turn, await _reviews(turn), notice=notice))


@router.action("confirm", role=Role.ADMIN)
async def confirm(turn: Turn) -> Response:
    data = turn.inbound.data
    done = await service.confirm_promotion(
        turn.uow,
        user=turn.user,
        person_id=card_int(data, "user_id", stale=STALE),
        level_id=str(data.get("level") or ""),
        content=turn.content,
        messages=turn.messages["coaching"],
        now=turn.now,
    )
    notice = "Promotion confirmed: they have been told." if done else "That promotion was already confirmed."
    return Response(card=reviews_card(turn, await _reviews(turn), notice=notice))

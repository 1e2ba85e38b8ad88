"""Answering a survey: one card per section (Back, Finish later, Next; the last submits), the thank-you card
with "Change my answers" until the window closes, and `my surveys`. Every answer is checked by the service."""

from __future__ import annotations

from core.surveys import answering as service
from core.surveys.commands import InvalidAnswer, SectionAnswers
from core.surveys.model import SectionView, SurveyDone
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn
from dialogs.surveys.router import router
from dialogs.surveys.wording import PRIVACY, closing, input_id, item_inputs, read_answer


def pseudonyms(turn: Turn):
    return turn.messages["surveys"].pseudonyms


def section_card(view: SectionView, content) -> dict:
    section, instrument = view.section, view.instrument
    data = {"invitation_id": view.invitation.id, "section": view.index}
    body: list = [
        cards.notice(view.notice, good=view.notice.startswith("Saved")) if view.notice else None,
        cards.title(instrument.title),
        cards.text(f"Part {view.index + 1} of {len(instrument.sections)}: {section.title}", subtle=True),
    ]
    if view.first:
        body += [cards.text(instrument.intro), cards.text(PRIVACY, size="Small")]
    if section.intro:
        body.append(cards.text(section.intro, size="Small"))
    for item in section.items:
        body += item_inputs(item, view.answers.get(item.id))
    body.append(
        cards.text(f"You can change your answers until {closing(view.closes_at, content)}.", subtle=True, size="Small")
    )
    label = ("Save changes" if view.submitted else "Submit") if view.last else "Next"
    actions = [cards.execute(label, next_section, data, style="positive")]
    if not view.first:
        actions.append(cards.execute("Back", show, {**data, "section": view.index - 1}, inputs=False))
    actions.append(cards.execute("Save and close" if view.submitted else "Finish later", later, data))
    return cards.card(*body, actions=actions)


def done_card(done: SurveyDone, content) -> dict:
    text = "Your changes are saved. Thank you." if done.changed else "Thank you: your answers are in."
    return cards.card(
        cards.notice(text),
        cards.title(done.instrument.title),
        cards.text(f"You can change your answers until {closing(done.closes_at, content)}.", size="Small"),
        actions=[
            cards.execute("Change my answers", show, {"invitation_id": done.invitation.id, "section": 0}, inputs=False)
        ],
    )


def render(result: SectionView | SurveyDone, content) -> dict:
    return done_card(result, content) if isinstance(result, SurveyDone) else section_card(result, content)


@router.action("open")
async def open_(turn: Turn) -> Response:
    """From an invitation, a reminder or `my surveys`: the section the person stopped at."""
    result = await service.open_survey(
        turn.uow,
        user=turn.user,
        invitation_id=card_int(turn.inbound.data, "invitation_id", stale=service.STALE),
        content=turn.content,
        pseudonyms=pseudonyms(turn),
        now=turn.now,
    )
    return Response(card=render(result, turn.content))


@router.action("show")
async def show(turn: Turn) -> Response:
    view = await service.show_section(
        turn.uow,
        user=turn.user,
        invitation_id=card_int(turn.inbound.data, "invitation_id", stale=service.STALE),
        index=card_int(turn.inbound.data, "section", stale=service.STALE),
        content=turn.content,
        pseudonyms=pseudonyms(turn),
        now=turn.now,
    )
    return Response(card=section_card(view, turn.content))


async def _save(turn: Turn, *, finish_later: bool) -> Response:
    data = turn.inbound.data
    invitation_id = card_int(data, "invitation_id", stale=service.STALE)
    index = card_int(data, "section", stale=service.STALE)
    view = await service.show_section(
        turn.uow,
        user=turn.user,
        invitation_id=invitation_id,
        index=index,
        content=turn.content,
        pseudonyms=pseudonyms(turn),
        now=turn.now,
    )
    command = SectionAnswers(
        invitation_id=invitation_id,
        section=index,
        answers={item.id: read_answer(item, data) for item in view.section.items},
        finish_later=finish_later,
    )
    try:
        result = await service.save_section(
            turn.uow, user=turn.user, command=command, content=turn.content, pseudonyms=pseudonyms(turn), now=turn.now
        )
    except InvalidAnswer as problem:
        item = view.instrument.item(problem.field)
        raise FormError(
            section_card(view, turn.content), problem.message, field=input_id(item) if item else None
        ) from None
    return Response(card=render(result, turn.content))


@router.action("next")
async def next_section(turn: Turn) -> Response:
    return await _save(turn, finish_later=False)


@router.action("later")
async def later(turn: Turn) -> Response:
    return await _save(turn, finish_later=True)


@router.command(
    "my surveys",
    title="My surveys",
    description="Surveys you have been asked to answer",
    aliases=("surveys", "survey"),
    in_manifest=False,  # Teams lists 10 commands; invitations, reminders and the menu open surveys
)
async def mine(turn: Turn) -> Response:
    found = await service.open_surveys(
        turn.uow, user=turn.user, content=turn.content, pseudonyms=pseudonyms(turn), now=turn.now
    )
    if not found:
        return Response.show(
            cards.card(cards.title("My surveys"), cards.text("No surveys for you right now. Thank you!"))
        )
    rows = []
    for survey in found:
        status = {"new": "Not started", "draft": "Started: it opens where you stopped", "submitted": "Answered"}[
            survey.status
        ]
        label = {"new": "Start", "draft": "Continue", "submitted": "Change my answers"}[survey.status]
        rows.append(
            cards.list_row(
                [
                    cards.text(survey.instrument.title, size="Medium"),
                    cards.text(
                        f"{status}. Open until {closing(survey.invitation.closes_at, turn.content)}.", subtle=True
                    ),
                ],
                [cards.execute(label, open_, {"invitation_id": survey.invitation.id})],
            )
        )
    return Response.show(cards.card(cards.title("My surveys"), *rows))

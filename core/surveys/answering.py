"""Answering a survey in chat: one card per section, a draft kept as the person goes (so a reminder takes them
back where they stopped), "prefer not to say" where the instrument allows it, and changes until the window closes.

Every answer is checked here, on the server: a value outside the scale, an unknown choice, too long a text or a
missing required answer is refused with the item it is about. The invitation must be the person's own and open;
the response is found through the person's pseudonym, so a card cannot name anyone else's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.kernel.content import Content
from core.kernel.dates import written
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text
from core.surveys.commands import InvalidAnswer, RawAnswer, SectionAnswers, SurveyClosed
from core.surveys.content import DECLINED, LIKERT, MULTIPLE, SINGLE, TEXT, Instrument, Item
from core.surveys.model import Campaign, Invitation, OpenSurvey, Response, SectionView, SurveyDone
from core.surveys.pseudonyms import Pseudonyms

STALE = "That survey card is out of date. Type **my surveys** to open it again."


def _closed_text(invitation: Invitation, content: Content, now: datetime) -> str:
    local = invitation.closes_at.astimezone(content.organisation.timezone)
    if now < invitation.opens_at:
        return "This survey has not opened yet."
    closed = written(local, "%-d %b %Y")
    return f"This survey closed on {closed}, so answers can no longer be given or changed. Thank you."


async def _context(
    uow: UnitOfWork, *, user: User, invitation_id: int, content: Content, now: datetime
) -> tuple[Invitation, Campaign, Instrument]:
    """The person's own open invitation, its campaign and instrument; anything else is refused."""
    invitation = await uow.surveys.get_invitation(invitation_id)
    if invitation is None:
        raise NotFound(STALE)
    if invitation.user_id != user.id:
        raise NotAllowed("That survey card is not yours. Type **my surveys** to see yours.")
    if not invitation.open_at(now):
        raise SurveyClosed(_closed_text(invitation, content, now))
    campaign = await uow.surveys.get_campaign(invitation.campaign_id)
    instrument = content.surveys.instrument(campaign.instrument_id) if campaign else None
    if campaign is None or instrument is None:
        raise NotFound("That survey is no longer available.")
    return invitation, campaign, instrument


def _view(instrument, invitation, index, response: Response | None, notice: str | None = None) -> SectionView:
    return SectionView(
        instrument=instrument,
        invitation=invitation,
        index=index,
        answers=dict(response.answers) if response else {},
        submitted=bool(response and response.submitted),
        closes_at=invitation.closes_at,
        notice=notice,
    )


async def open_survey(
    uow: UnitOfWork, *, user: User, invitation_id: int, content: Content, pseudonyms: Pseudonyms, now: datetime
) -> SectionView | SurveyDone:
    """Where the person is: the section they stopped at (a new survey starts at the first), or, once submitted,
    the thank-you with the offer to change the answers."""
    invitation, campaign, instrument = await _context(
        uow, user=user, invitation_id=invitation_id, content=content, now=now
    )
    response = await uow.surveys.response(campaign.id, pseudonyms.of(user.id))
    if response is not None and response.submitted:
        return SurveyDone(instrument, invitation, invitation.closes_at, changed=False)
    index = min(response.section, len(instrument.sections) - 1) if response else 0
    return _view(instrument, invitation, index, response)


async def show_section(
    uow: UnitOfWork,
    *,
    user: User,
    invitation_id: int,
    index: int,
    content: Content,
    pseudonyms: Pseudonyms,
    now: datetime,
) -> SectionView:
    """A section by number (Back, and Change my answers), with the answers already given."""
    invitation, campaign, instrument = await _context(
        uow, user=user, invitation_id=invitation_id, content=content, now=now
    )
    if not 0 <= index < len(instrument.sections):
        raise InvalidInput(STALE)
    return _view(instrument, invitation, index, await uow.surveys.response(campaign.id, pseudonyms.of(user.id)))


# --- checking answers -----------------------------------------------------------------------------------------

MISSING = object()


def parse_answer(item: Item, raw: RawAnswer) -> Any:
    """The stored form of one answer (an int on a scale, a choice id, a list of choice ids, a text, or DECLINED),
    MISSING when nothing was given; InvalidAnswer when it is not an answer this item accepts."""
    if raw is None or raw == "" or raw == ():
        return MISSING
    given = tuple(v for v in raw if v) if isinstance(raw, tuple) else raw
    if given == () or (isinstance(given, str) and not given.strip() and item.type != TEXT):
        return MISSING
    if given == DECLINED or (isinstance(given, tuple) and DECLINED in given):
        if not item.prefer_not_to_say:
            raise InvalidAnswer(item.id, "Please give an answer: this question has no 'prefer not to say'.")
        if isinstance(given, tuple) and len(given) > 1:
            raise InvalidAnswer(item.id, "Please choose either 'prefer not to say' or your answers, not both.")
        return DECLINED
    if item.type == LIKERT:
        scale = item.scale
        text = given.strip() if isinstance(given, str) else ""
        value = int(text) if text.lstrip("-").isdigit() else None
        if value is None or not scale.accepts(value):
            raise InvalidAnswer(item.id, f"Please answer with {scale.describe()}.")
        return value
    if item.type == SINGLE:
        if not isinstance(given, str) or given not in {c.id for c in item.choices}:
            raise InvalidAnswer(item.id, "Please choose one of the options.")
        return given
    if item.type == MULTIPLE:
        chosen = given if isinstance(given, tuple) else (given,)
        ids = {c.id for c in item.choices}
        if any(not isinstance(c, str) or c not in ids for c in chosen):
            raise InvalidAnswer(item.id, "Please choose from the options shown.")
        if item.max_choices and len(set(chosen)) > item.max_choices:
            raise InvalidAnswer(item.id, f"Please choose at most {item.max_choices}.")
        return [c.id for c in item.choices if c.id in chosen]  # content order, each once
    try:
        text = clean_text(given if isinstance(given, str) else None, item.max_length, "your answer")
    except InvalidInput as problem:
        raise InvalidAnswer(item.id, problem.message) from None
    return MISSING if text is None else text


def _missing_required(instrument: Instrument, answers: dict[str, Any], section: int | None = None) -> Item | None:
    sections = instrument.sections if section is None else (instrument.sections[section],)
    return next((i for s in sections for i in s.items if i.required and i.id not in answers), None)


def _profile_facts(instrument: Instrument, user: User, answers: dict[str, Any]) -> dict[str, str | None]:
    """What the reports group this response by: the survey's own answer where it asks (declined: not recorded),
    else the person's profile."""
    facts = {"site": user.site, "staff_group": user.staff_group, "experience": user.experience}
    for kind, key in (("sites", "site"), ("staff_groups", "staff_group"), ("experience_levels", "experience")):
        item = instrument.profile_item(kind)
        if item is not None and item.id in answers:
            facts[key] = None if answers[item.id] == DECLINED else answers[item.id]
    return facts


async def save_section(
    uow: UnitOfWork,
    *,
    user: User,
    command: SectionAnswers,
    content: Content,
    pseudonyms: Pseudonyms,
    now: datetime,
) -> SectionView | SurveyDone:
    """Keep one section's answers: Next goes on (the last section submits), Finish later keeps a draft to come
    back to. A submitted response stays complete: its sections are checked in full however they are saved."""
    invitation, campaign, instrument = await _context(
        uow, user=user, invitation_id=command.invitation_id, content=content, now=now
    )
    if not 0 <= command.section < len(instrument.sections):
        raise InvalidInput(STALE)
    section = instrument.sections[command.section]
    parsed = {item.id: parse_answer(item, command.answers.get(item.id)) for item in section.items}
    pseudonym = pseudonyms.of(user.id)
    response = await uow.surveys.response(campaign.id, pseudonym)
    complete_needed = not command.finish_later or (response is not None and response.submitted)
    if complete_needed:
        for item in section.items:
            if item.required and parsed[item.id] is MISSING:
                raise InvalidAnswer(
                    item.id,
                    "Please answer this question"
                    + (" (or choose 'prefer not to say')." if item.prefer_not_to_say else "."),
                )
    if response is None:
        response = await uow.surveys.start_response(campaign, pseudonym, now=now)
    answers = {k: v for k, v in response.answers.items() if k not in parsed}
    answers.update({k: v for k, v in parsed.items() if v is not MISSING})
    finishing = not command.finish_later and command.section == len(instrument.sections) - 1
    gap = _missing_required(instrument, answers) if finishing else None
    if command.finish_later:
        next_index = command.section
    elif finishing:
        next_index = instrument.sections.index(next(s for s in instrument.sections if gap in s.items)) if gap else 0
    else:
        next_index = command.section + 1
    await uow.surveys.save_response(
        response.id, answers=answers, section=next_index, now=now, **_profile_facts(instrument, user, answers)
    )
    if response.submitted:
        if finishing or command.finish_later:
            return SurveyDone(instrument, invitation, invitation.closes_at, changed=True)
        return _view(instrument, invitation, next_index, await uow.surveys.get_response(response.id))
    if finishing and gap is None:
        await uow.surveys.submit_response(response.id, now=now)
        return SurveyDone(instrument, invitation, invitation.closes_at, changed=False)
    saved = await uow.surveys.get_response(response.id)
    notice = None
    if gap is not None:
        notice = "Nearly done: please answer the questions still open in this part, then go on."
    elif command.finish_later:
        notice = "Saved. Open it again from the reminder or **my surveys** and you will be back here."
    return _view(instrument, invitation, next_index, saved, notice)


async def open_surveys(
    uow: UnitOfWork, *, user: User, content: Content, pseudonyms: Pseudonyms, now: datetime
) -> list[OpenSurvey]:
    """The surveys the person was asked to answer and still can, newest first."""
    found = []
    pseudonym = pseudonyms.of(user.id)
    for invitation in await uow.surveys.open_invitations(user.id, now=now):
        campaign = await uow.surveys.get_campaign(invitation.campaign_id)
        instrument = content.surveys.instrument(campaign.instrument_id) if campaign else None
        if instrument is None:
            continue
        response = await uow.surveys.response(campaign.id, pseudonym)
        status = "new" if response is None else response.status.value
        found.append(OpenSurvey(instrument, invitation, status))
    return found

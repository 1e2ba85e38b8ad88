"""The survey ticks: the micro-learning's before and after triggers, sending invitations that have opened, and
reminding people who have not answered (at most the campaign's number, 2 at most, evenly spread over the window).
Every message goes through the outbox and the nudge gate (category "surveys": quiet hours, budget, pause and
opt-out apply), with a dedupe key per invitation and reminder."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.kernel.content import Content
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.learning.progress import learning_milestones
from core.surveys.campaigns import survey_trigger
from core.surveys.model import Invitation
from core.surveys.ports import SurveyMessages

CATEGORY = "surveys"
LOOK_BACK = timedelta(days=14)  # how long after starting or completing the micro-learning the survey still comes
SEND_BATCH = 500


async def learning_triggers(uow: UnitOfWork, *, content: Content, messages: SurveyMessages, now: datetime) -> int:
    """Tick: people who started the micro-learning lately (and have not completed it) get the "before" survey,
    people who completed it lately the "after" (and its follow-up). Once per rule: repeats change nothing."""
    invited = 0
    for learner in await learning_milestones(uow, content=content):
        happened = (
            ("learning_started", learner.started_at if learner.completed_at is None else None),
            ("learning_completed", learner.completed_at),
        )
        for trigger, at in happened:
            if at is not None and at >= now - LOOK_BACK:
                outcome = await survey_trigger(
                    uow, user_id=learner.user_id, trigger=trigger, content=content, now=now, occurred_at=at
                )
                invited += len(outcome.invited)
    return invited


async def send_invitations(uow: UnitOfWork, *, content: Content, messages: SurveyMessages, now: datetime) -> int:
    """Tick: each invitation that has opened is queued once (marked sent first, so two runs cannot both send)."""
    queued = 0
    for invitation in await uow.surveys.invitations_to_send(now=now, limit=SEND_BATCH):
        campaign = await uow.surveys.get_campaign(invitation.campaign_id)
        instrument = content.surveys.instrument(campaign.instrument_id) if campaign else None
        if instrument is None or not await uow.surveys.mark_sent(invitation.id, now=now):
            continue
        queued += await notify(
            uow,
            content,
            user_id=invitation.user_id,
            category=CATEGORY,
            message=messages.invitation(instrument, invitation),
            key=f"surveys:inv:{invitation.id}",
            now=now,
        )
    return queued


def reminder_due(invitation: Invitation, number: int, reminders: int) -> datetime:
    """Reminder `number` of `reminders`: spread evenly over the window from when the invitation went out."""
    start = max(invitation.opens_at, invitation.sent_at or invitation.opens_at)
    return start + (invitation.closes_at - start) * number / (reminders + 1)


async def remind_non_responders(uow: UnitOfWork, *, content: Content, messages: SurveyMessages, now: datetime) -> int:
    """Tick: a reminder to each person who has not submitted (a draft counts as not yet: its reminder takes them
    back to where they stopped), at most the campaign's number of reminders, never after the window."""
    queued = 0
    submitted: dict[int, set[str]] = {}
    for invitation, campaign in await uow.surveys.invitations_to_remind(now=now):
        number = invitation.reminders_sent + 1
        limit = min(campaign.reminders, 2)
        if number > limit or now < reminder_due(invitation, number, limit):
            continue
        if campaign.id not in submitted:
            submitted[campaign.id] = await uow.surveys.submitted_pseudonyms(campaign.id)
        if messages.pseudonyms.of(invitation.user_id) in submitted[campaign.id]:
            continue
        instrument = content.surveys.instrument(campaign.instrument_id)
        if instrument is None or not await uow.surveys.count_reminder(invitation.id, number=number):
            continue
        queued += await notify(
            uow,
            content,
            user_id=invitation.user_id,
            category=CATEGORY,
            message=messages.reminder(instrument, invitation, number),
            key=f"surveys:inv:{invitation.id}:reminder:{number}",
            now=now,
        )
    return queued

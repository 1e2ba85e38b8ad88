"""Campaigns: an admin sends an instrument to an audience for a window with up to 2 reminders; triggers send
an instrument by themselves (before, after, follow-up, feedback) through one standing campaign per trigger rule.

A person is invited at most once per campaign (a unique constraint), so at most once per trigger. Invitations
are rows; the tick in reminders.py turns them into messages through the outbox and the nudge gate.
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import date, datetime, time, timedelta

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import GRANTABLE_ROLES, Role, User
from core.kernel.ports import UnitOfWork
from core.surveys.commands import CampaignRequest, InvalidAnswer
from core.surveys.content import Instrument, TriggerRule
from core.surveys.model import MANUAL_WAVE, Audience, Campaign, CampaignStarted, TriggerOutcome

MAX_WINDOW_DAYS = 90
MAX_REMINDERS = 2
FOLLOW_UP_HOUR = time(9)
REQUIRES = {"after": "before", "follow_up": "after"}  # a wave is sent only to people asked in the one before it
AUDIENCE_LISTS = {
    Audience.SITE: "sites",
    Audience.STAFF_GROUP: "staff_groups",
    Audience.EXPERIENCE: "experience_levels",
}
ROLES = tuple(r.value for r in (Role.STAFF, *sorted(GRANTABLE_ROLES)))


def audience_choices(content: Content, kind: Audience) -> tuple[tuple[str, str], ...]:
    """(id, label) of the values an audience of this kind can take."""
    if kind in AUDIENCE_LISTS:
        return tuple((c.id, c.label) for c in getattr(content.organisation, AUDIENCE_LISTS[kind]))
    if kind == Audience.ROLE:
        return tuple((r, r.capitalize()) for r in ROLES)
    return ()


def _parse_request(request: CampaignRequest, content: Content, now: datetime):
    instrument = content.surveys.instrument(request.instrument_id or "")
    if instrument is None:
        raise InvalidAnswer("instrument_id", "Please choose a survey.")
    try:
        audience = Audience(request.audience or "")
    except ValueError:
        raise InvalidAnswer("audience", "Please choose who the survey is for.") from None
    value = (request.audience_value or "").strip() or None
    if audience == Audience.EVERYONE:
        value = None
    elif value not in {v for v, _ in audience_choices(content, audience)}:
        raise InvalidAnswer("audience_value", f"Please choose which {audience.value.replace('_', ' ')}.")
    try:
        closes_on = date.fromisoformat((request.closes_on or "").strip())
    except ValueError:
        raise InvalidAnswer("closes_on", "Please give the closing date as a date.") from None
    today = now.astimezone(content.organisation.timezone).date()
    if not today < closes_on <= today + timedelta(days=MAX_WINDOW_DAYS):
        raise InvalidAnswer("closes_on", f"Please choose a closing date after today and within {MAX_WINDOW_DAYS} days.")
    reminders = (request.reminders or "").strip()
    if reminders not in {str(n) for n in range(MAX_REMINDERS + 1)}:
        raise InvalidAnswer("reminders", f"Please choose 0 to {MAX_REMINDERS} reminders.")
    return instrument, audience, value, closes_on, int(reminders)


async def start_campaign(
    uow: UnitOfWork, *, user: User, request: CampaignRequest, content: Content, now: datetime
) -> CampaignStarted:
    """An admin sends an instrument to an audience, open from now to the end of the closing day (local time)."""
    if not user.has_role(Role.ADMIN):
        raise NotAllowed("Only a QI admin can start a survey.")
    instrument, audience, value, closes_on, reminders = _parse_request(request, content, now)
    existing = await uow.surveys.campaign_for_form(request.form_token)
    if existing is not None:
        return CampaignStarted(existing, invited=0, already=True)
    tz = content.organisation.timezone
    closes_at = datetime.combine(closes_on + timedelta(days=1), time(0), tzinfo=tz).astimezone(now.tzinfo)
    campaign = await uow.surveys.add_campaign(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        wave=MANUAL_WAVE,
        series=None,
        rule_id=None,
        opens_at=now,
        closes_at=closes_at,
        reminders=reminders,
        audience=audience,
        audience_value=value,
        created_by=user.id,
        form_token=request.form_token,
        now=now,
    )
    if campaign is None:  # the same form, pressed twice at once: the other press started it
        return CampaignStarted(await uow.surveys.campaign_for_form(request.form_token), invited=0, already=True)
    people = await uow.surveys.audience(audience, value)
    invited = await uow.surveys.add_invitations(campaign.id, people, opens_at=now, closes_at=closes_at, now=now)
    return CampaignStarted(campaign, invited=invited)


# --- triggers ------------------------------------------------------------------------------------------------


def add_months(when: datetime, months: int, content: Content) -> datetime:
    """09:00 local on the same day `months` later (the last day of a shorter month), as a UTC instant: the local
    time stays 09:00 across the clock changes."""
    tz = content.organisation.timezone
    day = when.astimezone(tz).date()
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    target = date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return datetime.combine(target, FOLLOW_UP_HOUR, tzinfo=tz).astimezone(when.tzinfo)


def campaign_key(rule: TriggerRule, occasion: str | None) -> str:
    """The standing campaign a rule invites into: one per rule, so a person is asked once per trigger; but a
    feedback rule given an occasion (one course or celebration day) has one campaign per occasion, so the
    person who comes to next year's celebration day is asked about that day too."""
    if rule.wave != "feedback" or not occasion:
        return rule.id
    key = f"{rule.id}@{occasion}"
    if len(key) > 40:  # the column's width: a long one keeps a digest of the occasion, still one per occasion
        key = f"{rule.id[:23]}@{hashlib.sha256(occasion.encode()).hexdigest()[:16]}"
    return key


async def standing_campaign(
    uow: UnitOfWork, instrument: Instrument, rule: TriggerRule, now: datetime, key: str | None = None
) -> Campaign:
    """The one campaign of a trigger rule (or of a feedback rule's occasion, `key`), made the first time the rule
    fires (concurrent first firings agree)."""
    key = key or rule.id
    found = await uow.surveys.standing_campaign(instrument.id, key)
    if found is not None:
        return found
    made = await uow.surveys.add_campaign(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        wave=rule.wave,
        series=rule.series,
        rule_id=key,
        opens_at=now,
        closes_at=None,
        reminders=rule.reminders,
        audience=None,
        audience_value=None,
        created_by=None,
        form_token=None,
        now=now,
    )
    return made or await uow.surveys.standing_campaign(instrument.id, key)


async def _invite(uow, instrument, rule, user_id, opens_at, now, outcome: TriggerOutcome, occasion=None) -> None:
    needed = REQUIRES.get(rule.wave)
    if needed and not await uow.surveys.invited_to_wave(user_id, series=rule.series, wave=needed):
        outcome.skipped.append(rule.id)
        return
    campaign = await standing_campaign(uow, instrument, rule, now, campaign_key(rule, occasion))
    closes_at = opens_at + timedelta(days=rule.window_days)
    if closes_at <= now:
        outcome.skipped.append(rule.id)  # it happened too long ago for the survey to be useful now
        return
    made = await uow.surveys.add_invitations(campaign.id, [user_id], opens_at=opens_at, closes_at=closes_at, now=now)
    (outcome.invited if made else outcome.skipped).append(rule.id)


async def survey_trigger(
    uow: UnitOfWork,
    *,
    user_id: int,
    trigger: str,
    content: Content,
    now: datetime,
    occurred_at: datetime | None = None,
    occasion: str | None = None,
) -> TriggerOutcome:
    """The hook other capabilities call when something happens to a person: "learning_started",
    "learning_completed", "course_registered", "course_date_attended", "course_attended", "celebration_day" or
    "webinar_attended" (TRIGGERS). Each instrument whose
    triggers name it invites the person (once per rule, however often it is called), and any follow-up after it
    is scheduled `months` later at 09:00 local. Only the invitation is written here; the surveys tick sends it
    through the outbox and the nudge gate, so callers need no survey messages. Call it in the caller's unit of
    work, e.g. `await survey_trigger(uow, user_id=person.id, trigger="course_registered", content=content,
    now=now)`. The events capability's hooks reach it through the composition root (bot/hooks.py): a course
    registration is "course_registered", attending a course's first date "course_date_attended", a completed
    course "course_attended", attending the celebration day
    "celebration_day"; `occasion` (e.g. "event:12") gives feedback rules one campaign per course or day."""
    occurred_at = occurred_at or now
    outcome = TriggerOutcome()
    for instrument, rule in content.surveys.rules_on(trigger):
        await _invite(uow, instrument, rule, user_id, occurred_at, now, outcome, occasion)
    for instrument, rule in content.surveys.follow_ups_after(trigger):
        await _invite(uow, instrument, rule, user_id, add_months(occurred_at, rule.months, content), now, outcome)
    return outcome


TRIGGERS = (
    "learning_started",
    "learning_completed",
    "course_registered",
    "course_date_attended",
    "course_attended",
    "celebration_day",
    "webinar_attended",
)


async def trigger_for(uow: UnitOfWork, *, who: str, trigger: str, content: Content, now: datetime) -> TriggerOutcome:
    """`qibot surveys trigger WHO TRIGGER`: fire a trigger for one person (by AAD object id or Teams user id), as
    the capability that owns the event would (e.g. a course registration recorded outside the bot)."""
    if trigger not in TRIGGERS:
        raise InvalidInput(f"Unknown trigger {trigger!r}: choose one of {', '.join(TRIGGERS)}.")
    user = await uow.users.find(who)
    if user is None:
        raise NotFound(f"No user {who!r} has talked to the bot yet.")
    return await survey_trigger(uow, user_id=user.id, trigger=trigger, content=content, now=now)

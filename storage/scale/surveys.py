"""Surveys: the standing campaigns of the trigger rules and an admin's scoping survey, who was invited, and the
responses, keyed by the person's pseudonym (the bot's keyed hash, so a person's own surveys still find them).
Self-efficacy before and after the micro-learning and the QSIR course come in matched pairs (the same pseudonym in
both waves of a series), with a follow-up for some; scores rise after training, as the evaluation expects."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from core.surveys.scoring import item_answers, score, scoring_key
from storage.scale.bulk import BulkWriter
from storage.scale.plan import Trust
from storage.surveys.numbers import numbers_of
from storage.surveys.tables import (
    survey_answer_versions,
    survey_campaigns,
    survey_invitations,
    survey_responses,
    survey_scores,
    survey_values,
)

# Share of all responses: (instrument, rule id or None for the admin's campaign, wave).
PLAN = (
    ("qi_self_efficacy", "learning_before", 0.25),
    ("qi_self_efficacy", "learning_after", 0.175),
    ("qi_self_efficacy", "learning_follow_up", 0.05),
    ("qi_self_efficacy", "course_before", 0.15),
    ("qi_self_efficacy", "course_after", 0.11),
    ("qi_self_efficacy", "course_follow_up", 0.04),
    ("course_feedback", "course_feedback", 0.15),
    ("scoping", None, 0.075),
)
LATER = {"after": (30, 90), "follow_up": (150, 200)}


def _answers(rng, instrument, person, lift: float) -> dict:
    answers = {}
    for item in instrument.items:
        if item.type == "likert":
            low, high = item.scale.minimum, item.scale.maximum
            middle = low + (high - low) * (0.4 + lift)
            answers[item.id] = max(low, min(high, round(rng.gauss(middle, (high - low) / 5))))
        elif item.choices_from:
            answers[item.id] = person.site if item.choices_from == "sites" else person.group
        elif item.type == "single":
            answers[item.id] = rng.choice(item.choices).id
        elif item.type == "multiple":
            answers[item.id] = sorted({rng.choice(item.choices).id for _ in range(rng.randint(1, 3))})
        elif rng.random() < 0.15:
            answers[item.id] = "More protected time would help."
    return answers


async def write_surveys(bulk: BulkWriter, trust: Trust) -> None:
    rng = trust.rng("surveys")
    instruments = trust.content.surveys.instruments
    total = trust.count("survey_responses")
    sizes = [max(1, round(total * share)) for *_, share in PLAN]
    sizes[0] += total - sum(sizes)
    campaign_id = await bulk.next_id(survey_campaigns)
    response_id = await bulk.next_id(survey_responses)
    campaigns, invitations, responses, values, scores = [], [], [], [], []
    asked: dict[tuple[str, str], dict[int, object]] = {}  # (series, wave) -> person id -> when they answered
    for (instrument_id, rule_id, _), size in zip(PLAN, sizes, strict=True):
        instrument = instruments[instrument_id]
        keys = {scoring.id: scoring_key(instrument, scoring) for scoring in instrument.scoring}
        rule = next((r for r in instrument.triggers if r.id == rule_id), None)
        wave, series = (rule.wave, rule.series) if rule else ("manual", None)
        opens = trust.start if rule else trust.end - timedelta(days=400)
        closes = None if rule else opens + timedelta(days=28)
        campaigns.append((campaign_id, instrument.id, instrument.version, wave, series, rule_id, opens, closes,
                          rule.reminders if rule else 1, None if rule else "everyone", None,
                          None if rule else trust.admins[0], None, opens))
        earlier = {"after": "before", "follow_up": "after"}.get(wave)
        if earlier:  # matched pairs: only people who answered the wave before, some time later
            pool = sorted(asked[(series, earlier)].items())
            picked = rng.sample(pool, min(size, len(pool)))
        else:
            picked = [(p.id, None) for p in rng.sample(trust.staff, min(size, len(trust.staff)))]
        people = {p.id: p for p in trust.staff}
        answered_at = {}
        lift = {"before": 0.0, "after": 0.3, "follow_up": 0.25}.get(wave, 0.2)
        for pid, prior in sorted(picked):
            person = people[pid]
            if prior is None:
                low = max(person.joined, opens)
                high = closes or trust.end - timedelta(days=LATER["follow_up"][1] + 5)
                at = trust.moment(rng, after=low, before=max(low + timedelta(hours=1), high))
            else:
                at = min(trust.end, prior + timedelta(days=rng.randint(*LATER[wave])))
            answered_at[pid] = at
            invited = at - timedelta(hours=rng.randint(1, 48))
            window = timedelta(days=rule.window_days if rule else 28)
            invitations.append((campaign_id, pid, invited, invited + window, invited, rng.randint(0, 1), invited))
            answers = _answers(rng, instrument, person, lift)
            responses.append((response_id, campaign_id, trust.pseudonym(pid), instrument.id, instrument.version,
                              series, wave, "submitted", len(instrument.sections), answers, person.site,
                              person.group, person.experience, at - timedelta(minutes=6), at, at))
            # As the bot keeps them: the numeric answers at submission, the scores as the first report stores them.
            values += [(response_id, item, campaign_id, value) for item, value in numbers_of(answers)]
            for scoring in instrument.scoring if series else ():
                value = score(scoring, instrument, answers)
                items = list(item_answers(scoring, answers)) if value is not None else None
                scores.append((response_id, scoring.id, keys[scoring.id], 0, value, items))
            response_id += 1
        # People invited who did not answer (the response rate's denominator).
        for person in rng.sample(trust.staff, min(len(trust.staff), size // 3)):
            if person.id in answered_at or earlier:
                continue
            invited = trust.moment(rng, after=max(opens, person.joined), before=closes or trust.end)
            invitations.append((campaign_id, person.id, invited, invited + timedelta(days=28), invited, 2, invited))
        if series:
            asked[(series, wave)] = answered_at
        campaign_id += 1
    await bulk.write(
        survey_campaigns,
        ("id", "instrument_id", "instrument_version", "wave", "series", "rule_id", "opens_at", "closes_at",
         "reminders", "audience", "audience_value", "created_by", "form_token", "created_at"),
        campaigns,
    )
    await bulk.write(
        survey_invitations,
        ("campaign_id", "user_id", "opens_at", "closes_at", "sent_at", "reminders_sent", "created_at"),
        invitations,
    )
    await bulk.write(
        survey_responses,
        ("id", "campaign_id", "pseudonym", "instrument_id", "instrument_version", "series", "wave", "status",
         "section", "answers", "site", "staff_group", "experience", "started_at", "updated_at", "submitted_at"),
        responses,
    )
    await bulk.write(survey_values, ("response_id", "item_id", "campaign_id", "value"), values)
    await bulk.write(survey_scores, ("response_id", "scoring_id", "scoring_key", "revision", "score", "items"), scores)
    # A version of each instrument's answers, as the repository writes with each submission (migration 0019): a
    # hash of the responses written, so two databases share one only if they hold the same answers (the same seed
    # and scale give the same trust).
    versions = [
        (i, hashlib.sha256(repr([r for r in responses if r[3] == i]).encode()).hexdigest()[:32])
        for i in dict.fromkeys(i for i, *_ in PLAN)
    ]
    await bulk.write(survey_answer_versions, ("instrument_id", "version"), versions)

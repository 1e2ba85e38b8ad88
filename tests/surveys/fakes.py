"""In-memory survey repository, and a recorder of the survey messages the services queue."""

from __future__ import annotations

import copy
import uuid
from dataclasses import replace

from core.kernel.model import OutboundMessage, Role
from core.surveys.model import Audience, Campaign, Invitation, Response, ResponseStatus, ScoredResponse, Theme
from core.surveys.pseudonyms import Pseudonyms
from storage.surveys.numbers import numbers_of
from tests.fakes import _Repo


class FakeSurveys(_Repo):
    def _d(self, name: str) -> dict:
        return self.db.__dict__.setdefault(f"surveys_{name}", {})

    # --- campaigns
    async def add_campaign(self, *, form_token, now, **fields):
        for c in self._d("campaigns").values():
            if form_token is not None and self._d("tokens").get(c.id) == form_token:
                return None
            if fields["rule_id"] is not None and (c.instrument_id, c.rule_id) == (
                fields["instrument_id"],
                fields["rule_id"],
            ):
                return None
        campaign = Campaign(id=next(self.db.ids), created_at=now, **fields)
        self._d("campaigns")[campaign.id] = campaign
        self._d("tokens")[campaign.id] = form_token
        return campaign

    async def get_campaign(self, campaign_id):
        return self._d("campaigns").get(campaign_id)

    async def campaign_for_form(self, form_token):
        return next((self._d("campaigns")[i] for i, t in self._d("tokens").items() if t == form_token), None)

    async def standing_campaign(self, instrument_id, rule_id):
        return next(
            (c for c in self._d("campaigns").values() if (c.instrument_id, c.rule_id) == (instrument_id, rule_id)),
            None,
        )

    async def campaigns(self):
        return sorted(self._d("campaigns").values(), key=lambda c: c.id)

    # --- invitations
    async def add_invitations(self, campaign_id, user_ids, *, opens_at, closes_at, now):
        made = 0
        for user_id in dict.fromkeys(user_ids):
            if await self.invitation_for(campaign_id, user_id) is None:
                invitation = Invitation(next(self.db.ids), campaign_id, user_id, opens_at, closes_at)
                self._d("invitations")[invitation.id] = invitation
                made += 1
        return made

    async def get_invitation(self, invitation_id):
        return self._d("invitations").get(invitation_id)

    async def invitation_for(self, campaign_id, user_id):
        return next(
            (i for i in self._d("invitations").values() if (i.campaign_id, i.user_id) == (campaign_id, user_id)), None
        )

    async def invited_to_wave(self, user_id, *, series, wave):
        campaigns = self._d("campaigns")
        return any(
            i.user_id == user_id and (campaigns[i.campaign_id].series, campaigns[i.campaign_id].wave) == (series, wave)
            for i in self._d("invitations").values()
        )

    async def invitations_to_send(self, *, now, limit):
        due = [i for i in self._d("invitations").values() if i.sent_at is None and i.opens_at <= now < i.closes_at]
        return sorted(due, key=lambda i: (i.opens_at, i.id))[:limit]

    async def mark_sent(self, invitation_id, *, now):
        invitation = self._d("invitations")[invitation_id]
        if invitation.sent_at is not None:
            return False
        self._d("invitations")[invitation_id] = replace(invitation, sent_at=now)
        return True

    async def invitations_to_remind(self, *, now):
        campaigns = self._d("campaigns")
        return [
            (i, campaigns[i.campaign_id])
            for i in sorted(self._d("invitations").values(), key=lambda i: i.id)
            if i.sent_at is not None and i.closes_at > now and i.reminders_sent < campaigns[i.campaign_id].reminders
        ]

    async def count_reminder(self, invitation_id, *, number):
        invitation = self._d("invitations")[invitation_id]
        if invitation.reminders_sent != number - 1:
            return False
        self._d("invitations")[invitation_id] = replace(invitation, reminders_sent=number)
        return True

    async def open_invitations(self, user_id, *, now):
        mine = [i for i in self._d("invitations").values() if i.user_id == user_id and i.opens_at <= now < i.closes_at]
        return sorted(mine, key=lambda i: -i.id)

    async def invited_counts(self, *, now):
        counts: dict[int, int] = {}
        for i in self._d("invitations").values():
            if i.opens_at <= now:
                counts[i.campaign_id] = counts.get(i.campaign_id, 0) + 1
        return counts

    async def audience(self, kind, value):
        people = [u for u in self.db.users.values() if u.onboarded]
        test = {
            Audience.EVERYONE: lambda u: True,
            Audience.SITE: lambda u: u.site == value,
            Audience.STAFF_GROUP: lambda u: u.staff_group == value,
            Audience.EXPERIENCE: lambda u: u.experience == value,
            Audience.ROLE: lambda u: u.has_role(Role(value)),
        }[kind]
        return sorted(u.id for u in people if test(u))

    # --- responses
    async def response(self, campaign_id, pseudonym):
        found = next(
            (r for r in self._d("responses").values() if (r.campaign_id, r.pseudonym) == (campaign_id, pseudonym)),
            None,
        )
        return copy.deepcopy(found)

    async def get_response(self, response_id):
        return copy.deepcopy(self._d("responses").get(response_id))

    async def start_response(self, campaign, pseudonym, *, now):
        existing = await self.response(campaign.id, pseudonym)
        if existing is not None:
            return existing
        response = Response(
            id=next(self.db.ids),
            campaign_id=campaign.id,
            pseudonym=pseudonym,
            instrument_id=campaign.instrument_id,
            instrument_version=campaign.instrument_version,
            series=campaign.series,
            wave=campaign.wave,
            status=ResponseStatus.DRAFT,
            section=0,
            answers={},
            started_at=now,
        )
        self._d("responses")[response.id] = response
        return copy.deepcopy(response)

    async def save_response(self, response_id, *, answers, section, site, staff_group, experience, now):
        stored = self._d("responses")[response_id]
        self._d("responses")[response_id] = replace(
            stored,
            answers=copy.deepcopy(answers),
            revision=stored.revision + 1,
            section=section,
            site=site,
            staff_group=staff_group,
            experience=experience,
        )
        self._new_version(response_id)

    async def submit_response(self, response_id, *, now):
        stored = self._d("responses")[response_id]
        if stored.status == ResponseStatus.SUBMITTED:
            return False
        self._d("responses")[response_id] = replace(
            stored, status=ResponseStatus.SUBMITTED, submitted_at=now, section=0
        )
        self._new_version(response_id)
        return True

    async def submitted_pseudonyms(self, campaign_id):
        return {r.pseudonym for r in self._d("responses").values() if r.campaign_id == campaign_id and r.submitted}

    async def responses(self, instrument_id):
        return [
            copy.deepcopy(r)
            for r in sorted(self._d("responses").values(), key=lambda r: r.id)
            if r.instrument_id == instrument_id and r.submitted
        ]

    async def responses_by_id(self, ids):
        return [r for r in await self.responses_all() if r.id in set(ids)]

    async def responses_all(self):
        return [copy.deepcopy(r) for r in sorted(self._d("responses").values(), key=lambda r: r.id) if r.submitted]

    async def answers_version(self, instrument_id):
        return self._d("versions").get(instrument_id)

    def _new_version(self, response_id):
        stored = self._d("responses")[response_id]
        if stored.submitted:
            self._d("versions")[stored.instrument_id] = uuid.uuid4().hex

    async def submitted_counts(self):
        found = {}
        for r in await self.responses_all():
            found[r.campaign_id] = found.get(r.campaign_id, 0) + 1
        return found

    async def item_totals(self, campaign_ids):
        found = {}
        for r in await self.responses_all():
            if r.campaign_id in campaign_ids:
                for k, v in numbers_of(r.answers):
                    n, total = found.get((r.campaign_id, k), (0, 0.0))
                    found[(r.campaign_id, k)] = (n + 1, total + v)
        return found

    async def scores(self, instrument_id, scoring_id, key, *, times_of=None):
        stored = self._d("scores")
        found, stale = [], []
        for r in await self.responses(instrument_id):
            if not r.series:
                continue
            kept = stored.get((r.id, scoring_id))
            if kept is None or kept[:2] != (key, r.revision):
                stale.append(r.id)
            else:
                items = None if kept[3] is None else tuple(kept[3])
                found.append(
                    ScoredResponse(
                        r.id,
                        r.pseudonym,
                        r.series,
                        r.wave,
                        r.site,
                        r.staff_group,
                        r.submitted_at if r.wave == times_of else None,
                        kept[2],
                        items,
                    )
                )
        return found, stale

    async def store_scores(self, scoring_id, key, scores):
        for rid, revision, value, items in scores:
            self._d("scores")[(rid, scoring_id)] = (key, revision, value, items)

    # --- themes
    async def themes(self, instrument_id):
        return sorted(
            (t for t in self._d("themes").values() if t.instrument_id == instrument_id),
            key=lambda t: t.label.casefold(),
        )

    async def add_theme(self, instrument_id, label, *, by, now):
        for theme in self._d("themes").values():
            if theme.instrument_id == instrument_id and theme.label.casefold() == label.casefold():
                return theme
        theme = Theme(next(self.db.ids), instrument_id, label)
        self._d("themes")[theme.id] = theme
        return theme

    async def codes(self, instrument_id):
        responses = self._d("responses")
        return {
            key: tuple(ids)
            for key, ids in self._d("codes").items()
            if key[0] in responses and responses[key[0]].instrument_id == instrument_id
        }

    async def save_code(self, response_id, item_id, theme_ids, *, by, now):
        self._d("codes")[(response_id, item_id)] = list(theme_ids)


class RecordingSurveyMessages:
    """A SurveyMessages that records what was rendered, as short texts."""

    def __init__(self, key: str = "k" * 32) -> None:
        self.pseudonyms = Pseudonyms(key)

    def invitation(self, instrument, invitation):
        return OutboundMessage(text=f"invitation {instrument.id} {invitation.id}")

    def reminder(self, instrument, invitation, number):
        return OutboundMessage(text=f"reminder {number} {instrument.id} {invitation.id}")


FAKE_REPOSITORY = FakeSurveys

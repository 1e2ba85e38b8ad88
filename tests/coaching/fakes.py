"""In-memory coaching repository and a recorder of the coaching messages the services queue."""

from __future__ import annotations

from dataclasses import replace

from core.coaching.model import (
    OPEN_MENTORSHIPS,
    Candidate,
    Evidence,
    EvidenceStatus,
    Mentorship,
    MentorshipStatus,
    Profile,
    Promotion,
    PromotionStatus,
)
from core.kernel.model import OutboundMessage, Role
from tests.fakes import _Repo

STEPS = {PromotionStatus.REQUESTED: PromotionStatus.OFFERED, PromotionStatus.CONFIRMED: PromotionStatus.REQUESTED}


class FakeCoaching(_Repo):
    def _table(self, name: str) -> dict:
        return self.db.__dict__.setdefault(f"coaching_{name}", {})

    def _name(self, user_id):
        user = self.db.users.get(user_id)
        return user.name if user else None

    async def profile(self, user_id):
        return self._table("profiles").get(user_id) or Profile(user_id, None)

    async def set_level(self, user_id, level, *, now):
        self._table("profiles")[user_id] = replace(await self.profile(user_id), level=level)

    def set_max_mentees(self, user_id, most):
        self._table("profiles")[user_id] = replace(self._table("profiles")[user_id], max_mentees=most)

    async def add_evidence(self, *, user_id, level, competency, note, link_kind, link_id, now):
        evidence_id = next(self.db.ids)
        self._table("evidence")[evidence_id] = Evidence(
            evidence_id, user_id, level, competency, note, EvidenceStatus.SUBMITTED, now, link_kind, link_id
        )
        return await self.get_evidence(evidence_id)

    async def get_evidence(self, evidence_id):
        found = self._table("evidence").get(evidence_id)
        return replace(found, user_name=self._name(found.user_id)) if found else None

    async def evidence_of(self, user_id, *, level):
        return [
            await self.get_evidence(e.id)
            for e in sorted(self._table("evidence").values(), key=lambda e: (e.created_at, e.id))
            if e.user_id == user_id and e.level == level
        ]

    async def waiting_evidence(self):
        return [
            await self.get_evidence(e.id)
            for e in sorted(self._table("evidence").values(), key=lambda e: (e.created_at, e.id))
            if e.status == EvidenceStatus.SUBMITTED
        ]

    async def review(self, evidence_id, *, status, reviewer_id, comment, now):
        found = self._table("evidence")[evidence_id]
        if found.status != EvidenceStatus.SUBMITTED:
            return False
        self._table("evidence")[evidence_id] = replace(
            found, status=EvidenceStatus(status), reviewer_id=reviewer_id, comment=comment
        )
        return True

    async def offer_promotion(self, user_id, level, *, now):
        if (user_id, level) in self._table("promotions"):
            return False
        self._table("promotions")[(user_id, level)] = Promotion(user_id, level, PromotionStatus.OFFERED)
        return True

    async def promotion(self, user_id, level):
        found = self._table("promotions").get((user_id, level))
        return replace(found, user_name=self._name(user_id)) if found else None

    async def requested_promotions(self):
        return [
            replace(p, user_name=self._name(p.user_id))
            for p in self._table("promotions").values()
            if p.status == PromotionStatus.REQUESTED
        ]

    async def move_promotion(self, user_id, level, *, to, by, now):
        found = self._table("promotions").get((user_id, level))
        if found is None or found.status != STEPS[PromotionStatus(to)]:
            return False
        self._table("promotions")[(user_id, level)] = replace(found, status=PromotionStatus(to))
        return True

    async def admins(self):
        return sorted(u.id for u in self.db.users.values() if Role.ADMIN in u.roles)

    async def candidates(self, levels):
        users = self.db.users
        return [
            Candidate(
                p.user_id,
                users[p.user_id].name,
                users[p.user_id].site,
                users[p.user_id].staff_group,
                p.level,
                p.max_mentees,
                sum(
                    1
                    for m in self._table("mentorships").values()
                    if m.mentor_id == p.user_id and m.status == MentorshipStatus.ACTIVE
                ),
            )
            for p in sorted(self._table("profiles").values(), key=lambda p: p.user_id)
            if p.level in levels
        ]

    def _full(self, m: Mentorship) -> Mentorship:
        return replace(m, mentee_name=self._name(m.mentee_id), mentor_name=self._name(m.mentor_id))

    async def mentorships_of(self, mentee_id):
        return [self._full(m) for m in self._table("mentorships").values() if m.mentee_id == mentee_id]

    async def mentees_of(self, mentor_id):
        return [self._full(m) for m in self._table("mentorships").values() if m.mentor_id == mentor_id]

    async def propose(self, *, mentee_id, mentor_id, level, now):
        if any(m.mentee_id == mentee_id and m.status in OPEN_MENTORSHIPS for m in self._table("mentorships").values()):
            return None
        mentorship_id = next(self.db.ids)
        self._table("mentorships")[mentorship_id] = Mentorship(
            mentorship_id, mentee_id, mentor_id, level, MentorshipStatus.PROPOSED, now
        )
        return await self.get_mentorship(mentorship_id)

    async def get_mentorship(self, mentorship_id):
        found = self._table("mentorships").get(mentorship_id)
        return self._full(found) if found else None

    async def move_mentorship(self, mentorship_id, *, frm, to, now):
        found = self._table("mentorships")[mentorship_id]
        if found.status != frm:
            return False
        accepted = now if to == MentorshipStatus.ACTIVE else found.accepted_at
        self._table("mentorships")[mentorship_id] = replace(found, status=MentorshipStatus(to), accepted_at=accepted)
        return True

    async def active_mentorships(self):
        return [self._full(m) for m in self._table("mentorships").values() if m.status == MentorshipStatus.ACTIVE]

    async def level_counts(self):
        users = self.db.users
        return [
            (p.level, users[p.user_id].site, users[p.user_id].staff_group)
            for p in self._table("profiles").values()
            if p.level is not None
        ]


class RecordingCoachingMessages:
    def evidence_to_review(self, evidence, owner):
        return OutboundMessage(text=f"review {evidence.id} {owner}")

    def reviewed(self, evidence):
        return OutboundMessage(text=f"reviewed {evidence.id} {evidence.status.value}")

    def promotion_offered(self, level):
        return OutboundMessage(text=f"offered {level}")

    def promotion_to_confirm(self, promotion, name):
        return OutboundMessage(text=f"confirm {promotion.user_id} {promotion.level} {name}")

    def promoted(self, level):
        return OutboundMessage(text=f"promoted {level}")

    def mentor_request(self, mentorship, mentee):
        return OutboundMessage(text=f"request {mentorship.id} {mentee}")

    def mentor_answer(self, mentorship, mentor, *, accepted):
        return OutboundMessage(text=f"answer {mentorship.id} {mentor} {accepted}")

    def mentee_accepted(self, mentorship, mentee):
        return OutboundMessage(text=f"mentee {mentorship.id} {mentee}")

    def check_in(self, mentorship, other):
        return OutboundMessage(text=f"check-in {mentorship.id} {other}")


FAKE_REPOSITORY = FakeCoaching

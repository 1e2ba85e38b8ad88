"""In-memory learning repository."""

from __future__ import annotations

import copy
from dataclasses import replace

from core.learning.model import Serve
from tests.fakes import _Repo


class FakeLearning(_Repo):
    def _d(self, name, default):
        return self.db.__dict__.setdefault(name, default)

    async def get_card(self, user_id, question_id):
        card = self._d("cards", {}).get((user_id, question_id))
        return copy.copy(card)

    async def save_card(self, card, *, now):
        self._d("cards", {})[(card.user_id, card.question_id)] = copy.copy(card)

    async def cards(self, user_id):
        return [copy.copy(c) for (u, _), c in self._d("cards", {}).items() if u == user_id]

    async def add_serve(self, user_id, question_id, *, order, now):
        serve = Serve(
            id=next(self.db.ids),
            user_id=user_id,
            question_id=question_id,
            served_at=now,
            answered_at=None,
            order=tuple(order),
        )
        self._d("serves", {})[serve.id] = serve
        return serve

    async def latest_serve(self, user_id):
        mine = [s for s in self._d("serves", {}).values() if s.user_id == user_id]
        return max(mine, key=lambda s: s.id) if mine else None

    async def get_serve(self, serve_id):
        return self._d("serves", {}).get(serve_id)

    async def answer_serve(self, serve_id, *, now):
        serve = self._d("serves", {}).get(serve_id)
        if serve is None or serve.answered_at is not None:
            return False
        self._d("serves", {})[serve_id] = replace(serve, answered_at=now)
        return True

    async def add_review(self, **review):
        self._d("reviews", []).append(review)

    async def reviews_between(self, user_id, start, end):
        rows = [r for r in self._d("reviews", []) if r["user_id"] == user_id and start <= r["now"] < end]
        return sum(1 for r in rows if not r["new_card"]), sum(1 for r in rows if r["new_card"])

    async def review_times(self, user_id, *, since):
        return [r["now"] for r in self._d("reviews", []) if r["user_id"] == user_id and r["now"] >= since]

    async def mark_bite_seen(self, user_id, bite_id, *, now):
        self._d("bites", set()).add((user_id, bite_id))

    async def bites_seen(self, user_id):
        return {b for u, b in self._d("bites", set()) if u == user_id}

    async def record_completion(self, user_id, topic_id, *, now):
        done = self._d("completions", {})
        if (user_id, topic_id) in done:
            return False
        done[(user_id, topic_id)] = now
        return True

    async def completions(self, user_id):
        return {t: at for (u, t), at in self._d("completions", {}).items() if u == user_id}

    async def award(self, user_id, award, *, now):
        awards = self._d("awards", {})
        if (user_id, award) in awards:
            return False
        awards[(user_id, award)] = now
        return True

    async def awards(self, user_id):
        return {a: at for (u, a), at in self._d("awards", {}).items() if u == user_id}

    async def learners_due(self, *, due_before, not_practised_since=None):
        counts: dict[int, int] = {}
        practised = (
            {r["user_id"] for r in self._d("reviews", []) if r["now"] >= not_practised_since}
            if not_practised_since is not None
            else set()
        )
        for (user_id, _), card in self._d("cards", {}).items():
            if card.due < due_before and user_id not in practised:
                counts[user_id] = counts.get(user_id, 0) + 1
        return sorted(counts.items())

    async def learners_due_at(self, *, due_before, not_practised_since):
        due = await self.learners_due(due_before=due_before, not_practised_since=not_practised_since)
        prefs = self.db.preferences
        return [(u, n, prefs[u].learning_time if u in prefs else None) for u, n in due]

    async def learners_started(self, award):
        first: dict[int, object] = {}
        for r in self._d("reviews", []):
            first[r["user_id"]] = min(first.get(r["user_id"], r["now"]), r["now"])
        awards = {u: at for (u, a), at in self._d("awards", {}).items() if a == award}
        return [(user_id, at, awards.get(user_id)) for user_id, at in sorted(first.items())]

    async def participation_by_site(self, *, since):
        active = {r["user_id"] for r in self._d("reviews", []) if r["now"] >= since}
        sites: dict = {}
        for user in self.db.users.values():
            if user.onboarded_at:
                staff, practised = sites.get(user.site, (0, 0))
                sites[user.site] = (staff + 1, practised + (user.id in active))
        return [(site, staff, practised) for site, (staff, practised) in sorted(sites.items())]

    async def question_stats(self):
        stats: dict[str, tuple[int, int, set]] = {}
        for r in self._d("reviews", []):
            answers, correct, people = stats.get(r["question_id"], (0, 0, set()))
            stats[r["question_id"]] = (answers + 1, correct + r["correct"], people | {r["user_id"]})
        return [(q, a, c, len(p)) for q, (a, c, p) in stats.items()]

    async def award_evidence(self, award):
        found = []
        for (user_id, held), at in self._d("awards", {}).items():
            if held == award:
                user = self.db.users[user_id]
                found.append((user_id, at, user.site, user.staff_group))
        return sorted(found, key=lambda row: (row[1], row[0]))

    async def award_holders(self, award):
        counts: dict = {}
        for user_id, held in self._d("awards", {}):
            if held == award:
                user = self.db.users[user_id]
                counts[(user.site, user.staff_group)] = counts.get((user.site, user.staff_group), 0) + 1
        return [(site, group, n) for (site, group), n in sorted(counts.items(), key=lambda kv: str(kv[0]))]


FAKE_REPOSITORY = FakeLearning

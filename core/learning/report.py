"""For the faculty: how each question is answered, who holds the award, and practice by site.

Every count of people goes through core.kernel.suppression. The award's site and staff group breakdowns are two
breakdowns of the same people with one shared total, so they are suppressed together (a hidden site cannot be
worked out as the total minus the other sites). People with no site or staff group recorded keep their own row,
so both breakdowns add up to the total. A question's share correct is about answers, but a few people's answers
describe those people, so it is given only once enough different people have answered.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.kernel.content import Content, Organisation
from core.kernel.ports import UnitOfWork
from core.kernel.suppression import THRESHOLD, Breakdown, Cell, Share, count, footnote, share, suppress_breakdowns
from core.learning.content import Question

NOT_RECORDED = {"sites": "No site recorded", "staff_groups": "No staff group recorded"}
PRACTICE_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class QuestionStat:
    question: Question
    answers: int
    correct: int
    people: int  # different people who answered

    @property
    def share_correct(self) -> float | None:
        """Right answers as a share of answers; None while fewer than THRESHOLD people have answered."""
        return self.correct / self.answers if self.answers and self.people >= THRESHOLD else None

    @property
    def answered_by(self) -> Cell:
        return count(self.people)


@dataclass(frozen=True)
class SitePractice:
    site: str
    staff: Cell  # onboarded staff at the site
    practised: Share  # of them, who practised in the last 30 days ("all but <5 of 12" says nothing about the 2)


@dataclass(frozen=True)
class LearningReport:
    questions: list[QuestionStat]
    most_missed: list[QuestionStat]
    by_site: Breakdown  # people holding the award; by_site.total is by_staff_group.total
    by_staff_group: Breakdown
    participation: list[SitePractice]
    footnote: str

    @property
    def awarded(self) -> Cell:
        return self.by_site.total


def _label(org: Organisation, kind: str, value: str | None) -> str:
    return org.label(kind, value) if org.is_valid(kind, value) else NOT_RECORDED[kind]


def _breakdown(org: Organisation, kind: str, counts: Counter) -> dict[str, int]:
    """Every choice of the organisation in content order (0 where nobody), then the people with none recorded."""
    rows = {choice.label: 0 for choice in getattr(org, kind)}
    for value, n in counts.items():
        label = _label(org, kind, value)
        rows[label] = rows.get(label, 0) + n
    return rows


async def award_breakdowns(uow: UnitOfWork, *, content: Content) -> dict[str, Breakdown]:
    """The award's holders by site and by staff group, suppressed together against their shared total."""
    org = content.organisation
    holders = await uow.learning.award_holders(content.learning.rules.award)
    sites, groups = Counter(), Counter()
    for site, group, people in holders:
        sites[site] += people
        groups[group] += people
    total = sum(people for _, _, people in holders)
    return suppress_breakdowns(
        {"site": _breakdown(org, "sites", sites), "staff_group": _breakdown(org, "staff_groups", groups)}, total
    )


async def practice_by_site(uow: UnitOfWork, *, content: Content, now: datetime) -> list[SitePractice]:
    """Per site: onboarded staff, and how many of them practised in the last 30 days, as a protected share."""
    org = content.organisation
    rows: dict[str, tuple[int, int]] = {}
    for site, staff, active in await uow.learning.participation_by_site(since=now - PRACTICE_WINDOW):
        label = _label(org, "sites", site)
        had_staff, had_active = rows.get(label, (0, 0))
        rows[label] = (had_staff + staff, had_active + active)
    return [SitePractice(label, count(staff), share(active, staff)) for label, (staff, active) in rows.items()]


async def learning_report(uow: UnitOfWork, *, content: Content, now: datetime, min_answers: int = 5) -> LearningReport:
    stats = {qid: (answers, correct, people) for qid, answers, correct, people in await uow.learning.question_stats()}
    questions = [QuestionStat(q, *stats.get(q.id, (0, 0, 0))) for q in content.learning.questions]
    shown = [q for q in questions if q.share_correct is not None and q.answers >= min_answers]
    most_missed = sorted(shown, key=lambda q: (q.share_correct, -q.answers))[:5]
    awards = await award_breakdowns(uow, content=content)
    participation = await practice_by_site(uow, content=content, now=now)
    return LearningReport(
        questions, most_missed, awards["site"], awards["staff_group"], participation, footnote(THRESHOLD)
    )

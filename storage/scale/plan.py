"""What every part of the synthetic trust shares: its size, its five years, its seeded randomness and its staff."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from core.kernel.content import Content

YEARS = 5
# Full-size counts (scale 1.0), from issue 16.
FULL = {
    "staff": 15_000,
    "clinic_bookings": 60_000,
    "quiz_reviews": 500_000,
    "projects": 2_000,
    "course_attendances": 5_000,
    "survey_responses": 20_000,
    "forum_questions": 10_000,
    "action_sets": 150,
}
# NHS Hospital and Community Health Services workforce, England (NHS Digital, 2024), rounded: the share of staff in
# each staff group of content/organisation.yaml. A group the trust adds gets a small share.
STAFF_GROUP_SHARES = {
    "nursing_midwifery": 0.30,
    "clinical_support": 0.22,
    "admin_clerical": 0.19,
    "medical_dental": 0.10,
    "ahp": 0.07,
    "scientific_technical": 0.04,
    "estates_ancillary": 0.05,
    "healthcare_scientists": 0.02,
    "students": 0.01,
}
# The three acute hospitals carry most staff; community services the rest.
SITE_SHARES = {"basildon": 0.33, "broomfield": 0.30, "southend": 0.27, "community": 0.10}
EXPERIENCE_SHARES = {
    "none": 0.70,
    "qsir_fundamentals": 0.18,
    "qsir_practitioner": 0.08,
    "qsir_associate": 0.03,
    "coach": 0.01,
}
FIRST_NAMES = (
    "Amara Ben Chloe Dev Ella Femi Grace Hassan Isla Jack Kiran Leah Mo Nia Olu Priya Quinn Rosa Sam Tom Uma "
    "Vik Wen Yusuf Zoe Aisha Ravi Megan Tariq Sian"
).split()
LAST_NAMES = (
    "Adams Begum Clarke Das Evans Fox Green Hughes Iqbal Jones Khan Lewis Mensah Nowak Okafor Patel Quinn Reid "
    "Shah Taylor Usman Vaughan Walsh Young Zhang Osei Kowalski Brown Smith Ahmed"
).split()


@dataclass
class Person:
    id: int
    site: str
    group: str
    experience: str
    joined: datetime
    address_id: int = 0


@dataclass
class Trust:
    """The plan the sections fill in, in order; each section takes its own seeded random stream."""

    content: Content
    seed: int
    scale: float
    today: date
    pseudonym: Callable[[int], str]
    staff: list[Person] = field(default_factory=list)
    coaches: dict[str, list[int]] = field(default_factory=dict)  # site -> coach user ids
    facilitators: list[int] = field(default_factory=list)
    admins: list[int] = field(default_factory=list)
    # (id, lead, status, site, division) of every project, for the abstracts and stories that name one
    projects: list[tuple[int, int, str, str | None, str | None]] = field(default_factory=list)

    @property
    def end(self) -> datetime:
        """Noon UTC on `today`: the generated past ends here; bookings and meetings after it are in the future."""
        return datetime.combine(self.today, time(12), tzinfo=UTC)

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=365 * YEARS)

    def count(self, what: str) -> int:
        return max(1, round(FULL[what] * self.scale))

    def rng(self, section: str) -> random.Random:
        """A stream of its own per section: the same seed gives the same rows, section by section."""
        return random.Random(f"{self.seed}:{section}")

    def moment(self, rng: random.Random, *, after: datetime | None = None, before: datetime | None = None) -> datetime:
        """A time in working hours (UTC 08:00 to 17:00, a weekday) between `after` and `before`."""
        low = after or self.start
        high = before or self.end
        span = max(1, int((high - low).total_seconds()))
        at = low + timedelta(seconds=rng.randrange(span))
        if at.weekday() >= 5:
            at -= timedelta(days=at.weekday() - 4)
        at = at.replace(hour=8 + rng.randrange(9), minute=rng.randrange(60), second=0, microsecond=0)
        return min(max(at, low), high)

    def person(self, rng: random.Random, *, site: str | None = None) -> Person:
        if site is None:
            return self.staff[rng.randrange(len(self.staff))]
        here = self.by_site[site]
        return here[rng.randrange(len(here))]

    @property
    def by_site(self) -> dict[str, list[Person]]:
        if not hasattr(self, "_by_site"):
            grouped: dict[str, list[Person]] = {}
            for p in self.staff:
                grouped.setdefault(p.site, []).append(p)
            self._by_site = grouped
        return self._by_site


def shares(choices: list[str], known: dict[str, float]) -> list[float]:
    """Weights for `choices` (the content's ids), from the known shares; an id not known gets 1%."""
    return [known.get(c, 0.01) for c in choices]

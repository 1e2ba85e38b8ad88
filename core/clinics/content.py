"""Clinic content (content/clinics.yaml): booking rules, the recurring series, message wording."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from core.kernel.content import Choice


@dataclass(frozen=True)
class ClinicRules:
    max_future_bookings: int
    closes_before: timedelta
    weeks_shown: int
    help_with: tuple[Choice, ...]


@dataclass(frozen=True)
class ClinicSeries:
    """A recurring clinic in content/clinics.yaml; `qibot clinics sync` turns it into sessions."""

    key: str
    site: str
    weekday: int  # 0 = Monday
    start: time  # local
    minutes: int
    capacity: int
    coach: str  # Teams user id or AAD object id
    venue: str | None
    online_url: str | None
    focus: str | None
    weeks_ahead: int


@dataclass(frozen=True)
class ClinicContent:
    rules: ClinicRules
    series: tuple[ClinicSeries, ...]
    messages: dict[str, str]

    def say(self, key: str, **values: str) -> str:
        return self.messages[key].format(**values)

"""Content the organisation edits (sites, staff groups, nudge rules), as typed objects.

The YAML files are read and validated by `storage.content`; the rest of the code only sees these types.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core.model import WorkingHours


@dataclass(frozen=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True)
class Organisation:
    name: str
    short_name: str
    sites: tuple[Choice, ...]
    staff_groups: tuple[Choice, ...]
    experience_levels: tuple[Choice, ...]

    def label(self, kind: str, value: str | None) -> str:
        for choice in getattr(self, kind):
            if choice.id == value:
                return choice.label
        return "not set"

    def is_valid(self, kind: str, value: str | None) -> bool:
        return any(choice.id == value for choice in getattr(self, kind))


@dataclass(frozen=True)
class NudgeCategory:
    id: str
    label: str
    description: str
    transactional: bool  # reminders a person asked for: they do not use up the daily budget


@dataclass(frozen=True)
class NudgeRules:
    timezone: ZoneInfo
    default_hours: WorkingHours
    daily_budget: int
    max_pause_days: int
    categories: tuple[NudgeCategory, ...]

    def category(self, category_id: str) -> NudgeCategory:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(f"unknown nudge category {category_id!r}")


@dataclass(frozen=True)
class Content:
    organisation: Organisation
    nudges: NudgeRules

"""The organisation's content every capability shares (sites, staff groups, nudge rules), as typed objects.

The YAML files are read and validated by `storage.content`; the rest of the code only sees these types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from core.kernel.intents import Intents
from core.kernel.model import WorkingHours


@dataclass(frozen=True)
class Choice:
    id: str
    label: str


def choice_label(choices, value: str | None, missing: str = "not set") -> str:
    """The label of the choice whose id is `value` (any objects with `id` and `label`), or `missing`."""
    return next((choice.label for choice in choices if choice.id == value), missing)


@dataclass(frozen=True)
class Organisation:
    name: str
    short_name: str
    sites: tuple[Choice, ...]
    staff_groups: tuple[Choice, ...]
    experience_levels: tuple[Choice, ...]
    timezone: ZoneInfo = ZoneInfo("Europe/London")  # every local date and time the bot shows or schedules

    def label(self, kind: str, value: str | None) -> str:
        return choice_label(getattr(self, kind), value)

    def is_valid(self, kind: str, value: str | None) -> bool:
        return any(choice.id == value for choice in getattr(self, kind))


@dataclass(frozen=True)
class NudgeCategory:
    id: str
    label: str
    description: str
    transactional: bool  # reminders a person asked for: they do not use up the daily budget
    can_opt_out: bool = True  # False for service messages (a cancelled session, a coach's attendance card)


@dataclass(frozen=True)
class NudgeRules:
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
    """The organisation's shared content, plus each capability's own (`content.clinics`, ...), keyed by name.

    Capabilities reach their own part by attribute, so no shared type grows a field per capability.
    """

    organisation: Organisation
    nudges: NudgeRules
    parts: Mapping[str, Any] = field(default_factory=dict)
    runs_table: Any = None  # core.measurement.RunsTable: the published run chart runs table, for every chart
    intents: Intents = field(default_factory=Intents)  # plain phrases that reach a command

    def __getattr__(self, name: str) -> Any:
        parts = self.__dict__.get("parts", {})
        if name in parts:
            return parts[name]
        raise AttributeError(f"no content named {name!r}")

    def with_part(self, name: str, part: Any) -> Content:
        """A copy with one capability's content replaced (tests and previews)."""
        return Content(self.organisation, self.nudges, {**self.parts, name: part}, self.runs_table, self.intents)

"""Set content (content/sets.yaml): the rules and the wording of set messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class SetRules:
    min_members: int
    max_members: int
    min_weeks_between: int
    max_weeks_between: int
    min_meetings: int
    max_meetings: int
    meeting_minutes: int
    max_actions: int
    reminder_time: time
    presenter_prompt_days: int
    attendance_check_days: int


@dataclass(frozen=True)
class SetContent:
    rules: SetRules
    messages: dict[str, str]

    def say(self, key: str, **values: str) -> str:
        return self.messages[key].format(**values)

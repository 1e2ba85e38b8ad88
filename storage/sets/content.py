"""Loads and checks content/sets.yaml."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from core.kernel.content import Organisation
from core.sets.content import SetContent, SetRules
from storage.content import ContentError, check_placeholders, load_yaml, schema_for

PLACEHOLDERS = ("set", "when", "where", "name")


def load_sets(content_dir: Path, organisation: Organisation) -> SetContent:
    path = content_dir / "sets.yaml"
    doc = load_yaml(path, schema_for(content_dir, "sets"))
    rules = doc["rules"]
    for low, high in (("min_members", "max_members"), ("min_weeks_between", "max_weeks_between")):
        if rules[low] > rules[high]:
            raise ContentError(f"{path}:{doc['rules'].item_lines[low]}: rules/{low}: more than {high}")
    if rules["min_meetings"] > rules["max_meetings"]:
        raise ContentError(f"{path}:{doc['rules'].item_lines['min_meetings']}: rules/min_meetings: more than max")
    check_placeholders(path, doc, "messages", PLACEHOLDERS)
    return SetContent(
        rules=SetRules(
            min_members=rules["min_members"],
            max_members=rules["max_members"],
            min_weeks_between=rules["min_weeks_between"],
            max_weeks_between=rules["max_weeks_between"],
            min_meetings=rules["min_meetings"],
            max_meetings=rules["max_meetings"],
            meeting_minutes=rules["meeting_minutes"],
            max_actions=rules["max_actions"],
            reminder_time=time.fromisoformat(rules["reminder_time"]),
            presenter_prompt_days=rules["presenter_prompt_days"],
            attendance_check_days=rules["attendance_check_days"],
        ),
        messages=dict(doc["messages"]),
    )

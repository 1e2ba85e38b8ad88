"""Loads and checks content/coaching.yaml."""

from __future__ import annotations

from pathlib import Path

from core.coaching.content import CoachingContent, Competency, Level, MentoringRules
from core.kernel.content import Organisation
from storage.content import ContentError, check_placeholders, load_yaml, require_unique_ids, schema_for

PLACEHOLDERS = ("name", "competency", "level")


def load_coaching(content_dir: Path, organisation: Organisation) -> CoachingContent:
    path = content_dir / "coaching.yaml"
    doc = load_yaml(path, schema_for(content_dir, "coaching"))
    require_unique_ids(path, doc, "competencies")
    require_unique_ids(path, doc, "levels")
    known = {c["id"] for c in doc["competencies"]}
    for index, level in enumerate(doc["levels"]):
        for competency in level["competencies"]:
            if competency not in known:
                line = doc["levels"].item_lines[index]
                raise ContentError(f"{path}:{line}: levels/{index}/competencies: unknown competency {competency!r}")
    check_placeholders(path, doc, "messages", PLACEHOLDERS)
    rules = doc["mentoring"]
    return CoachingContent(
        competencies=tuple(Competency(c["id"], c["label"], c["plain"]) for c in doc["competencies"]),
        levels=tuple(
            Level(
                id=level["id"],
                label=level["label"],
                plain=level["plain"],
                competencies=tuple(level["competencies"]),
                mentored=level.get("mentored", False),
                signs_off=level.get("signs_off", False),
                role=level.get("role"),
            )
            for level in doc["levels"]
        ),
        mentoring=MentoringRules(rules["max_mentees"], rules["proposals"], rules["check_in_weeks"]),
        messages=dict(doc["messages"]),
    )

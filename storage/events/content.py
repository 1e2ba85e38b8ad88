"""Loads and checks content/events.yaml."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.events.content import EventContent, EventRules, Question, Template
from core.kernel.content import Organisation
from storage.content import ContentError, choices, load_yaml, require_unique_ids, schema_for

PLACEHOLDERS = dict.fromkeys(("title", "when", "where", "date"), "x")


def load_events(content_dir: Path, organisation: Organisation) -> EventContent:
    path = content_dir / "events.yaml"
    doc = load_yaml(path, schema_for(content_dir, "events"))
    for key in ("questions", "templates", "rubric"):
        require_unique_ids(path, doc, key)
    question_ids = {q["id"] for q in doc["questions"]}
    template_ids = {t["id"] for t in doc["templates"]}
    templates = []
    for index, item in enumerate(doc["templates"]):
        line = doc["templates"].item_lines[index]
        where = f"{path}:{line}: templates/{index}"
        for field, known, what in (
            ("questions", question_ids, "question"),
            ("requires", template_ids - {item["id"]}, "template"),
        ):
            unknown = [value for value in item.get(field, []) if value not in known]
            if unknown:
                raise ContentError(f"{where}/{field}: unknown {what} {unknown[0]!r}")
        levels = [item.get("awards_experience"), *item.get("done_if_experience", [])]
        unknown_levels = [lv for lv in levels if lv is not None and not organisation.is_valid("experience_levels", lv)]
        if unknown_levels:
            raise ContentError(f"{where}: unknown experience level {unknown_levels[0]!r} (organisation.yaml)")
        templates.append(
            Template(
                id=item["id"],
                kind=item["kind"],
                title=item["title"],
                description=item["description"],
                dates=item["dates"],
                capacity=item["capacity"],
                requires=tuple(item.get("requires", [])),
                questions=tuple(item.get("questions", [])),
                awards_experience=item.get("awards_experience"),
                done_if_experience=tuple(item.get("done_if_experience", [])),
            )
        )
    for key, template in doc["messages"].items():
        try:
            template.format(**PLACEHOLDERS)
        except (KeyError, IndexError, ValueError) as exc:
            line = doc["messages"].item_lines[key]
            raise ContentError(f"{path}:{line}: messages/{key}: unknown or broken placeholder {exc}") from exc
    rules = doc["rules"]
    return EventContent(
        rules=EventRules(
            months_shown=rules["months_shown"],
            closes_before=timedelta(days=rules["closes_days_before"]),
            checkin_opens_before=timedelta(minutes=rules["checkin_opens_minutes_before"]),
            checkin_code_lifetime=timedelta(minutes=rules["checkin_code_minutes"]),
            abstract_word_limit=rules["abstract_word_limit"],
            poster_max_bytes=rules["poster_max_mb"] * 1024 * 1024,
        ),
        questions=tuple(Question(q["id"], q["label"], q["kind"]) for q in doc["questions"]),
        templates=tuple(templates),
        rubric=choices(doc["rubric"]),
        messages=dict(doc["messages"]),
    )

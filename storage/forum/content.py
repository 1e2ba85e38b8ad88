"""Loads and checks content/forum.yaml; reads and writes the FAQ file (content/faq.yaml) for export and import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from core.forum.content import ForumContent
from core.forum.faq import FaqImport
from core.forum.model import FaqEntry
from core.kernel.content import Organisation
from storage.content import ContentError, choices, load_yaml, require_unique_ids, schema_for


def load_forum(content_dir: Path, organisation: Organisation) -> ForumContent:
    path = content_dir / "forum.yaml"
    doc = load_yaml(path, schema_for(content_dir, "forum"))
    require_unique_ids(path, doc, "topics")
    holidays = set()
    for index, value in enumerate(doc["bank_holidays"]):
        try:
            holidays.add(date.fromisoformat(value))
        except ValueError:
            line = doc["bank_holidays"].item_lines[index]
            raise ContentError(f"{path}:{line}: bank_holidays/{index}: {value!r} is not a date") from None
    topics = choices(doc["topics"])
    faq = content_dir / "faq.yaml"
    if faq.exists():  # the seed FAQ is checked at start-up too, so a broken file is found before an import
        for entry in read_faq_file(faq, content_dir):
            if entry.topic not in {t.id for t in topics}:
                raise ContentError(f"{faq}: entry {entry.slug!r}: unknown topic {entry.topic!r}")
    limits, sla = doc["limits"], doc["sla"]
    return ForumContent(
        topics=topics,
        question_characters=limits["question_characters"],
        reply_characters=limits["reply_characters"],
        suggestions=limits["suggestions"],
        answer_within=float(sla["answer_within"]),
        then_everyone_after=float(sla["then_everyone_after"]),
        bank_holidays=frozenset(holidays),
    )


def read_faq_file(path: Path, content_dir: Path | None = None) -> list[FaqImport]:
    """The entries of an FAQ file, checked against content/schemas/faq.schema.yaml (slugs unique)."""
    doc = load_yaml(path, schema_for(content_dir or path.parent, "faq"))
    seen: set[str] = set()
    entries = []
    for index, item in enumerate(doc["entries"]):
        if item["slug"] in seen:
            line = doc["entries"].item_lines[index]
            raise ContentError(f"{path}:{line}: entries/{index}/slug: duplicate slug {item['slug']!r}")
        seen.add(item["slug"])
        entries.append(
            FaqImport(
                slug=item["slug"],
                topic=item["topic"],
                question=item["question"].strip(),
                answer=item["answer"].strip(),
                keywords=item.get("keywords", ""),
            )
        )
    return entries


HEADER = (
    "# The forum's FAQ, exported from the database by `qibot forum faq-export`. Edit it and load it with\n"
    "# `qibot forum faq-import` (new slugs are added, known ones updated).\n"
)


def write_faq_file(path: Path, entries: list[FaqEntry]) -> None:
    doc = {
        "entries": [
            {"slug": e.slug, "topic": e.topic, "question": e.question, "answer": e.answer, "keywords": e.keywords}
            for e in entries
        ]
    }
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)
    path.write_text(HEADER + body, encoding="utf-8")

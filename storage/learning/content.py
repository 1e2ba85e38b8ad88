"""Loads and checks the micro-learning pack (content/learning.yaml and content/learning/*.yaml)."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

from core.kernel.content import Organisation
from core.learning.content import Bite, LearningContent, LearningRules, Question, Topic
from storage.content import ContentError, load_yaml, schema_for

MAX_BITE_WORDS = 80


def load_learning(content_dir: Path, organisation: Organisation | None = None) -> LearningContent:
    settings_path = content_dir / "learning.yaml"
    doc = load_yaml(settings_path, schema_for(content_dir, "learning-settings"))
    rules = LearningRules(
        daily_new_questions=doc["daily_new_questions"],
        daily_review_cap=doc["daily_review_cap"],
        again_after=timedelta(minutes=doc["again_minutes"]),
        desired_retention=doc["desired_retention"],
        quick_answer=timedelta(seconds=doc["quick_answer_seconds"]),
        mastery_stability_days=doc["mastery_stability_days"],
        completion_share=doc["completion_share"],
        award=doc["award"],
        default_nudge_time=time.fromisoformat(doc["default_nudge_time"]),
        nudge_message=doc["messages"]["nudge"],
    )
    try:
        rules.nudge_message.format(count=3, minutes=2)
    except (KeyError, IndexError, ValueError) as exc:
        line = doc["messages"].item_lines["nudge"]
        raise ContentError(f"{settings_path}:{line}: messages/nudge: unknown or broken placeholder {exc}") from exc
    schema = schema_for(content_dir, "learning")
    topics: list[Topic] = []
    seen: dict[str, str] = {}
    files = sorted((content_dir / "learning").glob("*.yaml"))
    if not files:
        raise ContentError(f"{content_dir / 'learning'}: no topic files (*.yaml)")
    for path in files:
        topic_doc = load_yaml(path, schema)
        for kind in ("bites", "questions"):
            for index, item in enumerate(topic_doc[kind]):
                line = topic_doc[kind].item_lines[index]
                if item["id"] in seen:
                    raise ContentError(
                        f"{path}:{line}: {kind}/{index}/id: {item['id']!r} is also used in {seen[item['id']]}"
                    )
                seen[item["id"]] = path.name
                if kind == "bites":
                    words = len(f"{item['text']} {item['example']}".split())
                    if words > MAX_BITE_WORDS:
                        raise ContentError(
                            f"{path}:{line}: bites/{index}: {words} words; a bite has at most {MAX_BITE_WORDS}"
                        )
                elif item["answer"] >= len(item["options"]):
                    raise ContentError(
                        f"{path}:{line}: questions/{index}/answer: {item['answer']} but only "
                        f"{len(item['options'])} options (answers count from 0)"
                    )
        if topic_doc["id"] in {t.id for t in topics}:
            raise ContentError(f"{path}:{topic_doc.item_lines['id']}: id: topic {topic_doc['id']!r} is defined twice")
        topics.append(
            Topic(
                pack=topic_doc["pack"],
                id=topic_doc["id"],
                title=topic_doc["title"],
                order=topic_doc["order"],
                summary=topic_doc["summary"],
                bites=tuple(Bite(b["id"], b["title"], b["text"], b["example"]) for b in topic_doc["bites"]),
                questions=tuple(
                    Question(
                        id=q["id"],
                        topic_id=topic_doc["id"],
                        stem=q["stem"],
                        options=tuple(q["options"]),
                        answer=q["answer"],
                        explanation=q["explanation"],
                        source=q["source"],
                        rule_set=q.get("rule_set"),
                    )
                    for q in topic_doc["questions"]
                ),
            )
        )
    return LearningContent(rules=rules, topics=tuple(sorted(topics, key=lambda t: (t.order, t.id))))

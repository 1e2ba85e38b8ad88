"""Load and validate the YAML content files. A broken file stops start-up with file, line and problem."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jsonschema
import yaml

from core.content import (
    Bite,
    Choice,
    ClinicContent,
    ClinicRules,
    ClinicSeries,
    Content,
    GovernanceQuestion,
    LearningContent,
    LearningRules,
    NudgeCategory,
    NudgeRules,
    Organisation,
    ProjectRules,
    Question,
    Topic,
)
from core.measurement import RunsTable
from core.working_hours import DAY_NAMES, parse_hours

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


class ContentError(Exception):
    """A content file is missing, unreadable or does not match its schema."""


class _LineLoader(yaml.SafeLoader):
    """Records the line of every mapping and sequence so schema errors can point at the file."""


def _construct_with_lines(kind):
    def construct(loader, node):
        value = (loader.construct_mapping if kind == "map" else loader.construct_sequence)(node, deep=True)
        value = _Lined(value) if kind == "map" else _LinedList(value)
        value.line = node.start_mark.line + 1
        value.item_lines = (
            {k.value: k.start_mark.line + 1 for k, _ in node.value}
            if kind == "map"
            else [item.start_mark.line + 1 for item in node.value]
        )
        return value

    return construct


class _Lined(dict):
    line: int
    item_lines: dict


class _LinedList(list):
    line: int
    item_lines: list


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_with_lines("map"))
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_with_lines("seq"))


def _line_of(document: Any, path) -> int | None:
    """The line of the deepest key or item on `path` that the loader recorded."""
    node, line = document, getattr(document, "line", None)
    for key in path:
        try:
            line = node.item_lines[key]
            node = node[key]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
    return line


def load_yaml(path: Path, schema: dict[str, Any] | None = None) -> Any:
    """Parse a YAML file and validate it; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ContentError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if schema is not None:
        validator = jsonschema.Draft202012Validator(schema)
        located = sorted(
            ((_line_of(document, list(e.absolute_path)) or 0, e) for e in validator.iter_errors(document)),
            key=lambda pair: pair[0],
        )
        if located:
            line, error = located[0]
            field = "/".join(str(p) for p in error.absolute_path) or "(top level)"
            raise ContentError(f"{path}:{line or '?'}: {field}: {error.message}")
    return document


def _schema(content_dir: Path, name: str) -> dict[str, Any]:
    schema_path = content_dir / "schemas" / f"{name}.schema.yaml"
    if not schema_path.exists():
        schema_path = DEFAULT_CONTENT_DIR / "schemas" / f"{name}.schema.yaml"
    return yaml.safe_load(schema_path.read_text(encoding="utf-8"))


def _choices(items) -> tuple[Choice, ...]:
    return tuple(Choice(id=i["id"], label=i["label"]) for i in items)


def _unique_ids(path: Path, document, key: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(document[key]):
        if item["id"] in seen:
            line = document[key].item_lines[index]
            raise ContentError(f"{path}:{line}: {key}/{index}/id: duplicate id {item['id']!r}")
        seen.add(item["id"])


def load_organisation(content_dir: Path) -> Organisation:
    path = content_dir / "organisation.yaml"
    doc = load_yaml(path, _schema(content_dir, "organisation"))
    for key in ("sites", "staff_groups", "experience_levels"):
        _unique_ids(path, doc, key)
    return Organisation(
        name=doc["name"],
        short_name=doc["short_name"],
        sites=_choices(doc["sites"]),
        staff_groups=_choices(doc["staff_groups"]),
        experience_levels=_choices(doc["experience_levels"]),
    )


def load_nudge_rules(content_dir: Path) -> NudgeRules:
    path = content_dir / "nudges.yaml"
    doc = load_yaml(path, _schema(content_dir, "nudges"))
    _unique_ids(path, doc, "categories")
    try:
        tz = ZoneInfo(doc["timezone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ContentError(f"{path}:{doc.item_lines['timezone']}: timezone: unknown zone {doc['timezone']!r}") from exc
    try:
        hours = parse_hours(doc["default_hours"]["hours"], doc["default_hours"]["days"])
    except ValueError as exc:
        raise ContentError(f"{path}:{doc.item_lines['default_hours']}: default_hours: {exc}") from exc
    return NudgeRules(
        timezone=tz,
        default_hours=hours,
        daily_budget=doc["daily_budget"],
        max_pause_days=doc["max_pause_days"],
        categories=tuple(
            NudgeCategory(
                id=c["id"],
                label=c["label"],
                description=c["description"],
                transactional=c["transactional"],
                can_opt_out=c.get("can_opt_out", True),
            )
            for c in doc["categories"]
        ),
    )


def load_clinics(content_dir: Path, organisation: Organisation) -> ClinicContent:
    path = content_dir / "clinics.yaml"
    doc = load_yaml(path, _schema(content_dir, "clinics"))
    _unique_ids(path, doc, "help_with")
    seen: set[str] = set()
    series = []
    for index, item in enumerate(doc["series"]):
        line = doc["series"].item_lines[index]
        if item["key"] in seen:
            raise ContentError(f"{path}:{line}: series/{index}/key: duplicate key {item['key']!r}")
        seen.add(item["key"])
        if not organisation.is_valid("sites", item["site"]):
            raise ContentError(f"{path}:{line}: series/{index}/site: unknown site {item['site']!r}")
        series.append(
            ClinicSeries(
                key=item["key"],
                site=item["site"],
                weekday=DAY_NAMES.index(item["weekday"]),
                start=time.fromisoformat(item["time"]),
                minutes=item["minutes"],
                capacity=item["capacity"],
                coach=item["coach"],
                venue=item.get("venue"),
                online_url=item.get("online_url"),
                focus=item.get("focus"),
                weeks_ahead=item["weeks_ahead"],
            )
        )
    rules = doc["booking"]
    placeholders = dict.fromkeys(("when", "time", "where", "site", "name", "reason", "help_with"), "x")
    for key, template in doc["messages"].items():
        try:
            template.format(**placeholders)
        except (KeyError, IndexError, ValueError) as exc:
            line = doc["messages"].item_lines[key]
            raise ContentError(f"{path}:{line}: messages/{key}: unknown or broken placeholder {exc}") from exc
    return ClinicContent(
        messages=dict(doc["messages"]),
        rules=ClinicRules(
            max_future_bookings=rules["max_future_bookings"],
            closes_before=timedelta(minutes=rules["closes_minutes_before"]),
            weeks_shown=rules["weeks_shown"],
            help_with=_choices(doc["help_with"]),
        ),
        series=tuple(series),
    )


MAX_BITE_WORDS = 80


def load_learning(content_dir: Path) -> LearningContent:
    settings_path = content_dir / "learning.yaml"
    doc = load_yaml(settings_path, _schema(content_dir, "learning-settings"))
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
    schema = _schema(content_dir, "learning")
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


def load_projects(content_dir: Path) -> ProjectRules:
    path = content_dir / "projects.yaml"
    doc = load_yaml(path, _schema(content_dir, "projects"))
    for key in ("divisions", "strategic_aims", "governance"):
        _unique_ids(path, doc, key)
    scores = [item["score"] for item in doc["progress_scores"]]
    if scores != [x / 2 for x in range(1, 11)]:
        raise ContentError(f"{path}:{doc.item_lines['progress_scores']}: progress_scores: must be 0.5, 1.0 ... 5.0")
    return ProjectRules(
        divisions=_choices(doc["divisions"]),
        strategic_aims=_choices(doc["strategic_aims"]),
        problem_max_words=doc["problem_max_words"],
        team_max=doc["team_max"],
        stale_after=timedelta(days=doc["stale_after_days"]),
        governance=tuple(
            GovernanceQuestion(g["id"], g["question"], g["label"], g["signpost"]) for g in doc["governance"]
        ),
        progress_scores=tuple((float(item["score"]), item["meaning"]) for item in doc["progress_scores"]),
    )


def load_runs_table(content_dir: Path) -> RunsTable:
    """The published too-few / too-many runs table the run chart rules use (content/run_chart_runs_table.yaml)."""
    path = content_dir / "run_chart_runs_table.yaml"
    if not path.exists():
        path = DEFAULT_CONTENT_DIR / "run_chart_runs_table.yaml"
    doc = load_yaml(path, _schema(content_dir, "run-chart-runs-table"))
    limits: dict[int, tuple[int, int]] = {}
    for index, row in enumerate(doc["rows"]):
        line = doc["rows"].item_lines[index]
        if row["points"] in limits:
            raise ContentError(f"{path}:{line}: rows/{index}/points: {row['points']} points appear twice")
        limits[row["points"]] = (row["lower"], row["upper"])
        try:
            RunsTable(limits=dict(limits), source=doc["source"])
        except ValueError as exc:
            raise ContentError(f"{path}:{line}: rows/{index}: {exc}") from exc
    return RunsTable(limits=limits, source=doc["source"])


def load_content(content_dir: Path | None = None) -> Content:
    content_dir = content_dir or DEFAULT_CONTENT_DIR
    organisation = load_organisation(content_dir)
    return Content(
        organisation=organisation,
        nudges=load_nudge_rules(content_dir),
        clinics=load_clinics(content_dir, organisation),
        learning=load_learning(content_dir),
        projects=load_projects(content_dir),
        runs_table=load_runs_table(content_dir),
    )

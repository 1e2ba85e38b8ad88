from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jsonschema
import yaml

from core.kernel.content import Choice, Content, NudgeCategory, NudgeRules, Organisation
from core.kernel.intents import Intents
from core.kernel.working_hours import parse_hours
from core.measurement import RunsTable

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


def schema_for(content_dir: Path, name: str) -> dict[str, Any]:
    schema_path = content_dir / "schemas" / f"{name}.schema.yaml"
    if not schema_path.exists():
        schema_path = DEFAULT_CONTENT_DIR / "schemas" / f"{name}.schema.yaml"
    return yaml.safe_load(schema_path.read_text(encoding="utf-8"))


def choices(items) -> tuple[Choice, ...]:
    return tuple(Choice(id=i["id"], label=i["label"]) for i in items)


def require_unique_ids(path: Path, document, key: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(document[key]):
        if item["id"] in seen:
            line = document[key].item_lines[index]
            raise ContentError(f"{path}:{line}: {key}/{index}/id: duplicate id {item['id']!r}")
        seen.add(item["id"])


def load_organisation(content_dir: Path) -> Organisation:
    path = content_dir / "organisation.yaml"
    doc = load_yaml(path, schema_for(content_dir, "organisation"))
    for key in ("sites", "staff_groups", "experience_levels"):
        require_unique_ids(path, doc, key)
    try:
        tz = ZoneInfo(doc["timezone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ContentError(f"{path}:{doc.item_lines['timezone']}: timezone: unknown zone {doc['timezone']!r}") from exc
    return Organisation(
        name=doc["name"],
        short_name=doc["short_name"],
        sites=choices(doc["sites"]),
        staff_groups=choices(doc["staff_groups"]),
        experience_levels=choices(doc["experience_levels"]),
        timezone=tz,
    )


def load_nudge_rules(content_dir: Path) -> NudgeRules:
    path = content_dir / "nudges.yaml"
    doc = load_yaml(path, schema_for(content_dir, "nudges"))
    require_unique_ids(path, doc, "categories")
    try:
        hours = parse_hours(doc["default_hours"]["hours"], doc["default_hours"]["days"])
    except ValueError as exc:
        raise ContentError(f"{path}:{doc.item_lines['default_hours']}: default_hours: {exc}") from exc
    return NudgeRules(
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


def load_runs_table(content_dir: Path) -> RunsTable:
    """The published too-few / too-many runs table the run chart rules use (content/run_chart_runs_table.yaml)."""
    path = content_dir / "run_chart_runs_table.yaml"
    if not path.exists():
        path = DEFAULT_CONTENT_DIR / "run_chart_runs_table.yaml"
    doc = load_yaml(path, schema_for(content_dir, "run-chart-runs-table"))
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


def load_intents(content_dir: Path) -> Intents:
    """Plain phrases to commands (content/intents.yaml); the router checks each names a command it has."""
    path = content_dir / "intents.yaml"
    if not path.exists():
        return Intents()
    return Intents.from_content(load_yaml(path, schema_for(content_dir, "intents")))


ContentLoader = Callable[[Path, Organisation], Any]


def load_content(loaders: Mapping[str, ContentLoader], content_dir: Path | None = None) -> Content:
    """The shared content, then each capability's part with its own loader (from the capability registry)."""
    content_dir = content_dir or DEFAULT_CONTENT_DIR
    organisation = load_organisation(content_dir)
    parts = {name: load(content_dir, organisation) for name, load in loaders.items()}
    return Content(
        organisation=organisation,
        nudges=load_nudge_rules(content_dir),
        parts=parts,
        runs_table=load_runs_table(content_dir),
        intents=load_intents(content_dir),
    )


def check_placeholders(path: Path, document, key: str, placeholders: tuple[str, ...]) -> None:
    """Every wording template under `key` may use only `placeholders` ({name}, ...): a typo stops start-up with
    the file and line."""
    values = dict.fromkeys(placeholders, "x")
    for name, template in document[key].items():
        try:
            template.format(**values)
        except (KeyError, IndexError, ValueError) as exc:
            line = document[key].item_lines[name]
            raise ContentError(f"{path}:{line}: {key}/{name}: unknown or broken placeholder {exc}") from exc

"""Loads and checks the survey instruments (content/surveys/*.yaml, one instrument a file).

The schema (content/schemas/surveys.schema.yaml) checks each file's shape; this checks what a schema cannot, and
every problem names the file and line: ids unique within the file and across files, every scale an item or a
score names exists, 4, 5 or 7 points in increasing order, a scale score over likert items of one scale, a
follow-up that says after what and when, and choices that are not the reserved "prefer not to say".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.kernel.content import Choice, Organisation
from core.surveys.content import (
    DECLINED,
    LIKERT,
    MULTIPLE,
    SINGLE,
    TEXT,
    Instrument,
    Item,
    Scale,
    Scoring,
    Section,
    SurveyContent,
    TriggerRule,
)
from storage.content import DEFAULT_CONTENT_DIR, ContentError, choices, load_yaml, schema_for

POINT_COUNTS = (4, 5, 7)


def _line(node: Any, key: Any) -> int | str:
    try:
        return node.item_lines[key]
    except (AttributeError, KeyError, IndexError, TypeError):
        return getattr(node, "line", "?")


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: Any, key: Any, where: str, problem: str) -> None:
        raise ContentError(f"{self.path}:{_line(node, key)}: {where}: {problem}")


def _scale(check: _Checker, scales: Any, key: str) -> Scale:
    spec = scales[key]
    where = f"scales/{key}"
    if "range" in spec:
        rng = spec["range"]
        if rng["min"] >= rng["max"]:
            check.fail(scales, key, where, "range min must be below max")
        return Scale(key, low=rng["min"], high=rng["max"], low_label=rng["low_label"], high_label=rng["high_label"])
    points = spec["points"]
    if len(points) not in POINT_COUNTS:
        check.fail(scales, key, where, f"a scale has 4, 5 or 7 labelled points, not {len(points)}")
    values = [p["value"] for p in points]
    if any(b <= a for a, b in zip(values, values[1:], strict=False)):
        check.fail(scales, key, where, "point values must increase, lowest first")
    return Scale(key, points=tuple(Choice(str(p["value"]), p["label"]) for p in points))


def _item(check: _Checker, items: Any, index: int, where: str, scales: dict[str, Scale], org: Organisation) -> Item:
    spec = items[index]
    kind = spec["type"]
    where = f"{where}/items/{index}"

    def refuse(problem: str) -> None:
        check.fail(items, index, where, problem)

    scale = None
    if kind == LIKERT:
        if spec.get("scale") not in scales:
            refuse(f"a likert item needs a scale defined under scales, not {spec.get('scale')!r}")
        scale = scales[spec["scale"]]
    elif "scale" in spec:
        refuse(f"only likert items have a scale (this one is {kind})")
    found: tuple[Choice, ...] = ()
    if kind in (SINGLE, MULTIPLE):
        if ("choices" in spec) == ("choices_from" in spec):
            refuse("a choice item needs either choices or choices_from")
        found = choices(spec["choices"]) if "choices" in spec else getattr(org, spec["choices_from"])
        ids = [c.id for c in found]
        if len(set(ids)) != len(ids):
            refuse("choice ids must be unique")
        if DECLINED in ids:
            refuse(f"{DECLINED!r} is reserved: set prefer_not_to_say: true instead")
    elif "choices" in spec or "choices_from" in spec:
        refuse(f"only single and multiple choice items have choices (this one is {kind})")
    if "max_choices" in spec and kind != MULTIPLE:
        refuse("max_choices is for multiple choice items")
    if ("max_length" in spec or spec.get("themed")) and kind != TEXT:
        refuse("max_length and themed are for free-text items")
    if spec.get("choices_from") and kind != SINGLE:
        refuse("choices_from (a profile fact) is for single choice items")
    return Item(
        id=spec["id"],
        type=kind,
        text=spec["text"],
        required=spec.get("required", kind != TEXT),
        prefer_not_to_say=spec.get("prefer_not_to_say", False),
        scale=scale,
        choices=found,
        choices_from=spec.get("choices_from"),
        max_choices=spec.get("max_choices"),
        max_length=spec.get("max_length", 500),
        themed=spec.get("themed", False),
        source=spec.get("source"),
    )


def load_instrument(path: Path, schema: dict, org: Organisation) -> Instrument:
    doc = load_yaml(path, schema)
    check = _Checker(path)
    scales_doc = doc.get("scales", {})
    scales = {key: _scale(check, scales_doc, key) for key in scales_doc}
    seen: set[str] = set()
    sections = []
    for s_index, spec in enumerate(doc["sections"]):
        where = f"sections/{s_index}"
        if spec["id"] in seen:
            check.fail(doc["sections"], s_index, where + "/id", f"duplicate id {spec['id']!r}")
        seen.add(spec["id"])
        items = []
        for index, item_spec in enumerate(spec["items"]):
            if item_spec["id"] in seen:
                check.fail(spec["items"], index, f"{where}/items/{index}/id", f"duplicate id {item_spec['id']!r}")
            seen.add(item_spec["id"])
            items.append(_item(check, spec["items"], index, where, scales, org))
        sections.append(Section(spec["id"], spec["title"], tuple(items), spec.get("intro")))
    by_id = {item.id: item for section in sections for item in section.items}
    for kind in ("sites", "staff_groups"):
        if sum(1 for item in by_id.values() if item.choices_from == kind) > 1:
            check.fail(doc, "sections", "sections", f"at most one item may ask for {kind}")
    scoring = []
    for index, spec in enumerate(doc.get("scoring", [])):
        where = f"scoring/{index}"
        named = [by_id.get(i) for i in spec["items"]]
        if any(item is None for item in named):
            missing = [i for i in spec["items"] if i not in by_id]
            check.fail(doc["scoring"], index, where, f"unknown items {missing}")
        if any(item.type != LIKERT for item in named) or len({item.scale.id for item in named}) != 1:
            check.fail(doc["scoring"], index, where, "a scale score is over likert items that share one scale")
        if len(set(spec["items"])) != len(spec["items"]):
            check.fail(doc["scoring"], index, where, "an item is named twice")
        reverse = spec.get("reverse", [])
        if set(reverse) - set(spec["items"]):
            check.fail(doc["scoring"], index, where, "reverse-scored items must be among the score's items")
        scoring.append(Scoring(spec["id"], spec["label"], tuple(spec["items"]), spec["method"], frozenset(reverse)))
    triggers = []
    rule_ids: set[str] = set()
    for index, spec in enumerate(doc.get("triggers", [])):
        where = f"triggers/{index}"
        if spec["id"] in rule_ids:
            check.fail(doc["triggers"], index, where + "/id", f"duplicate id {spec['id']!r}")
        rule_ids.add(spec["id"])
        follow_up = spec["on"] == "follow_up"
        if follow_up != ("after" in spec and "months" in spec) or (
            not follow_up and ("after" in spec or "months" in spec)
        ):
            check.fail(
                doc["triggers"], index, where, "a follow_up needs after and months (and only a follow_up has them)"
            )
        if follow_up and spec["wave"] != "follow_up":
            check.fail(doc["triggers"], index, where, "a follow_up trigger sends the follow_up wave")
        triggers.append(
            TriggerRule(
                id=spec["id"],
                on=spec["on"],
                series=spec["series"],
                wave=spec["wave"],
                window_days=spec["window_days"],
                reminders=spec.get("reminders", 0),
                after=spec.get("after"),
                months=spec.get("months"),
            )
        )
    return Instrument(
        id=doc["id"],
        version=doc["version"],
        title=doc["title"],
        intro=doc["intro"],
        sections=tuple(sections),
        scoring=tuple(scoring),
        triggers=tuple(triggers),
        purpose=doc.get("purpose"),
        sources=tuple(doc.get("sources", ())),
    )


def _legacy_trusts(content_dir: Path) -> dict[str, str]:
    """Each site's legacy trust, from organisation.yaml (already checked against its schema by then)."""
    path = content_dir / "organisation.yaml"
    doc = load_yaml(path, schema_for(content_dir, "organisation"))
    return {site["id"]: site["legacy_trust"] for site in doc["sites"] if site.get("legacy_trust")}


def load_surveys(content_dir: Path, organisation: Organisation) -> SurveyContent:
    folder = content_dir / "surveys"
    if not folder.is_dir():
        folder = DEFAULT_CONTENT_DIR / "surveys"
    schema = schema_for(content_dir, "surveys")
    instruments: dict[str, Instrument] = {}
    where: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        instrument = load_instrument(path, schema, organisation)
        if instrument.id in instruments:
            raise ContentError(f"{path}:1: id: {instrument.id!r} is also the id of {where[instrument.id].name}")
        instruments[instrument.id] = instrument
        where[instrument.id] = path
    rule_ids = [r.id for i in instruments.values() for r in i.triggers]
    if len(set(rule_ids)) != len(rule_ids):
        dup = next(r for r in rule_ids if rule_ids.count(r) > 1)
        raise ContentError(f"{folder}: trigger id {dup!r} is used by two instruments")
    return SurveyContent(instruments, _legacy_trusts(content_dir))

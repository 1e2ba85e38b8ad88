"""Loads and checks content/measures.yaml: a definition naming an unknown kind, source, breakdown, course or
survey score is refused at start-up with the file and line, so a trust's edit cannot silently measure nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from core.kernel.content import Organisation
from core.measurement import Rebase
from core.measures.content import BREAKDOWNS, KINDS, SOURCES, Evidence, MeasureContent, MeasureDefinition
from storage.content import ContentError, load_yaml, require_unique_ids, schema_for

OPTIONS = {  # the options each source takes; the first ones listed are required
    "events.training": ((), ("courses",)),
    "learning.award": (("award",), ()),
    "projects.registered": ((), ()),
    "projects.evaluated": ((), ()),
    "surveys.paired_change": (("instrument", "scoring"), ()),
}


def _known_courses(content_dir: Path) -> set[str] | None:
    path = content_dir / "events.yaml"
    return {t["id"] for t in load_yaml(path).get("templates", [])} if path.exists() else None


def _known_scores(content_dir: Path) -> set[tuple[str, str]] | None:
    folder = content_dir / "surveys"
    if not folder.is_dir():
        return None
    found = set()
    for path in sorted(folder.glob("*.yaml")):
        doc = load_yaml(path)
        found |= {(doc.get("id"), s.get("id")) for s in doc.get("scoring", []) or []}
    return found


def _legacy_trusts(content_dir: Path) -> dict[str, str]:
    doc = load_yaml(content_dir / "organisation.yaml")
    return {site["id"]: site["legacy_trust"] for site in doc["sites"] if site.get("legacy_trust")}


def _evidence(path: Path, measure: int, kind: str, items, courses, scores) -> tuple[Evidence, ...]:
    found = []
    for index, item in enumerate(items):
        at = f"{path}:{items.item_lines[index]}: measures/{measure}/evidence/{index}"
        source = item["source"]
        if source not in SOURCES:
            raise ContentError(f"{at}/source: unknown source {source!r} (one of {', '.join(SOURCES)})")
        if SOURCES[source] != kind:
            raise ContentError(f"{at}/source: {source} gives {SOURCES[source]} evidence, not {kind}")
        required, optional = OPTIONS[source]
        extra = sorted(set(item) - {"source", *required, *optional})
        if extra:
            raise ContentError(f"{at}/{extra[0]}: {source} takes no {extra[0]!r}")
        missing = [key for key in required if key not in item]
        if missing:
            raise ContentError(f"{at}: {source} needs {missing[0]!r}")
        unknown = [c for c in item.get("courses", []) if courses is not None and c not in courses]
        if unknown:
            raise ContentError(f"{at}/courses: unknown course {unknown[0]!r} (events.yaml templates)")
        if (
            source == "surveys.paired_change"
            and scores is not None
            and (item["instrument"], item["scoring"]) not in scores
        ):
            raise ContentError(f"{at}: unknown survey score {item['instrument']}/{item['scoring']} (content/surveys)")
        options = {key: tuple(value) if isinstance(value, list) else value for key, value in item.items()}
        options.pop("source")
        found.append(Evidence(source, options))
    return tuple(found)


def load_measures(content_dir: Path, organisation: Organisation) -> MeasureContent:
    path = content_dir / "measures.yaml"
    doc = load_yaml(path, schema_for(content_dir, "measures"))
    require_unique_ids(path, doc, "measures")
    courses, scores = _known_courses(content_dir), _known_scores(content_dir)
    measures = []
    for index, item in enumerate(doc["measures"]):
        lines = item.item_lines
        if item["kind"] not in KINDS:
            raise ContentError(f"{path}:{lines['kind']}: measures/{index}/kind: unknown kind {item['kind']!r}")
        for position, breakdown in enumerate(item["breakdowns"]):
            if breakdown not in BREAKDOWNS:
                line = item["breakdowns"].item_lines[position]
                raise ContentError(
                    f"{path}:{line}: measures/{index}/breakdowns/{position}: unknown breakdown {breakdown!r} "
                    f"(one of {', '.join(BREAKDOWNS)})"
                )
        evidence = _evidence(path, index, item["kind"], item["evidence"], courses, scores)
        rebases = []
        for position, rebase in enumerate(item.get("rebases", [])):
            try:
                on = rebase["date"] if isinstance(rebase["date"], date) else date.fromisoformat(str(rebase["date"]))
            except ValueError as exc:
                line = item["rebases"].item_lines[position]
                raise ContentError(f"{path}:{line}: measures/{index}/rebases/{position}/date: {exc}") from exc
            rebases.append(Rebase(on.replace(day=1), rebase["reason"]))
        measures.append(
            MeasureDefinition(
                id=item["id"],
                label=item["label"],
                description=item["description"],
                kind=item["kind"],
                evidence=evidence,
                unit=item["unit"],
                verb=item["verb"],
                improvement=item["improvement"],
                breakdowns=tuple(item["breakdowns"]),
                target=item.get("target"),
                fix_after=item.get("fix_after"),
                rebases=tuple(rebases),
            )
        )
    return MeasureContent(
        measures=tuple(measures),
        months_shown=doc["months_shown"],
        legacy_trusts=_legacy_trusts(content_dir),
        link_minutes=doc.get("link_minutes", 15),
    )

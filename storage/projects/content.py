"""Loads and checks content/projects.yaml."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from core.kernel.content import Organisation
from core.projects.content import GovernanceQuestion, ProjectRules
from storage.content import ContentError, choices, load_yaml, require_unique_ids, schema_for


def load_projects(content_dir: Path, organisation: Organisation | None = None) -> ProjectRules:
    path = content_dir / "projects.yaml"
    doc = load_yaml(path, schema_for(content_dir, "projects"))
    for key in ("divisions", "strategic_aims", "governance"):
        require_unique_ids(path, doc, key)
    scores = [item["score"] for item in doc["progress_scores"]]
    if scores != [x / 2 for x in range(1, 11)]:
        raise ContentError(f"{path}:{doc.item_lines['progress_scores']}: progress_scores: must be 0.5, 1.0 ... 5.0")
    return ProjectRules(
        divisions=choices(doc["divisions"]),
        strategic_aims=choices(doc["strategic_aims"]),
        problem_max_words=doc["problem_max_words"],
        team_max=doc["team_max"],
        stale_after=timedelta(days=doc["stale_after_days"]),
        governance=tuple(
            GovernanceQuestion(g["id"], g["question"], g["label"], g["signpost"]) for g in doc["governance"]
        ),
        progress_scores=tuple((float(item["score"]), item["meaning"]) for item in doc["progress_scores"]),
    )

"""Loads and checks content/clinics.yaml."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

from core.clinics.content import ClinicContent, ClinicRules, ClinicSeries
from core.kernel.content import Organisation
from core.kernel.working_hours import DAY_NAMES
from storage.content import ContentError, choices, load_yaml, require_unique_ids, schema_for


def load_clinics(content_dir: Path, organisation: Organisation) -> ClinicContent:
    path = content_dir / "clinics.yaml"
    doc = load_yaml(path, schema_for(content_dir, "clinics"))
    require_unique_ids(path, doc, "help_with")
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
            help_with=choices(doc["help_with"]),
        ),
        series=tuple(series),
    )

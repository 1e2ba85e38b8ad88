"""Loads and checks content/announcements.yaml, with each site's legacy trust from organisation.yaml."""

from __future__ import annotations

from pathlib import Path

from core.announcements.content import AnnouncementContent, AnnouncementRules
from core.kernel.content import Organisation
from storage.content import ContentError, load_yaml, schema_for


def _legacy_trusts(content_dir: Path) -> dict[str, str]:
    doc = load_yaml(content_dir / "organisation.yaml", schema_for(content_dir, "organisation"))
    return {site["id"]: site["legacy_trust"] for site in doc["sites"] if site.get("legacy_trust")}


def load_announcements(content_dir: Path, organisation: Organisation) -> AnnouncementContent:
    path = content_dir / "announcements.yaml"
    doc = load_yaml(path, schema_for(content_dir, "announcements"))
    limits, delivery = doc["limits"], doc["delivery"]
    nudges = load_yaml(content_dir / "nudges.yaml")
    if doc["category"] not in {c["id"] for c in nudges["categories"]}:
        raise ContentError(f"{path}:{doc.item_lines['category']}: category: {doc['category']!r} is not in nudges.yaml")
    return AnnouncementContent(
        rules=AnnouncementRules(
            title_limit=limits["title"],
            text_limit=limits["text"],
            button_label_limit=limits["button_label"],
            max_buttons=limits["buttons"],
            max_days_ahead=limits["days_ahead"],
            category=doc["category"],
            feed_per_tick=delivery["feed_per_tick"],
            queue_window=delivery["queue_window"],
            late_days=delivery["late_days"],
            installs_per_tick=delivery["installs_per_tick"],
            install_attempts=delivery["install_attempts"],
        ),
        legacy_trusts=_legacy_trusts(content_dir),
    )

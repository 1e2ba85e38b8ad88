"""The announcements' rules (content/announcements.yaml) and the legacy trusts of the sites (organisation.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AnnouncementRules:
    title_limit: int = 120
    text_limit: int = 2000  # what the compose card accepts (Teams Markdown)
    button_label_limit: int = 40
    max_buttons: int = 2
    max_days_ahead: int = 90  # how far ahead a send may be scheduled
    category: str = "news"  # the nudge category people opt out of
    feed_per_tick: int = 2000  # copies handed to the nudge gate per tick and announcement
    queue_window: int = 3000  # at most this many copies of one announcement wait in the outbox at once
    late_days: int = 30  # people who install the app this long after a send still receive it
    installs_per_tick: int = 10  # Graph proactive installs tried per tick
    install_attempts: int = 3  # a Graph error other than 403 is tried again up to this many times


@dataclass(frozen=True)
class AnnouncementContent:
    rules: AnnouncementRules = AnnouncementRules()
    legacy_trusts: Mapping[str, str] = field(default_factory=dict)  # site id -> its legacy trust

    @property
    def trusts(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.legacy_trusts.values())))

    def sites_of(self, trusts: tuple[str, ...]) -> frozenset[str]:
        return frozenset(site for site, trust in self.legacy_trusts.items() if trust in trusts)

"""Survey instruments (content/surveys/*.yaml) as typed values: sections of items, their scales, the scoring of
any scale score, and the triggers that send an instrument by itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from core.kernel.content import Choice

DECLINED = "prefer_not_to_say"  # the stored answer "prefer not to say", for any kind of item
DECLINED_LABEL = "Prefer not to say"

LIKERT, SINGLE, MULTIPLE, TEXT = "likert", "single", "multiple", "text"


@dataclass(frozen=True)
class Scale:
    """Labelled points (4, 5 or 7) or a range answered as a whole number (0-100)."""

    id: str
    points: tuple[Choice, ...] = ()  # Choice.id is the point's value as text
    low: int = 0
    high: int = 0
    low_label: str = ""
    high_label: str = ""

    @property
    def is_range(self) -> bool:
        return not self.points

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(int(p.id) for p in self.points)

    @property
    def minimum(self) -> int:
        return min(self.values) if self.points else self.low

    @property
    def maximum(self) -> int:
        return max(self.values) if self.points else self.high

    def accepts(self, value: int) -> bool:
        return value in self.values if self.points else self.low <= value <= self.high

    def describe(self) -> str:
        if self.is_range:
            return f"a whole number from {self.low} ({self.low_label}) to {self.high} ({self.high_label})"
        return f"one of {', '.join(p.id for p in self.points)}"


@dataclass(frozen=True)
class Item:
    id: str
    type: str  # likert | single | multiple | text
    text: str
    required: bool = True
    prefer_not_to_say: bool = False
    scale: Scale | None = None  # likert
    choices: tuple[Choice, ...] = ()  # single, multiple
    choices_from: str | None = None  # an organisation list ("sites", "staff_groups"): the answer is a profile fact
    max_choices: int | None = None
    max_length: int = 500  # text
    themed: bool = False  # free text coaches and admins tag with themes
    source: str | None = None

    @property
    def numeric(self) -> bool:
        return self.type == LIKERT


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    intro: str | None = None


@dataclass(frozen=True)
class Scoring:
    """A scale score: the mean or sum of `items`, with `reverse` items scored max + min - value."""

    id: str
    label: str
    items: tuple[str, ...]
    method: str  # mean | sum
    reverse: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TriggerRule:
    """When the instrument is sent by itself: on `on` (or `months` after `after`, for a follow-up)."""

    id: str
    on: str
    series: str  # which waves belong together (before, after and follow-up of the micro-learning)
    wave: str  # before | after | follow_up | feedback
    window_days: int
    reminders: int = 0
    after: str | None = None
    months: int | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    version: int
    title: str
    intro: str
    sections: tuple[Section, ...]
    scoring: tuple[Scoring, ...] = ()
    triggers: tuple[TriggerRule, ...] = ()
    purpose: str | None = None
    sources: tuple[str, ...] = ()

    # Built once per instrument (reports score every response, item by item: issue 16 measured 155,000 lookups
    # for one report at a trust's size). The dataclass is frozen, and cached_property writes past that.
    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @cached_property
    def _by_id(self) -> dict[str, Item]:
        return {i.id: i for i in reversed(self.items)}  # reversed: the first of a repeated id wins, as before

    def item(self, item_id: str) -> Item | None:
        return self._by_id.get(item_id)

    def profile_item(self, kind: str) -> Item | None:
        """The item asking for a profile fact (`choices_from: sites`), whose answer the reports group by."""
        return next((i for i in self.items if i.choices_from == kind), None)


@dataclass(frozen=True)
class SurveyContent:
    instruments: Mapping[str, Instrument]
    legacy_trusts: Mapping[str, str] = field(default_factory=dict)  # site id -> its legacy trust (organisation.yaml)

    def instrument(self, instrument_id: str) -> Instrument | None:
        return self.instruments.get(instrument_id)

    def rules_on(self, trigger: str) -> list[tuple[Instrument, TriggerRule]]:
        return [(i, r) for i in self.instruments.values() for r in i.triggers if r.on == trigger]

    def follow_ups_after(self, trigger: str) -> list[tuple[Instrument, TriggerRule]]:
        return [
            (i, r) for i in self.instruments.values() for r in i.triggers if r.on == "follow_up" and r.after == trigger
        ]

    def legacy_trust(self, site: str | None) -> str | None:
        return self.legacy_trusts.get(site) if site else None

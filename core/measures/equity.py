"""The equity view: reach (people trained, de-duplicated, against headcount) by staff group and by site, and the
site x staff group groups, furthest below the overall rate first, so the board sees who the programme misses.

Only shown counts are ranked: a hidden group ("[c]") is listed after the ranked ones, unranked, since its place
in the order would say roughly how many it holds. Groups without headcount have no rate and come last too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.kernel.content import Content
from core.kernel.suppression import NOT_SET, Cell
from core.measures.breakdowns import MeasureTable


@dataclass(frozen=True)
class EquityRow:
    label: str  # for a sentence: "nursing and midwifery (registered) staff at Southend University Hospital"
    name: str  # for a table: "Nursing and midwifery (registered) at Southend University Hospital"
    count: Cell
    headcount: int | None
    rate: float | None  # percent; None when hidden or no headcount
    gap: float | None  # percentage points against the overall rate

    @property
    def sentence(self) -> str:
        return self.label if self.rate is None else f"{self.rate:.1f}% of {self.label} staff"


@dataclass(frozen=True)
class Equity:
    verb: str
    overall: float | None
    by_staff_group: tuple[EquityRow, ...]
    by_site: tuple[EquityRow, ...]
    by_site_and_group: tuple[EquityRow, ...]

    def headline(self) -> str | None:
        """The group furthest below the overall rate, as a sentence ("12.4% of ... at Southend trained")."""
        ranked = [r for r in self.by_site_and_group if r.gap is not None]
        if not ranked or self.overall is None:
            return None
        low = ranked[0]
        return f"{low.rate:.1f}% of {low.label} {self.verb}, against {self.overall:.1f}% of all staff."


def _rank(rows: list[EquityRow]) -> tuple[EquityRow, ...]:
    rows = [r for r in rows if r.headcount or r.count.value != 0]  # a group with no staff and nobody trained
    ranked = sorted((r for r in rows if r.gap is not None), key=lambda r: (r.gap, r.label))
    return (*ranked, *(r for r in rows if r.gap is None))


def _row(label: str, name: str, cell: Cell, headcount: int | None, overall: float | None) -> EquityRow:
    rate = 100 * cell.value / headcount if cell.value is not None and headcount else None
    gap = rate - overall if rate is not None and overall is not None else None
    return EquityRow(label, name, cell, headcount, rate, gap)


def equity(table: MeasureTable, headcount: Mapping[tuple[str, str], int], content: Content) -> Equity:
    org = content.organisation
    total = next(r for r in table.rows if r.dimension == "total")
    overall = (
        100 * total.cumulative.value / total.headcount
        if total.cumulative.value is not None and total.headcount
        else None
    )
    groups = [
        _row(r.label.lower(), r.label, r.cumulative, r.headcount, overall)
        for r in table.rows
        if r.dimension == "staff_group" and r.key != NOT_SET
    ]
    sites = [
        _row(f"staff at {r.label}", r.label, r.cumulative, r.headcount, overall)
        for r in table.rows
        if r.dimension == "site" and r.key != NOT_SET
    ]
    cross = []
    if table.cross is not None:
        for (site, group), cell in table.cross.cells.items():
            if NOT_SET in (site, group):
                continue
            group_label, site_label = org.label("staff_groups", group), org.label("sites", site)
            label = f"{group_label.lower()} staff at {site_label}"
            cross.append(_row(label, f"{group_label} at {site_label}", cell, headcount.get((site, group)), overall))
    return Equity(table.measure.verb, overall, _rank(groups), _rank(sites), _rank(cross))

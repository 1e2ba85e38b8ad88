"""Each measure by site, legacy trust and staff group: the last 12 complete months against the 12 before, and
for measures of people the de-duplicated cumulative total against headcount (reach).

Suppression (core.kernel.suppression), so that no hidden cell can be recovered from totals:
- a period's sites and staff groups are two breakdowns of the same people with one shared total
  (suppress_breakdowns);
- the cumulative people are one table of site x staff group (suppress_table): its row totals are the sites and
  its column totals the staff groups, so the cross cells the equity view names and the margins the table shows
  are protected together;
- a legacy trust is the sum of its sites: shown only when every one of its sites is, so it says nothing the sites
  do not; "change on last year" only where both years are shown; a share only where its count is;
- a group's mean change only where its pairs are shown and number 5 or more, and in a line (all sites, all
  trusts, all staff groups) whose hidden pairs number 1-4 no mean is shown, since the line's total mean minus
  the shown ones would give theirs.
Not covered (as the kernel says): the difference between two dashboards of the same people at different times.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from statistics import fmean

from core.kernel import suppression
from core.kernel.content import Content
from core.kernel.suppression import HIDDEN, NOT_SET, THRESHOLD, Cell
from core.measures.content import MeasureDefinition
from core.measures.model import Fact
from core.measures.months import add_months

NOT_RECORDED = "Not recorded"
NO_LEGACY_TRUST = "No legacy trust"
_SITE, _GROUP, _WHERE = attrgetter("site"), attrgetter("staff_group"), attrgetter("site", "staff_group")
DIMENSION_TITLES = {"site": "Site", "legacy_trust": "Legacy trust", "staff_group": "Staff group"}


@dataclass(frozen=True)
class GroupRow:
    dimension: str  # site | legacy_trust | staff_group | total
    key: str
    label: str
    this_year: Cell  # last 12 complete months
    last_year: Cell  # the 12 months before
    change: str  # "+12 (+30%)", "" when either year is hidden
    cumulative: Cell | None = None  # people measures: distinct people ever
    headcount: int | None = None
    reach: str = ""  # "12.4%"; "" when hidden or no headcount
    this_mean: float | None = None  # mean_change measures
    last_mean: float | None = None


@dataclass(frozen=True)
class MeasureTable:
    measure: MeasureDefinition
    this_period: tuple[date, date]  # first and last month of the last 12 complete months
    rows: tuple[GroupRow, ...]
    cross: suppression.Table | None = None  # people: cumulative by (site, staff group)

    @property
    def any_hidden(self) -> bool:
        cells = [c for r in self.rows for c in (r.this_year, r.last_year, r.cumulative) if c is not None]
        return any(c.suppressed for c in cells) or any(r.this_mean is None and r.this_year.value for r in self.rows)


def group_labels(content: Content) -> dict[str, list[tuple[str, str]]]:
    org, measures = content.organisation, content.measures
    trusts = list(dict.fromkeys(measures.legacy_trust(s.id) or NO_LEGACY_TRUST for s in org.sites))
    return {
        "site": [(s.id, s.label) for s in org.sites] + [(NOT_SET, NOT_RECORDED)],
        "legacy_trust": [(t, t) for t in trusts] + [(NOT_SET, NOT_RECORDED)],
        "staff_group": [(g.id, g.label) for g in org.staff_groups] + [(NOT_SET, NOT_RECORDED)],
    }


def _people(facts: list[Fact], measure: MeasureDefinition | None) -> dict[str, Fact]:
    """One entry per person (or project, or pair): their last fact, so where they belong; for mean_change its value
    is the mean of their values."""
    if measure is None or measure.kind != "mean_change":  # counts: where each belongs is all that matters
        return {f.key: f for f in facts}
    found: dict[str, list[Fact]] = {}
    for fact in facts:
        found.setdefault(fact.key, []).append(fact)
    return {k: fs[-1]._replace(value=fmean(f.value for f in fs)) for k, fs in found.items()}


def _count_into(counts: dict[str, int], values) -> None:
    """Add each value's count to its group; a value that is no known group counts as not recorded (NOT_SET)."""
    for value, n in Counter(values).items():
        counts[value if value in counts else NOT_SET] += n


def _period_cells(members: dict[str, Fact], labels: dict, content: Content) -> dict[str, dict[str, Cell]]:
    sites = dict.fromkeys((k for k, _ in labels["site"]), 0)
    groups = dict.fromkeys((k for k, _ in labels["staff_group"]), 0)
    _count_into(sites, map(_SITE, members.values()))
    _count_into(groups, map(_GROUP, members.values()))
    if not sites[NOT_SET]:
        del sites[NOT_SET]
    if not groups[NOT_SET]:
        del groups[NOT_SET]
    line = suppression.suppress_breakdowns({"site": sites, "staff_group": groups}, total=len(members))
    cells = {"site": dict(line["site"].cells), "staff_group": dict(line["staff_group"].cells)}
    cells["legacy_trust"] = _trusts(cells["site"], labels, content)
    cells["total"] = {"": line["site"].total}
    return cells


def _trusts(sites: dict[str, Cell], labels: dict, content: Content) -> dict[str, Cell]:
    trust_of = {s: content.measures.legacy_trust(s) or NO_LEGACY_TRUST for s in sites}
    trust_of[NOT_SET] = NOT_SET
    trusts = {}
    for trust, _ in labels["legacy_trust"]:
        parts = [sites[s] for s in sites if trust_of[s] == trust]
        if not parts:
            continue
        hidden = any(c.suppressed for c in parts)
        trusts[trust] = (
            Cell(HIDDEN, None, True) if hidden else Cell(str(sum(c.value for c in parts)), sum(c.value for c in parts))
        )
    return trusts


def _shown_means(members: dict[str, Fact], cells: dict, content: Content) -> dict[tuple[str, str], float | None]:
    """Each group's mean change where it may be shown (see the module's docstring)."""
    labels = group_labels(content)
    known_sites, known_groups = dict(labels["site"]), dict(labels["staff_group"])
    trust_of = {s: content.measures.legacy_trust(s) or NO_LEGACY_TRUST for s in known_sites}
    trust_of[NOT_SET] = NOT_SET
    by_group: dict[tuple[str, str], list[float]] = {}
    for member in members.values():
        s = member.site if member.site in known_sites else NOT_SET
        group = member.staff_group if member.staff_group in known_groups else NOT_SET
        for key in (("site", s), ("staff_group", group), ("legacy_trust", trust_of[s])):
            by_group.setdefault(key, []).append(member.value)
    means = {}
    for dim in ("site", "legacy_trust", "staff_group"):
        rest = sum(len(by_group.get((dim, k), [])) for k, c in cells[dim].items() if c.suppressed)
        for key, cell in cells[dim].items():
            values = by_group.get((dim, key), [])
            ok = not cell.suppressed and len(values) >= THRESHOLD and not 0 < rest < THRESHOLD
            means[(dim, key)] = fmean(values) if ok else None
    total = [m.value for m in members.values()]
    means[("total", "")] = fmean(total) if len(total) >= THRESHOLD else None
    return means


def _change(this: Cell, last: Cell) -> str:
    if this.value is None or last.value is None:
        return ""
    diff = this.value - last.value
    if diff == 0:
        return "no change"
    return f"{diff:+d} ({100 * diff / last.value:+.0f}%)" if last.value else f"{diff:+d}"


def _reach(cell: Cell | None, headcount: int | None) -> str:
    if cell is None or cell.value is None or not headcount:
        return ""
    return f"{100 * cell.value / headcount:.1f}%"


def _cross(facts: list[Fact], labels: dict) -> suppression.Table:
    members = _people(facts, None)
    sites = {k for k, _ in labels["site"]}
    groups = {k for k, _ in labels["staff_group"]}
    rows: dict[str, dict[str, int]] = {k: {} for k, _ in labels["site"] if k != NOT_SET}
    columns = [k for k, _ in labels["staff_group"] if k != NOT_SET]
    for row in rows.values():
        row.update(dict.fromkeys(columns, 0))
    for (site, group), n in Counter(map(_WHERE, members.values())).items():
        s, g = (site if site in sites else NOT_SET), (group if group in groups else NOT_SET)
        rows.setdefault(s, dict.fromkeys(columns, 0))
        rows[s][g] = rows[s].get(g, 0) + n
    if any(NOT_SET in r for r in rows.values()):
        for r in rows.values():
            r.setdefault(NOT_SET, 0)
    return suppression.suppress_table(rows)


def headcount_by(headcount: Mapping[tuple[str, str], int], content: Content) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for (site, group), n in headcount.items():
        trust = content.measures.legacy_trust(site) or NO_LEGACY_TRUST
        for key in (("site", site), ("staff_group", group), ("legacy_trust", trust), ("total", "")):
            found[key] = found.get(key, 0) + n
    return found


def measure_table(
    measure: MeasureDefinition,
    facts: list[Fact],
    *,
    last_complete: date,
    headcount: Mapping[tuple[str, str], int],
    content: Content,
) -> MeasureTable:
    labels = group_labels(content)
    start = add_months(last_complete, -11)
    before = add_months(start, -12)
    this = _people([f for f in facts if start <= f.month <= last_complete], measure)
    last = _people([f for f in facts if before <= f.month < start], measure)
    this_cells, last_cells = _period_cells(this, labels, content), _period_cells(last, labels, content)
    cross = _cross([f for f in facts if f.month <= last_complete], labels) if measure.reach else None
    cumulative: dict[str, dict[str, Cell]] = {}
    if cross is not None:
        cumulative = {
            "site": dict(cross.row_totals),
            "staff_group": dict(cross.column_totals),
            "total": {"": cross.total},
        }
        cumulative["legacy_trust"] = _trusts(cumulative["site"], labels, content)
    heads = headcount_by(headcount, content) if headcount else {}
    this_means = _shown_means(this, this_cells, content) if measure.kind == "mean_change" else {}
    last_means = _shown_means(last, last_cells, content) if measure.kind == "mean_change" else {}
    rows = []
    for dim in ("total", *measure.breakdowns):
        entries = [("", "All staff")] if dim == "total" else labels[dim]
        for key, label in entries:
            if key not in this_cells[dim] and key not in last_cells[dim]:
                continue
            zero = Cell("0", 0)
            t, lst = this_cells[dim].get(key, zero), last_cells[dim].get(key, zero)
            cum = cumulative.get(dim, {}).get(key) if cross is not None else None
            head = heads.get((dim, key)) if key != NOT_SET else None
            rows.append(
                GroupRow(
                    dim,
                    key,
                    label,
                    t,
                    lst,
                    _change(t, lst),
                    cumulative=cum,
                    headcount=head,
                    reach=_reach(cum, head),
                    this_mean=this_means.get((dim, key)),
                    last_mean=last_means.get((dim, key)),
                )
            )
    return MeasureTable(measure, (start, last_complete), tuple(rows), cross)

"""No count of 1-4 people is shown, and no hidden count can be worked out from what the dashboard shows: the
tables' totals, the other breakdowns of the same people, the legacy trusts (sums of sites), the site x staff group
table of reach, and the months against the 12-month totals. Attacked by subtraction, repeated until nothing new
follows, and by bounds (hidden counts are at least 1), on generated trusts (hypothesis)."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.kernel.suppression import NOT_SET, THRESHOLD, Cell
from core.measures.breakdowns import measure_table
from core.measures.model import Fact
from core.measures.months import add_months
from core.measures.series import build_series

LAST = date(2026, 10, 1)
CURRENT = date(2026, 11, 1)
SITES = ("basildon", "broomfield", "southend", None)
GROUPS = ("nursing_midwifery", "ahp", "medical_dental", None)

person = st.tuples(st.sampled_from(SITES), st.sampled_from(GROUPS), st.integers(0, 23))
trusts = st.lists(person, min_size=0, max_size=40)


def facts_of(people) -> list[Fact]:
    return [Fact(add_months(LAST, -back), f"person:{n}", site, group) for n, (site, group, back) in enumerate(people)]


def attack(lines: list[tuple[list, object]], known: dict) -> dict:
    """Everything a reader can work out: `lines` are (parts, total) with sum(parts) == total, `known` the shown
    values by key. Returns every value found, shown or derived."""
    found = dict(known)
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            unknown = [p for p in parts if p not in found]
            if total in found and len(unknown) == 1:
                found[unknown[0]] = found[total] - sum(found[p] for p in parts if p in found)
                changed = True
            elif total not in found and not unknown:
                found[total] = sum(found[p] for p in parts)
                changed = True
            elif (
                total in found and unknown and found[total] - sum(found[p] for p in parts if p in found) == len(unknown)
            ):
                for p in unknown:  # each hidden count is at least 1, so they are all 1
                    found[p] = 1
                changed = True
    return found


def check(cells: dict[object, Cell], lines) -> None:
    for key, cell in cells.items():
        assert cell.suppressed or not 0 < cell.value < THRESHOLD, f"{key} shows {cell.value}"
    known = {k: c.value for k, c in cells.items() if not c.suppressed}
    found = attack(lines, known)
    recovered = [k for k, c in cells.items() if c.suppressed and k in found]
    assert not recovered, f"hidden cells worked out: {recovered}"


def published(table, content) -> tuple[dict, list]:
    """The table's counts as (dimension, key, column) -> Cell, with the lines that tie them together."""
    cells, lines = {}, []
    for r in table.rows:
        cells[(r.dimension, r.key, "this")] = r.this_year
        cells[(r.dimension, r.key, "last")] = r.last_year
        if r.cumulative is not None:
            cells[(r.dimension, r.key, "all")] = r.cumulative
    columns = ("this", "last", "all") if table.cross is not None else ("this", "last")
    for column in columns:
        total = ("total", "", column)
        for dim in ("site", "staff_group", "legacy_trust"):
            parts = [k for k in cells if k[0] == dim and k[2] == column]
            if parts:
                lines.append((parts, total))
        for trust in {k[1] for k in cells if k[0] == "legacy_trust"}:
            sites = [
                ("site", s, column)
                for s in {k[1] for k in cells if k[0] == "site"}
                if (content.measures.legacy_trust(s) or "No legacy trust") == trust and s != NOT_SET
            ]
            if trust == NOT_SET:
                sites = [("site", NOT_SET, column)] if ("site", NOT_SET, column) in cells else []
            if sites:
                lines.append((sites, ("legacy_trust", trust, column)))
    if table.cross is not None:
        for (site, group), cell in table.cross.cells.items():
            cells[("cross", site, group)] = cell
        rows = {s for s, _ in table.cross.cells}
        groups = {g for _, g in table.cross.cells}
        for site in rows:
            lines.append(([("cross", site, g) for g in groups], ("site", site, "all")))
        for group in groups:
            lines.append(([("cross", s, group) for s in rows], ("staff_group", group, "all")))
        for key, cell in table.cross.row_totals.items():
            assert cell.text == cells[("site", key, "all")].text  # the margins are the table's own row totals
    return cells, lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=trusts)
def test_no_hidden_count_in_the_tables_can_be_worked_out(content, people):
    trained = content.measures.measure("staff_trained")
    table = measure_table(trained, facts_of(people), last_complete=LAST, headcount={}, content=content)
    cells, lines = published(table, content)
    check(cells, lines)


def test_a_lone_person_in_a_staff_group_is_hidden_with_a_partner(content):
    people = (
        [("southend", "nursing_midwifery", 0)] * 12 + [("southend", "ahp", 0)] * 6 + [("southend", "medical_dental", 0)]
    )
    table = measure_table(
        content.measures.measure("staff_trained"), facts_of(people), last_complete=LAST, headcount={}, content=content
    )
    groups = {r.key: r.this_year.text for r in table.rows if r.dimension == "staff_group" and r.this_year.text != "0"}
    assert groups == {"nursing_midwifery": "12", "ahp": "[c]", "medical_dental": "[c]"}  # not 19 - 12 - 6 = 1
    cells, lines = published(table, content)
    check(cells, lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(months=st.lists(st.integers(0, 8), min_size=24, max_size=24))
def test_no_hidden_month_can_be_worked_out_from_the_year_total(content, months):
    """Projects a month: the months of each 12-month window add up to the table's total for it."""
    registered = content.measures.measure("projects_registered")
    facts = [
        Fact(add_months(LAST, -back), f"project:{back}-{i}", "basildon", "ahp")
        for back, n in enumerate(months)
        for i in range(n)
    ]
    series = build_series(registered, facts, current=CURRENT, months_shown=36)
    table = measure_table(registered, facts, last_complete=LAST, headcount={}, content=content)
    total = {r.dimension: r for r in table.rows}["total"]
    by_month = {p.month: p for p in series.points}
    for column, end in (("this", LAST), ("last", add_months(LAST, -12))):
        window = [add_months(end, -i) for i in range(12)]
        cells = {
            m: Cell(
                by_month[m].text,
                None if by_month[m].value is None else int(by_month[m].value),
                by_month[m].value is None,
            )
            for m in window
            if m in by_month
        }
        cells[column] = total.this_year if column == "this" else total.last_year
        check(cells, [([m for m in window if m in cells], column)])

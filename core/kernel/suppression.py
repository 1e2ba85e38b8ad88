"""Small-number suppression: the one place that decides which counts of people a report, card or export may show.

Why: a count of 1-4 people can identify someone, and so can a hidden count that the reader works out from a
total minus the shown cells, or from a second breakdown of the same people. Every published figure about people
goes through this module, so every output hides the same cells with the same words.

The rules, and why they are safe:
- Primary: a count of 1 to threshold-1 is hidden. Zero shows as "0": it says nothing about any person, the reader
  already knows from the list of groups which ones exist, and a shown 0 is treated below as a known value, so it
  never helps a subtraction the rules have not blocked. Zeros are never hidden, so a reader knows a hidden cell is
  at least 1, and the checks below give the reader that knowledge.
- Secondary (complementary): every total is assumed public, because it is, or it can be found elsewhere (two
  breakdowns of the same people share one total). A hidden cell must not be pinned down from the totals: not by
  a subtraction along one line (row, column, breakdown), not by combining lines, and not by the bounds the lines
  give. While some hidden cell is pinned down, the next cell in one of its lines is hidden: the smallest shown
  non-zero cell, ties broken by key order (so the same data always gives the same output); if its lines have
  none, their total; if they have none, the lines one hidden cell further on.
- Every hidden count reads the same, HIDDEN ("[c]", the UK Government Statistical Service's symbol for a value
  withheld as confidential; "*" would start a bullet list in Teams' card markdown), explained by the one
  footnote(): in a breakdown or table, on its own (count) and inside a share ("[c] of 40"), on every card, report
  and export. Inside a line "<5" would be
  false for a complementary cell, and a reader who can tell the two apart knows "1-4" and "5 or more", bounds
  that often pin both down (a "<5" and a "5+" in a line whose hidden part is 6 are 1 and 5). A figure on its own
  has no line to attack, so "<5" would be true there, but two signs for one thing read as two different things
  to staff (issue 10: "suppressed counts read the same everywhere"); the footnote's words cover both cases.
- The check is exact: a search for other whole numbers that fit, bounded in steps, and a search that runs out
  counts as a pinned-down cell. The tests attack every output with subtraction and with such a search.
- Not covered: differences between two reports of the same people at different times (publish on a fixed
  schedule), and a reader who knows which cell the rule picks as the complement.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import fmean

THRESHOLD = 5  # groups of fewer people than this are never shown (the trust's reporting rule; keep it configurable)
HIDDEN = "[c]"  # every suppressed count: small, complementary, on its own or in a share


def footnote(threshold: int = THRESHOLD) -> str:
    """The one explanation every card, report and export prints wherever it shows a hidden count."""
    return f"{HIDDEN} hidden: fewer than {threshold} people, or hidden so that such a group cannot be worked out."


@dataclass(frozen=True)
class Cell:
    """What may be shown of one count: the number, or only its text when suppressed. The true value of a hidden
    cell is deliberately not kept, so it cannot leak into a card or an export by mistake."""

    text: str
    value: int | None  # None when suppressed
    suppressed: bool = False

    def __str__(self) -> str:
        return self.text

    @property
    def export(self) -> int | str:
        """For CSV and XLSX: the number when shown (so spreadsheets can sum it), else the same text as the card."""
        return self.text if self.value is None else self.value


def count(n: int, threshold: int = THRESHOLD) -> Cell:
    """One figure on its own, with no breakdown or total shown beside it (e.g. "staff supported this month").
    Hidden, it reads HIDDEN like a hidden cell (see the module's docstring), so it needs the footnote beside it."""
    if n < 0:
        raise ValueError("counts of people cannot be negative")
    return _cell(n, 0 < n < threshold)


@dataclass(frozen=True)
class Breakdown:
    cells: dict[str, Cell]  # empty when withheld
    total: Cell
    withheld: bool = False  # no cell can be shown: the total is published and the few people would be pinned down

    def rows(self) -> list[tuple[str, str]]:
        return [(key, cell.text) for key, cell in self.cells.items()]


@dataclass(frozen=True)
class Table:
    cells: dict[tuple[str, str], Cell]  # (row, column)
    row_totals: dict[str, Cell]
    column_totals: dict[str, Cell]
    total: Cell


def suppress_counts(
    counts: Mapping[str, int], total: int | None = None, threshold: int = THRESHOLD, *, total_published: bool = False
) -> Breakdown:
    """One breakdown of a group. If `total` is more than the sum, the unlisted rest ("12 staff, 10 at listed
    sites") is protected like a cell: a rest of 1-4 needs a complementary cell as much as a shown one does.
    `total_published`: as for `suppress_breakdowns`."""
    return suppress_breakdowns({"": counts}, total, threshold, total_published=total_published)[""]


def suppress_breakdowns(
    breakdowns: Mapping[str, Mapping[str, int]],
    total: int | None = None,
    threshold: int = THRESHOLD,
    *,
    total_published: bool = False,
) -> dict[str, Breakdown]:
    """Several breakdowns of the same people (e.g. by site and by staff group) with their one shared total.
    Each breakdown is protected against that total, so no hidden site is the total minus the other sites.

    `total_published`: the caller shows the total elsewhere (a report's headline n), so it cannot be hidden to
    protect a breakdown. Each breakdown is then protected on its own against the fixed total, and one that still
    pins somebody down (five people in five different staff groups: every hidden cell is 1) is withheld whole."""
    grand = total if total is not None else max((sum(b.values()) for b in breakdowns.values()), default=0)
    if total_published:
        return {dim: _against_published_total(counts, grand, threshold) for dim, counts in breakdowns.items()}
    values, lines = _breakdown_lines(breakdowns, grand)
    hidden = _protect(values, lines, threshold)
    shared_total = _cell(grand, ("total",) in hidden)
    return {
        dim: Breakdown({key: _cell(counts[key], ("cell", dim, key) in hidden) for key in counts}, shared_total)
        for dim, counts in breakdowns.items()
    }


def _breakdown_lines(breakdowns: Mapping[str, Mapping[str, int]], grand: int) -> tuple[dict, list]:
    values: dict[tuple, int] = {("total",): grand}
    lines: list[tuple[list[tuple], tuple]] = []
    for dim, counts in breakdowns.items():
        parts = [("cell", dim, key) for key in counts]
        values.update(zip(parts, counts.values(), strict=True))
        rest = grand - sum(counts.values())
        if rest < 0:
            raise ValueError(f"breakdown {dim!r} adds up to more than the total")
        if rest:
            values[("rest", dim)] = rest
            parts.append(("rest", dim))
        lines.append((parts, ("total",)))
    return values, lines


def _against_published_total(counts: Mapping[str, int], grand: int, threshold: int) -> Breakdown:
    values, lines = _breakdown_lines({"": counts}, grand)
    hidden = _protect(values, lines, threshold, fixed=frozenset({("total",)}))
    shown_total = _cell(grand, False)
    if _exposed(values, lines, hidden):
        return Breakdown({}, shown_total, withheld=True)
    return Breakdown({key: _cell(counts[key], ("cell", "", key) in hidden) for key in counts}, shown_total)


def suppress_table(rows: Mapping[str, Mapping[str, int]], threshold: int = THRESHOLD) -> Table:
    """A two-way table (e.g. site x staff group) with row, column and grand totals. A missing cell is 0.

    The search is a pure function of the counts, and it is most of a report's time on a large table (the forum
    report's 12 months x 4, issue 16): the same counts are answered from a small cache, as a fresh copy."""
    found = _suppress_table(tuple((r, tuple(row.items())) for r, row in rows.items()), threshold)
    return Table(dict(found.cells), dict(found.row_totals), dict(found.column_totals), found.total)


@lru_cache(maxsize=256)
def _suppress_table(frozen: tuple[tuple[str, tuple[tuple[str, int], ...]], ...], threshold: int) -> Table:
    rows = {r: dict(row) for r, row in frozen}
    columns = list(dict.fromkeys(column for row in rows.values() for column in row))
    values = {("cell", r, c): rows[r].get(c, 0) for r in rows for c in columns}
    values |= {("row", r): sum(rows[r].get(c, 0) for c in columns) for r in rows}
    values |= {("col", c): sum(rows[r].get(c, 0) for r in rows) for c in columns}
    values[("total",)] = sum(values[("row", r)] for r in rows)
    lines = [([("cell", r, c) for c in columns], ("row", r)) for r in rows]
    lines += [([("cell", r, c) for r in rows], ("col", c)) for c in columns]
    lines += [([("row", r) for r in rows], ("total",)), ([("col", c) for c in columns], ("total",))]
    hidden = _protect(values, lines, threshold)

    def cell(key: tuple) -> Cell:
        return _cell(values[key], key in hidden)

    return Table(
        {(r, c): cell(("cell", r, c)) for r in rows for c in columns},
        {r: cell(("row", r)) for r in rows},
        {c: cell(("col", c)) for c in columns},
        cell(("total",)),
    )


@dataclass(frozen=True)
class Share:
    text: str  # "10 of 15", "[c] of 40", "all but [c] of 12", "some of 7", "[c]" (the whole group is small)
    percent: str  # "67%", "<13%", ">58%", or "" when the group itself is too small to describe


def share(k: int, n: int, threshold: int = THRESHOLD) -> Share:
    """ "k of n" on its own. The leftover n-k is a count of people too: "10 of 12 practised" says 2 did not, so it
    is protected like k. A percentage of a known n reveals k, so it is banded exactly when k is. Below 2 x threshold
    every k but 0 and n leaves a small count on one side, so the text is only "some"."""
    if not 0 <= k <= n:
        raise ValueError("a share needs 0 <= k <= n")
    if 0 < n < threshold:
        return Share(HIDDEN, "")
    if k in (0, n) or threshold <= k <= n - threshold:
        return Share(f"{k} of {n}", f"{round(100 * k / n)}%" if n else "")
    if n < 2 * threshold:
        return Share(f"some of {n}", "")
    if k < threshold:
        return Share(f"{HIDDEN} of {n}", f"<{math.ceil(100 * threshold / n)}%")
    return Share(f"all but {HIDDEN} of {n}", f">{math.floor(100 * (n - threshold) / n)}%")


def mean_if_enough(values: Sequence[float], threshold: int = THRESHOLD) -> float | None:
    """The mean of fewer than `threshold` scores is close to each of them (one evaluated project's mean is that
    lead's scores), so it is given only for enough items; None means "too few to show"."""
    return fmean(values) if len(values) >= threshold else None


# --- the engine: hide the primary cells, then complementary ones until no hidden cell can be pinned down --------


def _cell(value: int, hidden: bool) -> Cell:
    return Cell(HIDDEN, None, True) if hidden else Cell(str(value), value)


def _protect(
    values: dict[tuple, int], lines: list[tuple[list[tuple], tuple]], threshold: int, fixed: frozenset = frozenset()
) -> set[tuple]:
    """The keys to hide. `lines` are (parts, total) with sum(parts) == total; keys starting "rest" are never shown,
    so they are protected but cannot be complementary cells. `fixed` keys are shown whatever happens (published
    elsewhere); the caller checks `_exposed` afterwards when that leaves a cell pinned down."""
    if any(v < 0 for v in values.values()):
        raise ValueError("counts of people cannot be negative")
    hidden = {key for key, v in values.items() if 0 < v < threshold and key not in fixed}
    # Hiding more never pins a cell down: the other values found for it still fit, with each newly hidden cell at
    # its true value. So a cell once shown to have another value is not searched again (the search is most of a
    # large report's time: the forum's 12 months x 4).
    free: set[tuple] = set()
    while exposed := _exposed(values, lines, hidden, free):
        extra = _complement(exposed, values, lines, hidden | set(fixed))
        if extra is None:  # all it touches is hidden (doubling every hidden count still fits, so only the step limit)
            break
        hidden.add(extra)
    return hidden


def _complement(key: tuple, values: dict, lines: list, hidden: set) -> tuple | None:
    """The next cell to hide for a pinned-down `key`: the smallest shown non-zero part (ties by key) of its lines
    with the fewest hidden cells, else of its other lines, else their shown total, else the same one hidden cell
    further out. Fewest first, so a row with one hidden cell gets its partner rather than a column that has two."""
    seen: set[int] = set()
    reach = {key}
    while near := [i for i, (parts, total) in enumerate(lines) if i not in seen and reach & {*parts, total}]:
        seen.update(near)

        def shown_parts(i: int) -> set:
            return {p for p in lines[i][0] if p[0] != "rest" and p not in hidden and values[p] > 0}

        def crowd(i: int) -> int:
            return sum(k in hidden for k in (*lines[i][0], lines[i][1]))

        fewest = min(map(crowd, near))
        pools = [{p for i in near if crowd(i) == fewest for p in shown_parts(i)}]
        pools += [{p for i in near for p in shown_parts(i)}, {lines[i][1] for i in near if lines[i][1] not in hidden}]
        for pool in pools:
            if pool:
                return min(pool, key=lambda k: (values[k], k))
        reach = {k for i in near for k in (*lines[i][0], lines[i][1]) if k in hidden}
    return None


SEARCH_STEPS = 5_000  # per hidden cell; a search that runs out counts as pinned down, so it hides more, never less


def _exposed(values: dict, lines: list, hidden: set, free: set | None = None) -> tuple | None:
    """The first hidden cell (in key order) a reader can pin down from everything shown: no other whole numbers of at
    least 1 (zeros are always shown) fit every line with it changed. This covers a subtraction along one line, any
    combination of lines, and the bounds (two hidden cells that add up to 2 are both 1). Cells in `free` are known
    to have another value and are skipped; each cell found to have one is added to it."""
    order = sorted(hidden)
    equations = []  # ([(hidden key, coefficient)], right-hand side) for sum(parts) - total = 0
    for parts, total in lines:
        terms = [(p, 1) for p in parts] + [(total, -1)]
        equations.append(
            ([(k, c) for k, c in terms if k in hidden], -sum(c * values[k] for k, c in terms if k not in hidden))
        )
    cap = 2 * max(values.values(), default=0) + 5  # a reader could not rule out more; a lower cap only hides more
    free = set() if free is None else free
    for k in order:
        if k in free:
            continue
        if not _another_value(k, values, equations, cap):
            return k
        free.add(k)
    return None


def _another_value(key: tuple, values: dict, equations: list, cap: int) -> bool:
    """Whether whole numbers from 1 to cap, with `key` not at its true value, fit every line: a depth-first search
    that fills in any line left with one unknown, else branches on the most constrained line, trying values nearest
    the true ones first (the truth fits, so another solution is usually a small step away)."""
    steps = [SEARCH_STEPS]

    def near(k: tuple):
        """1..cap nearest the true value first, the lower of two equally near first (sorted by distance, made
        lazily: the search mostly stops within a few values, and cap grows with the counts)."""
        true = values[k]
        if 1 <= true <= cap:
            yield true
        for distance in range(1, cap + abs(true) + 1):
            low, high = true - distance, true + distance
            if low > cap or high < 1:
                continue
            if low < 1 and high > cap:
                return
            if 1 <= low <= cap:
                yield low
            if 1 <= high <= cap:
                yield high

    def first_fit(assign: dict, k: tuple, skip: int | None = None) -> bool:
        """Whether some value of `k` (other than `skip`) fits; once the step budget is spent, nothing fits."""
        for v in near(k):
            if steps[0] < 0:
                return False
            if v != skip and fits({**assign, k: v}):
                return True
        return False

    def fits(assign: dict) -> bool:
        steps[0] -= 1
        tightest = None
        for terms, rhs in equations:
            rest = rhs - sum(c * assign[k] for k, c in terms if k in assign)
            free = [(k, c) for k, c in terms if k not in assign]
            low = sum(c if c > 0 else -cap for _, c in free)  # each unknown is 1..cap
            high = sum(cap if c > 0 else -1 for _, c in free)
            if steps[0] < 0 or not low <= rest <= high:
                return False
            if len(free) == 1:
                return fits({**assign, free[0][0]: free[0][1] * rest})
            if free and (tightest is None or len(free) < len(tightest)):
                tightest = free
        return tightest is None or first_fit(assign, tightest[0][0])

    return first_fit({}, key, skip=values[key])


NOT_SET = "not_set"  # the group of people whose site or staff group is not recorded


def by_site_and_staff_group(
    people: Sequence[tuple[str | None, str | None]], sites: Sequence[str], staff_groups: Sequence[str]
) -> dict[str, Breakdown]:
    """People (site, staff group) as two breakdowns of the same group with their one total ("site" and
    "staff_group"): every listed group, zeros included, and NOT_SET only when someone's is not recorded."""
    counts = {"site": dict.fromkeys(sites, 0), "staff_group": dict.fromkeys(staff_groups, 0)}
    for person in people:
        for line, value in zip(counts.values(), person, strict=True):
            key = value if value in line else NOT_SET
            line[key] = line.get(key, 0) + 1
    return suppress_breakdowns(counts, total=len(people))


def any_hidden(breakdowns: Mapping[str, Breakdown]) -> bool:
    return any(c.suppressed for b in breakdowns.values() for c in [*b.cells.values(), b.total])

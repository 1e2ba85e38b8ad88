"""Small-number suppression, tried the way a reader with a calculator would: every test hands what a report shows
(shown cells and totals, nothing else) to an attacker that subtracts, and to one that tries every possible value."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.kernel import suppression
from core.kernel.suppression import (
    HIDDEN,
    Breakdown,
    Cell,
    count,
    mean_if_enough,
    share,
    suppress_breakdowns,
    suppress_counts,
    suppress_table,
)

# --- the attackers ------------------------------------------------------------------------------------------------
# A view is what a reader has: known values, unknown keys with the bounds the reader can be sure of (a hidden count
# is at least 1 because zeros are shown; an unlisted rest is at least 1 when the report says some are unlisted), and
# equations, each a list of (key, +1 for a part / -1 for its total) summing to zero.


def breakdown_view(outputs: dict[str, Breakdown], unlisted: frozenset[str] = frozenset()):
    known, unknown, equations = {}, {}, []
    total = next(iter(outputs.values())).total
    for key, cell in [(("total",), total)] + [
        (("cell", d, k), c) for d, b in outputs.items() for k, c in b.cells.items()
    ]:
        if cell.suppressed:
            unknown[key] = (1, None)
        else:
            known[key] = cell.value
    for dim, b in outputs.items():
        terms = [(("cell", dim, k), 1) for k in b.cells] + [(("total",), -1)]
        if dim in unlisted:
            unknown[("rest", dim)] = (1, None)
            terms.append((("rest", dim), 1))
        equations.append(terms)
    return known, unknown, equations


def table_view(table):
    known, unknown = {}, {}
    cells = {("cell", r, c): v for (r, c), v in table.cells.items()}
    cells |= {("row", r): v for r, v in table.row_totals.items()} | {
        ("col", c): v for c, v in table.column_totals.items()
    }
    cells[("total",)] = table.total
    for key, cell in cells.items():
        if cell.suppressed:
            unknown[key] = (1, None)
        else:
            known[key] = cell.value
    rows, cols = list(table.row_totals), list(table.column_totals)
    equations = [[(("cell", r, c), 1) for c in cols] + [(("row", r), -1)] for r in rows]
    equations += [[(("cell", r, c), 1) for r in rows] + [(("col", c), -1)] for c in cols]
    equations += [
        [(("row", r), 1) for r in rows] + [(("total",), -1)],
        [(("col", c), 1) for c in cols] + [(("total",), -1)],
    ]
    return known, unknown, equations


def subtract(view) -> dict:
    """The obvious attack: a line with one unknown gives it away (total minus the shown cells); repeat, since each
    recovered cell may give away the next."""
    known, unknown, equations = view
    known, recovered = dict(known), {}
    progress = True
    while progress:
        progress = False
        for terms in equations:
            missing = [(k, c) for k, c in terms if k not in known]
            if len(missing) == 1:
                key, coef = missing[0]
                known[key] = recovered[key] = -coef * sum(c * known[k] for k, c in terms if k in known)
                progress = True
    return recovered


def pinned_cells(view, cap: int) -> dict:
    """The thorough attack: whole numbers within each unknown's bounds (an open upper bound is `cap`, a limit the
    reader would not even have) that fit every line. Finds one solution, then for each unknown looks for another
    solution where it differs; an unknown with no other possible value is pinned down, and returned with it."""
    known, bounds, equations = view
    unknown = {k: (lo, cap if hi is None else hi) for k, (lo, hi) in bounds.items()}
    eqs = [
        ([(k, c) for k, c in terms if k in unknown], -sum(c * known[k] for k, c in terms if k not in unknown))
        for terms in equations
    ]

    def first(assign: dict, avoid: tuple | None = None) -> dict | None:
        if avoid and assign.get(avoid[0]) == avoid[1]:
            return None
        tightest = None
        for terms, rhs in eqs:
            rest = rhs - sum(c * assign[k] for k, c in terms if k in assign)
            free = [(k, c) for k, c in terms if k not in assign]
            low = sum(c * unknown[k][0 if c > 0 else 1] for k, c in free)
            high = sum(c * unknown[k][1 if c > 0 else 0] for k, c in free)
            if not low <= rest <= high:
                return None
            if len(free) == 1:
                key, coef = free[0]
                return first({**assign, key: coef * rest}, avoid)
            if free and (tightest is None or len(free) < len(tightest)):
                tightest = free
        todo = [k for k in sorted(unknown) if k not in assign]
        if not todo:
            return assign
        key = avoid[0] if avoid and avoid[0] not in assign else (tightest[0][0] if tightest else todo[0])
        for value in range(unknown[key][0], unknown[key][1] + 1):
            if found := first({**assign, key: value}, avoid):
                return found
        return None

    base = first({})
    assert base is not None, "what the report shows must be possible"
    return {k: v for k, v in base.items() if first({}, (k, v)) is None}


def assert_safe(view, cap: int, may_know: frozenset = frozenset()):
    """Neither attacker pins down a hidden cell (an unlisted rest of 5 or more `may_know` be worked out)."""
    assert set(subtract(view)) <= may_know, "a hidden cell is a total minus shown cells"
    pinned = {k: v for k, v in pinned_cells(view, cap).items() if k not in may_know}
    assert not pinned, f"hidden cells pinned down: {pinned}"


def assert_no_small_shown(cells):
    assert all(not (0 < c.value < 5) for c in cells if not c.suppressed), [c.text for c in cells]


def naive(counts: dict[str, int]) -> dict[str, Cell]:
    """What the reports do today: only primary suppression."""
    return {k: count(v) for k, v in counts.items()}


# --- the attackers have teeth -------------------------------------------------------------------------------------


def test_the_attackers_find_what_primary_suppression_alone_leaves_open():
    # today's learning report: sites and staff groups are two breakdowns of the same 22 people
    sites, groups = {"A": 3, "B": 12, "C": 7}, {"x": 11, "y": 11}
    today = {"site": Breakdown(naive(sites), Cell("22", 22)), "group": Breakdown(naive(groups), Cell("22", 22))}
    assert subtract(breakdown_view(today)) == {("cell", "site", "A"): 3}
    # two sites of one person each: no single subtraction, but "both at least 1, together 2" gives both
    ones = suppress_counts({"A": 1, "B": 1, "C": 9, "D": 30})
    shown_c = {"A": ones.cells["A"], "B": ones.cells["B"], "C": Cell("9", 9), "D": ones.cells["D"]}
    view = breakdown_view({"": Breakdown(shown_c, ones.total)})
    assert subtract(view) == {}
    assert pinned_cells(view, cap=50) == {("cell", "", "A"): 1, ("cell", "", "B"): 1}


def test_a_reader_who_could_tell_small_cells_from_complementary_ones_would_pin_both():
    # why every hidden cell reads "*": shown as "<5" (1-4) and "5+", a hidden 1 and 5 in a line are pinned down
    line = [[(("cell", "a"), 1), (("cell", "b"), 1), (("cell", "c"), 1), (("total",), -1)]]
    known = {("total",): 20, ("cell", "c"): 14}
    told_apart = {("cell", "a"): (1, 4), ("cell", "b"): (5, None)}
    assert pinned_cells((known, told_apart, line), cap=30) == {("cell", "a"): 1, ("cell", "b"): 5}
    alike = {("cell", "a"): (1, None), ("cell", "b"): (1, None)}
    assert pinned_cells((known, alike, line), cap=30) == {}


# --- a) one breakdown with its total ------------------------------------------------------------------------------


def test_one_small_site_takes_the_next_smallest_with_it():
    b = suppress_counts({"A": 3, "B": 12, "C": 7, "D": 20})
    assert b.rows() == [("A", HIDDEN), ("B", "12"), ("C", HIDDEN), ("D", "20")]
    assert b.total == Cell("42", 42)
    assert_safe(breakdown_view({"": b}), cap=50)


def test_ties_are_broken_by_key_and_zeros_are_shown_and_never_complementary():
    b = suppress_counts({"D": 6, "A": 2, "Z": 0, "C": 6, "E": 9})
    assert b.rows() == [("D", "6"), ("A", HIDDEN), ("Z", "0"), ("C", HIDDEN), ("E", "9")]
    assert suppress_counts({"D": 6, "A": 2, "Z": 0, "C": 6, "E": 9}) == b
    assert_safe(breakdown_view({"": b}), cap=30)


def test_two_small_cells_protect_each_other_unless_they_add_up_to_their_number():
    assert suppress_counts({"A": 2, "B": 3, "C": 9}).rows() == [("A", HIDDEN), ("B", HIDDEN), ("C", "9")]
    ones = suppress_counts({"A": 1, "B": 1, "C": 9, "D": 30})
    assert ones.rows() == [("A", HIDDEN), ("B", HIDDEN), ("C", HIDDEN), ("D", "30")]
    assert_safe(breakdown_view({"": ones}), cap=45)


def test_an_unlisted_rest_is_protected_like_a_cell():
    # 15 staff, 13 at listed sites: the 2 with no site are a small group that subtraction would reveal
    b = suppress_counts({"A": 6, "B": 7}, total=15)
    assert b.rows() == [("A", HIDDEN), ("B", "7")] and b.total.text == "15"
    assert_safe(breakdown_view({"": b}, unlisted=frozenset({""})), cap=20)
    # a small site and the small rest protect each other
    assert suppress_counts({"A": 6, "B": 4}, total=12).rows() == [("A", "6"), ("B", HIDDEN)]
    # "10 of 12 practised" written as a breakdown: the 2 who did not are protected by hiding the 10
    assert suppress_counts({"practised": 10}, total=12).rows() == [("practised", HIDDEN)]


def test_when_no_cell_is_left_to_hide_the_total_is_hidden():
    b = suppress_counts({"A": 1, "B": 1}, total=7)
    assert b.rows() == [("A", HIDDEN), ("B", HIDDEN)] and b.total.suppressed
    assert_safe(breakdown_view({"": b}, unlisted=frozenset({""})), cap=15)


def test_a_small_total_is_hidden_with_all_its_cells():
    b = suppress_counts({"A": 3, "B": 0})
    assert b.rows() == [("A", HIDDEN), ("B", "0")] and b.total.suppressed


def test_negative_counts_and_parts_larger_than_the_total_are_refused():
    with pytest.raises(ValueError):
        suppress_counts({"A": -1, "B": 8})
    with pytest.raises(ValueError):
        suppress_counts({"A": 9}, total=8)


# --- b) several breakdowns of the same people ---------------------------------------------------------------------


def test_a_hidden_site_cannot_be_recovered_from_the_staff_group_total():
    out = suppress_breakdowns({"site": {"A": 3, "B": 12, "C": 7}, "group": {"x": 11, "y": 11}})
    assert out["site"].rows() == [("A", HIDDEN), ("B", "12"), ("C", HIDDEN)]
    assert out["group"].rows() == [("x", "11"), ("y", "11")]
    assert out["site"].total is out["group"].total and out["site"].total.text == "22"
    assert_safe(breakdown_view(out), cap=30)


def test_each_breakdown_gets_its_own_complementary_cell_against_the_shared_total():
    out = suppress_breakdowns({"site": {"A": 2, "B": 8, "C": 15}, "group": {"x": 4, "y": 6, "z": 15}})
    assert [c.suppressed for c in out["site"].cells.values()] == [True, True, False]
    assert [c.suppressed for c in out["group"].cells.values()] == [True, True, False]
    assert_safe(breakdown_view(out), cap=30)


def test_a_published_total_is_never_hidden_and_a_breakdown_it_would_give_away_is_withheld():
    # five people in five staff groups: hiding every group is not enough when the total 5 is shown elsewhere
    out = suppress_breakdowns(
        {"site": {"A": 5, "B": 0}, "group": {"v": 1, "w": 1, "x": 1, "y": 1, "z": 1, "q": 0}},
        total=5,
        total_published=True,
    )
    assert out["site"].rows() == [("A", "5"), ("B", "0")] and not out["site"].withheld
    assert out["group"].withheld and out["group"].cells == {} and out["group"].total.text == "5"
    # without the flag the same numbers hide the total instead, which a headline n would undo
    assert suppress_breakdowns({"group": {"v": 1, "w": 1, "x": 1, "y": 1, "z": 1}}, total=5)["group"].total.suppressed


def test_a_breakdown_that_can_be_protected_against_a_published_total_is_shown_protected():
    out = suppress_breakdowns({"site": {"A": 3, "B": 12, "C": 7}}, total=22, total_published=True)
    assert out["site"].rows() == [("A", HIDDEN), ("B", "12"), ("C", HIDDEN)] and not out["site"].withheld
    assert not out["site"].total.suppressed
    assert_safe(breakdown_view(out), cap=30)


# --- c) a two-way table -------------------------------------------------------------------------------------------


def test_a_two_way_table_hides_a_cycle_so_every_line_has_two_hidden_cells():
    t = suppress_table({"A": {"x": 3, "y": 8, "z": 9}, "B": {"x": 6, "y": 7, "z": 10}, "C": {"x": 5, "y": 1, "z": 12}})
    hidden = {k for k, c in t.cells.items() if c.suppressed}
    assert hidden == {("A", "x"), ("A", "y"), ("C", "x"), ("C", "y")}
    assert not any(c.suppressed for c in [*t.row_totals.values(), *t.column_totals.values(), t.total])
    for line in [[(r, c) for c in "xyz"] for r in "ABC"] + [[(r, c) for r in "ABC"] for c in "xyz"]:
        assert len(hidden & set(line)) in (0, 2, 3)
    assert_safe(table_view(t), cap=70)


def test_two_hidden_cells_per_line_is_not_enough_when_a_hidden_cell_joins_two_cycles():
    # 3s hidden in two 2x2 cycles (rows 0-1 x cols 0-1, rows 2-3 x cols 2-3) and at (0, 2), which joins them:
    # every row and column with a hidden cell has two, yet (0, 2) is rows 0-1 minus columns 0-1
    small = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    rows = {str(r): {str(c): 3 if (r, c) in small else 7 for c in range(4)} for r in range(4)}
    values = {("cell", r, c): v for r, row in rows.items() for c, v in row.items()}
    values |= {("row", r): sum(row.values()) for r, row in rows.items()}
    values |= {("col", c): sum(rows[r][c] for r in rows) for c in rows["0"]}
    lines = [([("cell", r, c) for c in rows[r]], ("row", r)) for r in rows]
    lines += [([("cell", r, c) for r in rows], ("col", c)) for c in rows["0"]]
    assert suppression._exposed(values, lines, {("cell", str(r), str(c)) for r, c in small}) == ("cell", "0", "2")
    view = table_view(suppress_table(rows))
    assert len(view[1]) > len(small)
    assert_safe(view, cap=80)


# --- d) k of n, percentages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "text", "percent"),
    [
        (10, 15, "10 of 15", "67%"),
        (3, 40, "[c] of 40", "<13%"),
        (10, 12, "all but [c] of 12", ">58%"),
        (3, 7, "some of 7", ""),
        (5, 6, "some of 6", ""),
        (3, 4, "[c]", ""),
        (0, 7, "0 of 7", "0%"),
        (12, 12, "12 of 12", "100%"),
        (0, 0, "0 of 0", ""),
    ],
)
def test_a_share_protects_both_the_count_and_its_leftover(k, n, text, percent):
    assert share(k, n) == suppression.Share(text, percent)


@pytest.mark.parametrize("n", range(1, 60))
def test_a_share_is_exact_when_safe_and_otherwise_leaves_several_possible_counts(n):
    for k in range(n + 1):
        consistent = [j for j in range(n + 1) if share(j, n) == share(k, n)]
        if 0 < k < 5 or 0 < n - k < 5:
            assert len(consistent) >= 2, (k, n, share(k, n))
        else:
            assert consistent == [k]


def test_a_share_refuses_impossible_numbers():
    with pytest.raises(ValueError):
        share(5, 4)


# --- e) means of few items, single figures ------------------------------------------------------------------------


def test_a_mean_of_fewer_than_five_scores_is_not_given():
    assert mean_if_enough([3.0]) is None
    assert mean_if_enough([3, 4, 2, 1]) is None
    assert mean_if_enough([3, 4, 2, 1, 4]) == pytest.approx(2.8)
    assert mean_if_enough([3, 4], threshold=2) == 3.5


def test_a_hidden_count_reads_the_same_on_its_own_in_a_share_and_in_a_breakdown_and_exports_the_same():
    assert [count(n).text for n in (0, 1, 4, 5)] == ["0", HIDDEN, HIDDEN, "5"]
    assert count(3).export == HIDDEN and count(12).export == 12 and count(3).value is None and count(3).suppressed
    assert count(3) == suppress_counts({"A": 3, "B": 6}).cells["A"]  # one hidden count, one way to read it
    assert suppress_counts({"A": 3, "B": 6}).cells["A"].export == HIDDEN
    assert share(3, 40).text.startswith(HIDDEN) and share(3, 4).text == HIDDEN and HIDDEN in share(10, 12).text
    assert HIDDEN in suppression.footnote() and "fewer than 5 people" in suppression.footnote()
    assert count(7, threshold=10).text == HIDDEN and count(10, threshold=10).text == "10"
    assert str(suppress_counts({"A": 30}).cells["A"]) == "30"


def test_the_threshold_can_be_raised():
    b = suppress_counts({"A": 7, "B": 20, "C": 12}, threshold=10)
    assert b.rows() == [("A", HIDDEN), ("B", "20"), ("C", HIDDEN)]
    assert "fewer than 10 people" in suppression.footnote(10)


# --- properties: random people, every output, both attackers ------------------------------------------------------

people = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C", "D", "E", None]), st.sampled_from(["w", "x", "y", "z"])), max_size=60
)
PROPERTY = settings(
    max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(people, st.lists(st.sampled_from(["band 2-4", "band 5-7", "band 8+"]), min_size=60, max_size=60))
def test_no_breakdown_of_random_people_shows_or_gives_away_a_small_group(staff, bands):
    sites = dict(sorted(Counter(s for s, _ in staff if s).items()))
    groups = dict(sorted(Counter(g for _, g in staff).items()))
    pay = dict(sorted(Counter(bands[: len(staff)]).items()))
    out = suppress_breakdowns({"site": sites, "group": groups, "pay": pay}, total=len(staff))
    assert_no_small_shown([out["site"].total, *(c for b in out.values() for c in b.cells.values())])
    rest = len(staff) - sum(sites.values())
    unlisted = frozenset({"site"} if rest else set())
    may_know = frozenset({("rest", "site")} if rest >= 5 else set())
    assert_safe(breakdown_view(out, unlisted), cap=len(staff) + 5, may_know=may_know)


@PROPERTY
@given(people)
def test_no_two_way_table_of_random_people_shows_or_gives_away_a_small_group(staff):
    rows: dict[str, dict[str, int]] = {}
    for site, group in sorted(staff, key=str):
        if site:
            rows.setdefault(site, Counter())[group] += 1
    table = suppress_table(rows)
    assert_no_small_shown([*table.cells.values(), *table.row_totals.values(), *table.column_totals.values()])
    assert_safe(table_view(table), cap=len(staff) + 5)


def test_a_cell_shown_to_have_another_value_is_not_searched_again_and_the_table_is_the_same(monkeypatch):
    """Hiding more never pins a cell down, so the search for complementary cells checks each free cell once (the
    forum report's 12 months x 4 spent most of its time searching the same cells again)."""
    rows = {
        f"m{m:02}": {"in_time": 3 + m % 4, "late": m % 3, "open": 1 + m % 2, "overdue": 2 * (m % 5)} for m in range(12)
    }
    searched: Counter = Counter()
    real = suppression._another_value

    def counted(key, *args):
        found = real(key, *args)
        searched[key, found] += 1
        return found

    table = suppression._suppress_table.__wrapped__(tuple((r, tuple(row.items())) for r, row in rows.items()), 5)
    monkeypatch.setattr(suppression, "_another_value", counted)
    again = suppression._suppress_table.__wrapped__(tuple((r, tuple(row.items())) for r, row in rows.items()), 5)
    assert again == table
    assert searched and max(n for (_, found), n in searched.items() if found) == 1

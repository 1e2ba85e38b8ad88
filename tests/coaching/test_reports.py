"""People at each coaching level by site and staff group: small groups hidden, and no subtraction recovers them."""

import itertools

from core.coaching.reports import build_report
from core.kernel.suppression import HIDDEN, footnote


def rows(level, by_site, groups):
    sites = [site for site, n in by_site.items() for _ in range(n)]
    return [(level, site, groups[i % len(groups)]) for i, site in enumerate(sites)]


def possible(figures):
    """Every value each hidden cell of one level could take, given both breakdowns share the level's total."""
    lines = [figures.by_site, figures.by_staff_group]
    total = figures.by_site.total.value
    hidden = [(n, key) for n, line in enumerate(lines) for key, cell in line.cells.items() if cell.suppressed]
    shown = [sum(c.value for c in line.cells.values() if not c.suppressed) for line in lines]
    options = {h: set() for h in hidden}
    for values in itertools.product(range(1, (total or 30) + 1), repeat=len(hidden)):
        sums = list(shown)
        for (n, _), v in zip(hidden, values, strict=True):
            sums[n] += v
        if total is None or all(s == total for s in sums):
            for h, v in zip(hidden, values, strict=True):
                options[h].add(v)
    return options


def test_each_level_hides_small_groups_with_a_partner(content):
    data = rows("qi_coach", {"basildon": 2, "southend": 6, "broomfield": 7}, ["ahp", "nursing_midwifery", "ahp"])
    data += rows("senior_coach", {"basildon": 3}, ["ahp"])
    report = build_report(data, content)
    levels = {f.level: f for f in report.levels}
    coach = levels["qi_coach"]
    assert coach.by_site.total.text == "15"
    assert coach.by_site.cells["basildon"].text == HIDDEN and coach.by_site.cells["southend"].text == HIDDEN
    assert all(len(v) > 1 for v in possible(coach).values())
    assert levels["senior_coach"].by_site.total.suppressed  # three people: not even the total
    assert levels["qsir_practitioner"].by_site.total.text == "0"
    assert report.footnote == footnote()


def test_a_report_with_only_safe_groups_has_no_footnote(content):
    data = rows("qi_coach", {"basildon": 5, "southend": 5}, ["ahp"])
    report = build_report(data, content)
    coach = next(f for f in report.levels if f.level == "qi_coach")
    assert coach.by_site.cells["basildon"].text == "5" and coach.by_staff_group.cells["ahp"].text == "10"
    assert report.footnote is None

"""The dashboard's numbers against a small trust worked out by hand (tests/measures/data.py), on the fakes."""

from datetime import date

from core.kernel.suppression import HIDDEN
from core.measures.dashboard import build_dashboard, build_summary
from core.measures.headcount import import_headcount
from tests.measures.data import HEADCOUNT_CSV, NOW, people, project, small_trust


async def dashboard(uow, content, *, headcount=True):
    await small_trust(uow, content)
    if headcount:
        await import_headcount(uow, text=HEADCOUNT_CSV, content=content, now=NOW)
    return await build_dashboard(uow, content=content, now=NOW)


def months(series):
    return {p.month: p for p in series.points}


async def test_staff_trained_counts_each_person_once_a_month_and_once_in_all(uow, content):
    d = await dashboard(uow, content)
    trained = d.series[0]
    by_month = months(trained)
    # Sep 2026: p1-p6 by course, p2's award the same month counts once
    assert by_month[date(2026, 9, 1)].text == "6"
    # Oct 2026: p7-p19 by course and p1's award (p1 was counted in Sep as well): 14
    assert by_month[date(2026, 10, 1)].text == "14"
    # Oct 2025: p7's award alone: one person, hidden
    assert by_month[date(2025, 10, 1)].text == HIDDEN and by_month[date(2025, 10, 1)].value is None
    # p1-p19 (p20 only in the incomplete month): 19, each once, although p1, p2 and p7 have two pieces of evidence
    assert trained.cumulative.text == "19"


async def test_the_current_month_is_incomplete_and_left_out_of_the_limits(uow, content):
    d = await dashboard(uow, content)
    trained = d.series[0]
    assert d.current == date(2026, 11, 1) and d.last_complete == date(2026, 10, 1)
    assert trained.current is not None and trained.current.partial and trained.current.month == date(2026, 11, 1)
    assert trained.latest.month == date(2026, 10, 1)
    assert date(2026, 11, 1) not in trained.chart_months
    assert len(trained.chart.points) == len(trained.chart_months)
    # the chart's points are the complete, shown months: 13 months from Oct 2025, Oct 2025 itself hidden
    assert trained.chart_months[0] == date(2025, 11, 1) and trained.chart_months[-1] == date(2026, 10, 1)
    assert [p.value for p in trained.chart.points][-2:] == [6.0, 14.0]


async def test_signals_come_from_making_data_count_rules(uow, content):
    d = await dashboard(uow, content)
    trained = d.series[0]
    # 10 zero months then 6 and 14: mean 20/12, limits from the screened moving ranges; 14 is above the upper limit
    assert trained.chart.points[-1].rule == "outside_limits" and trained.signal == "improvement"
    # a target of 40 a month above the upper limit: the process will consistently miss it
    assert trained.chart.upper_limit < 40 and trained.assurance == "consistent_fail"


async def test_table_by_site_legacy_trust_and_staff_group_with_reach(uow, content):
    d = await dashboard(uow, content)
    table = d.tables[0]
    rows = {(r.dimension, r.key): r for r in table.rows}
    total = rows[("total", "")]
    assert table.this_period == (date(2025, 11, 1), date(2026, 10, 1))
    assert (total.this_year.text, total.last_year.text) == ("19", HIDDEN)  # p7 alone the year before
    assert total.change == ""  # never beside a hidden year
    assert total.cumulative.text == "19" and total.headcount == 200 and total.reach == "9.5%"
    assert rows[("site", "southend")].this_year.text == "7"  # p1-p6 and p19
    assert rows[("site", "basildon")].this_year.text == "6"
    assert rows[("site", "broomfield")].this_year.text == "6"
    assert rows[("site", "broomfield")].change == "+6"
    assert rows[("legacy_trust", "Southend University Hospital")].this_year.text == "7"
    assert rows[("legacy_trust", "Mid Essex Hospital Services")].this_year.text == "6"
    # staff groups: nursing 12, AHP 6, medical 1; medical is hidden, and AHP with it (else 19 - 12 - 6 = 1)
    assert rows[("staff_group", "nursing_midwifery")].this_year.text == "12"
    assert rows[("staff_group", "medical_dental")].this_year.text == HIDDEN
    assert rows[("staff_group", "ahp")].this_year.text == HIDDEN


async def test_projects_evaluations_and_self_efficacy(uow, content):
    d = await dashboard(uow, content)
    registered, evaluated, efficacy = d.tables[1], d.tables[2], d.tables[3]
    assert {(r.dimension, r.key): r.this_year.text for r in registered.rows}[("total", "")] == HIDDEN  # 2 projects
    assert sum(p.n for p in d.series[1].points) == 3  # the draft is not registered
    assert sum(p.n for p in d.series[2].points) == 1
    change = months(d.series[3])[date(2026, 10, 1)]
    assert change.n == 6 and change.text == "+0.83"  # five +1 and one 0
    total = next(r for r in efficacy.rows if r.dimension == "total")
    assert total.this_year.text == "6" and round(total.this_mean, 4) == round(5 / 6, 4)
    southend = next(r for r in efficacy.rows if r.key == "southend")
    assert southend.this_year.text == HIDDEN and southend.this_mean is None  # 5 and 1: both hidden (total 6)
    assert evaluated.rows[0].this_year.text == HIDDEN


async def test_equity_names_the_group_furthest_below_first(uow, content):
    d = await dashboard(uow, content)
    e = d.equity
    assert round(e.overall, 1) == 9.5  # 19 of 200
    first = e.by_site_and_group[0]
    assert first.label == "nursing and midwifery (registered) staff at Broomfield Hospital (Chelmsford)"
    assert first.rate == 0.0 and round(first.gap, 1) == -9.5
    assert e.headline() == (
        "0.0% of nursing and midwifery (registered) staff at Broomfield Hospital (Chelmsford) trained, "
        "against 9.5% of all staff."
    )
    assert all(r.rate is None for r in e.by_site_and_group if r.count.suppressed)  # hidden groups are not ranked


async def test_without_headcount_there_is_no_reach(uow, content):
    d = await dashboard(uow, content, headcount=False)
    assert d.headcount_month is None and d.equity.overall is None
    assert all(r.reach == "" for r in d.tables[0].rows)


async def test_limits_are_fixed_and_rebased_as_content_says(uow, content):
    from dataclasses import replace

    from core.measurement import Rebase
    from core.measures.evidence import facts_of
    from core.measures.series import build_series
    from dialogs.measures.charts import chart_png

    await small_trust(uow, content)
    trained = content.measures.measure("staff_trained")
    facts = await facts_of(uow, trained, content)
    rebased = replace(trained, rebases=(Rebase(date(2026, 9, 1), "Fundamentals moved online"),), fix_after=None)
    series = build_series(rebased, facts, current=date(2026, 11, 1), months_shown=36)
    first, second = series.chart.segments
    assert (first.reason, second.reason) == (None, "Fundamentals moved online")
    assert series.chart_months[second.start] == date(2026, 9, 1) and second.trial  # two months: trial limits
    assert chart_png(series).startswith(b"\x89PNG")
    longer = build_series(trained, facts, current=date(2027, 6, 1), months_shown=36)  # 19 complete months
    assert longer.chart.segments[0].fixed and longer.chart.segments[0].baseline == 12


async def test_a_chart_is_drawn_again_only_when_its_series_changes(uow, content):
    from core.measures.evidence import facts_of
    from core.measures.series import build_series
    from dialogs.measures import charts

    await small_trust(uow, content)
    trained = content.measures.measure("staff_trained")
    facts = await facts_of(uow, trained, content)
    series = build_series(trained, facts, current=date(2026, 11, 1), months_shown=36)
    first = charts.chart_png(series)
    same = build_series(trained, facts, current=date(2026, 11, 1), months_shown=36)  # an equal series, built anew
    assert charts.chart_png(same) is first  # not drawn again
    latest = series.latest.month
    newcomers = [facts[-1]._replace(month=latest, key=f"person:new-{n}") for n in range(20)]  # a visible rise
    changed = build_series(trained, facts + newcomers, current=date(2026, 11, 1), months_shown=36)
    assert changed != series
    redrawn = charts.chart_png(changed)
    assert redrawn is not first and redrawn != first and redrawn.startswith(b"\x89PNG")
    assert charts._draw_chart(series) == first  # what is kept is exactly what would be drawn


async def test_the_card_summary_has_the_dashboards_series_and_equity_without_the_other_tables(uow, content):
    d = await dashboard(uow, content)
    s = await build_summary(uow, content=content, now=NOW)
    assert s.series == d.series and s.equity == d.equity
    assert (s.current, s.last_complete, s.headcount_month) == (d.current, d.last_complete, d.headcount_month)
    assert s.any_hidden and d.any_hidden  # Oct 2025's one person trained is hidden, behind the signal


async def test_the_cards_footnote_is_for_what_the_card_draws_on(uow, content):
    # Five projects in October, four at Southend and one at Basildon: every month's count may be shown, but the
    # projects table by site hides Basildon's one (and Southend's four with it). The card shows no table.
    leads = await people(uow)
    for lead in (*leads[:4], leads[6]):
        await project(uow, lead, submitted="2026-10-14")
    d = await build_dashboard(uow, content=content, now=NOW)
    s = await build_summary(uow, content=content, now=NOW)
    registered = d.tables[1]
    assert any(r.this_year.suppressed for r in registered.rows if r.dimension == "site")
    assert d.any_hidden  # the full dashboard shows that table, so it has the footnote
    assert not s.any_hidden and s.series == d.series  # the card's numbers hide nothing

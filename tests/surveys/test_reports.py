"""The survey report on fakes: before and after matched through the pseudonym only, the statistics as computed
independently, and every breakdown suppressed so no hidden group can be worked out (attacked by subtraction and
by an exhaustive search, as the kernel's own suppression tests do)."""

import asyncio
from collections import Counter
from statistics import fmean

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot import registry
from core.kernel.suppression import THRESHOLD
from core.surveys.answering import save_section
from core.surveys.campaigns import standing_campaign, survey_trigger
from core.surveys.pseudonyms import Pseudonyms
from core.surveys.reports import NOT_RECORDED, shown_facts, survey_report
from core.surveys.statistics import cronbach_alpha, paired_change
from tests.fakes import FakeUnitOfWork
from tests.kernel.test_suppression import pinned_cells, subtract
from tests.surveys.data import GROUPS, NOW, SITES, answer_all, confidence, person, section

ITEMS = (
    "smart_aim",
    "driver_diagram",
    "measures",
    "run_chart",
    "common_special",
    "pdsa_plan",
    "pdsa_decide",
    "process_map",
    "involve_patients",
    "lead_change",
)


async def respond(uow, content, wave: str, pseudonym: str, values, *, site="basildon", group="nursing_midwifery"):
    """A submitted response straight into the fake: `values` per item, in ITEMS order."""
    instrument = content.surveys.instrument("qi_self_efficacy")
    rule = next(r for r in instrument.triggers if r.series == "micro_learning" and r.wave == wave)
    campaign = await standing_campaign(uow, instrument, rule, NOW)
    response = await uow.surveys.start_response(campaign, pseudonym, now=NOW)
    await uow.surveys.save_response(
        response.id,
        answers=dict(zip(ITEMS, values, strict=True)),
        section=0,
        site=site,
        staff_group=group,
        experience=None,
        now=NOW,
    )
    await uow.surveys.submit_response(response.id, now=NOW)


async def report_of(uow, content):
    report = await survey_report(uow, content=content, now=NOW)
    [change] = report.changes
    return change


async def test_before_and_after_are_matched_through_the_pseudonym_key(content):
    uow = FakeUnitOfWork()
    key_a, key_b = Pseudonyms("a" * 32), Pseudonyms("b" * 32)
    people = [await person(uow, n) for n in range(1, 8)]
    for user in people:
        await survey_trigger(uow, user_id=user.id, trigger="learning_started", content=content, now=NOW)
        await survey_trigger(uow, user_id=user.id, trigger="learning_completed", content=content, now=NOW)
    for n, user in enumerate(people):
        before, after = sorted(await uow.surveys.open_invitations(user.id, now=NOW), key=lambda i: i.id)
        for invitation, value, key in ((before, 1 + n % 2, key_a), (after, 3 + n % 2, key_a if n < 6 else key_b)):
            await answer_all(uow, content, user, invitation.id, value, key)
    change = await report_of(uow, content)
    # the seventh person answered "after" under another key: their answers cannot be matched, so 6 pairs of 7
    assert (change.baseline_n.text, change.paired_n.text) == ("7", "6")
    assert change.change.mean_change == pytest.approx(2.0)


async def test_the_change_report_gives_the_statistics_of_the_matched_pairs_only(content):
    uow = FakeUnitOfWork()
    befores, afters = {}, {}
    for n in range(12):
        values = [1 + (n + i) % 3 for i in range(10)]
        befores[f"p{n}"] = values
        await respond(uow, content, "before", f"p{n}", values)
    for n in list(range(8)) + [20, 21]:  # 8 of them answer after; 2 answer after with no before
        values = [min(4, 2 + (n * 3 + i) % 3) for i in range(10)]
        afters[f"p{n}"] = values
        await respond(uow, content, "after", f"p{n}", values)
    change = await report_of(uow, content)
    matched = [p for p in befores if p in afters]
    assert (change.baseline_n.text, change.paired_n.text) == ("12", "8")
    expected = paired_change([fmean(befores[p]) for p in matched], [fmean(afters[p]) for p in matched])
    assert change.change == expected
    assert change.change.mean_change == pytest.approx(fmean(fmean(afters[p]) - fmean(befores[p]) for p in matched))
    assert change.alpha == pytest.approx(cronbach_alpha(list(befores.values())))
    assert [t.item_id for _, t in change.items] == list(ITEMS)
    assert all(t.p_holm is None or t.p_holm >= t.p for _, t in change.items)


async def test_fewer_than_five_pairs_show_counts_but_no_statistics(content):
    uow = FakeUnitOfWork()
    for n in range(4):
        await respond(uow, content, "before", f"p{n}", [2] * 10)
        await respond(uow, content, "after", f"p{n}", [3] * 10)
    change = await report_of(uow, content)
    assert change.paired_n.text == "[c]" and change.change is None and change.items == [] and change.alpha is None


async def test_waves_give_responses_rate_and_item_means_from_five(uow, content, messages):
    people = [await person(uow, n) for n in range(1, 16)]
    scale = content.surveys.instrument("qi_self_efficacy")
    for user in people:
        await survey_trigger(uow, user_id=user.id, trigger="learning_started", content=content, now=NOW)
    for user in people[:7]:
        [invitation] = await uow.surveys.open_invitations(user.id, now=NOW)
        for index in (0, 1):
            await save_section(
                uow,
                user=user,
                command=section(invitation.id, index, confidence(scale, index, 3)),
                content=content,
                pseudonyms=messages.pseudonyms,
                now=NOW,
            )
    report = await survey_report(uow, content=content, now=NOW)
    [wave] = report.waves
    assert wave.responses.text == "7" and (wave.rate.text, wave.rate.percent) == ("7 of 15", "47%")
    assert all(mean == 3 for _, mean in wave.item_means)


# --- suppression of the breakdowns -------------------------------------------------------------------------------


def view_of(change, content):
    """What a reader has: the shown counts by site, legacy trust and staff group, the total, and the lines they
    sum along (each breakdown to the total, and each legacy trust to its sites)."""
    known, unknown, equations = {}, {}, []
    total = change.paired_n
    cells = {("total",): total}
    for dim in ("site", "legacy_trust", "staff_group"):
        if dim in change.withheld:  # not shown at all: the reader has no cell and no line of it
            continue
        cells |= {(dim, g.key): g.n for g in change.groups[dim]}
        equations.append([((dim, g.key), 1) for g in change.groups[dim]] + [(("total",), -1)])
    trust_of = {s.id: content.surveys.legacy_trust(s.id) or "No legacy trust" for s in content.organisation.sites}
    trust_of[NOT_RECORDED] = NOT_RECORDED
    for trust in {g.key for g in change.groups["legacy_trust"]}:
        sites = [s for s, t in trust_of.items() if t == trust]
        equations.append([(("site", s), 1) for s in sites] + [(("legacy_trust", trust), -1)])
    for key, cell in cells.items():
        if cell.suppressed:
            unknown[key] = (1, None)
        else:
            known[key] = cell.value
    return known, unknown, equations


def assert_mean_changes_cannot_be_subtracted(change, members):
    """Along every line whose total's mean is known, the groups without a shown mean hold 0 or 5+ people."""
    for dim in ("site", "legacy_trust", "staff_group"):
        rest = sum(members[dim][g.key] for g in change.groups[dim] if g.mean_change is None)
        assert rest == 0 or rest >= THRESHOLD, (dim, rest)
        for g in change.groups[dim]:
            assert g.mean_change is None or (not g.n.suppressed and g.n.value >= THRESHOLD)


async def pairs_in_groups(content, people):
    uow = FakeUnitOfWork()
    for n, (site, group) in enumerate(people):
        await respond(uow, content, "before", f"p{n}", [1 + n % 3] * 10, site=site, group=group)
        await respond(uow, content, "after", f"p{n}", [2 + n % 3] * 10, site=site, group=group)
    change = await report_of(uow, content)
    trust = {s: content.surveys.legacy_trust(s) or "No legacy trust" for s in SITES}
    members = {
        "site": Counter(s or NOT_RECORDED for s, _ in people),
        "legacy_trust": Counter(trust[s] if s else NOT_RECORDED for s, _ in people),
        "staff_group": Counter(g or NOT_RECORDED for _, g in people),
    }
    return change, members


async def test_a_small_site_is_hidden_with_a_partner_and_no_attack_recovers_it(content):
    people = [("basildon", "nursing_midwifery")] * 10 + [("broomfield", "ahp")] * 6 + [("southend", "ahp")] * 3
    change, members = await pairs_in_groups(content, people)
    by_site = {g.key: g for g in change.groups["site"]}
    assert by_site["southend"].n.text == "[c]" and by_site["southend"].mean_change is None
    assert sum(g.n.suppressed for g in change.groups["site"]) >= 2
    by_trust = {g.key: g for g in change.groups["legacy_trust"]}
    assert by_trust["Southend University Hospital"].n.text == "[c]"  # the same people as the site: hidden alike
    assert by_site["community"].n.text == "0" and change.paired_n.text == "19"
    view = view_of(change, content)
    assert subtract(view) == {}
    assert pinned_cells(view, cap=50) == {}
    assert_mean_changes_cannot_be_subtracted(change, members)


async def test_a_staff_group_of_three_among_big_sites_cannot_be_recovered_and_its_mean_is_not_derivable(content):
    people = [("basildon", "nursing_midwifery")] * 8 + [("broomfield", "medical_dental")] * 8
    people += [("southend", "ahp")] * 3 + [("southend", "nursing_midwifery")] * 5
    change, members = await pairs_in_groups(content, people)
    groups = {g.key: g for g in change.groups["staff_group"]}
    assert groups["ahp"].n.text == "[c]" and groups["ahp"].mean_change is None
    view = view_of(change, content)
    assert subtract(view) == {} and pinned_cells(view, cap=50) == {}
    assert_mean_changes_cannot_be_subtracted(change, members)
    # the groups hidden with the AHPs hold 5 or more: their combined mean is all a subtraction could give
    assert sum(members["staff_group"][g.key] for g in change.groups["staff_group"] if g.mean_change is None) >= 5


CONTENT = registry.load_content()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from((*SITES, None)), st.sampled_from((*GROUPS, None))), min_size=5, max_size=40))
@example([("basildon", g) for g in (*GROUPS, None)])  # five pairs in five staff groups: every group would be 1
@example(list(zip((*SITES, None), (*GROUPS, None), strict=True)))  # one pair at every site and in every group
@example([("basildon", "ahp")] * 5 + [("southend", g) for g in GROUPS[:4]])
def test_no_random_matched_group_shows_or_gives_away_a_small_group(people):
    content = CONTENT
    change, members = asyncio.run(pairs_in_groups(content, people))
    cells = [g.n for rows in change.groups.values() for g in rows]
    assert all(c.suppressed or c.value == 0 or c.value >= THRESHOLD for c in cells)
    view = view_of(change, content)
    assert subtract(view) == {}
    assert pinned_cells(view, cap=2 * len(people) + 5) == {}
    assert_mean_changes_cannot_be_subtracted(change, members)


async def test_free_text_is_shown_with_a_site_or_group_only_where_five_share_it(content):
    uow = FakeUnitOfWork()
    for n in range(7):
        await respond(
            uow, content, "before", f"p{n}", [2] * 10, site="basildon", group="ahp" if n < 5 else "admin_clerical"
        )
    await respond(uow, content, "before", "p9", [2] * 10, site="southend", group="ahp")
    responses = await uow.surveys.responses("qi_self_efficacy")
    facts = shown_facts(responses)
    assert Counter(facts.values()) == Counter({("basildon", "ahp"): 5, ("basildon", None): 2, (None, "ahp"): 1})

"""The faculty's learning report and the site league, on fakes, read the way an attacker with a calculator would:
what the card and `qibot learning report` show (sites, staff groups and the total they share) must not give away a
group of fewer than 5 people, by subtraction or by trying every number that fits."""

import itertools
import re

import pytest

from core.kernel.suppression import HIDDEN, count, share
from core.learning import report as learning
from core.learning.report import SitePractice
from dialogs.learning.progress import league_row
from dialogs.learning.report import report_card, report_lines
from tests.dialogs.harness import Chat, card_text
from tests.fakes import FakeUnitOfWork
from tests.learning.data import NOW, answer, person


async def award_holders(content, people):
    """`people`: (site, staff group) of each award holder; None for someone who never gave theirs."""
    uow = FakeUnitOfWork()
    for n, (site, group) in enumerate(people, start=1):
        user = await person(uow, content, n, site=site, staff_group=group)
        await uow.learning.award(user.id, content.learning.rules.award, now=NOW)
    return uow


def crowd(sites: dict[str | None, int], groups: dict[str | None, int]) -> list[tuple[str | None, str | None]]:
    """People with these site and staff group counts (both add up to the same number)."""
    assert sum(sites.values()) == sum(groups.values())
    site_list = [s for s, n in sites.items() for _ in range(n)]
    group_list = [g for g, n in groups.items() for _ in range(n)]
    return [(s, g) if s else (None, None) for s, g in zip(site_list, group_list, strict=True)]


# --- the attacker: shown cells and the total each breakdown adds up to, nothing else ---------------------------------


def card_lines(card: dict) -> list[dict[str, str]]:
    """The report card's two award breakdowns, each {row: text} with its "All staff" total."""
    return [{f["title"]: f["value"] for f in el["facts"]} for el in card["body"] if el.get("type") == "FactSet"]


def text_lines(lines: list[str]) -> list[dict[str, str]]:
    """The same from the text `qibot learning report` prints."""
    found, current = [], None
    for line in lines:
        if line.startswith("\nQI foundations completed, by"):
            current = {}
            found.append(current)
        elif current is not None and line.startswith("  "):
            label, shown = re.match(r"  (.*?)\s+(\S+)$", line).groups()
            current[label] = shown
        else:
            current = None
    return found


def possible_values(lines: list[dict[str, str]], cap: int) -> dict[tuple[int, str], set[int]]:
    """Every value each hidden cell can take, given the shown cells and that each breakdown adds up to the shared
    total ("All staff"): whole numbers of at least 1 (zeros are shown), "<5" meaning 1 to 4. Exhaustive."""
    totals = {line["All staff"] for line in lines}
    assert len(totals) == 1, "both breakdowns share one total"
    (total_text,) = totals
    totals_to_try = [int(total_text)] if total_text.isdigit() else range(1, cap + 1)
    found: dict[tuple[int, str], set[int]] = {}
    for total in totals_to_try:
        per_line = []
        for i, line in enumerate(lines):
            cells = {k: v for k, v in line.items() if k != "All staff"}
            hidden = [k for k, v in cells.items() if not v.isdigit()]
            rest = total - sum(int(v) for v in cells.values() if v.isdigit())
            ranges = [range(1, 5) if cells[k] == "<5" else range(1, rest + 1) for k in hidden]
            fits = [combo for combo in itertools.product(*ranges) if sum(combo) == rest]
            per_line.append([{(i, k): v for k, v in zip(hidden, combo, strict=True)} for combo in fits])
        if all(per_line):  # this total fits every breakdown
            for options in per_line:
                for option in options:
                    for key, value in option.items():
                        found.setdefault(key, set()).add(value)
            if not total_text.isdigit():
                found.setdefault((-1, "All staff"), set()).add(total)
    return found


def pinned(lines: list[dict[str, str]], cap: int) -> dict:
    """Hidden cells (and a hidden total) a reader can work out exactly."""
    return {k: v for k, v in possible_values(lines, cap).items() if len(v) == 1}


def assert_no_small_number_shown(lines: list[dict[str, str]]):
    shown = [int(v) for line in lines for v in line.values() if v.isdigit()]
    assert not [n for n in shown if 0 < n < 5], lines


def test_the_attacker_recovers_a_small_site_from_primary_suppression_alone():
    # what the report showed before: "<5" for small groups only, so a small site is the total minus the others
    before = [
        {"Basildon": "<5", "Broomfield": "12", "Southend": "7", "All staff": "22"},
        {"Nursing": "11", "AHP": "11", "All staff": "22"},
    ]
    assert pinned(before, cap=30) == {(0, "Basildon"): {3}}
    # and a total hidden with the rows shown is the sum of the rows
    assert pinned([{"A": "6", "B": "7", "All staff": HIDDEN}], cap=30) == {(-1, "All staff"): {13}}


# --- the faculty report --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sites", "groups"),
    [
        # the issue's case: a hidden site would be the shared total minus the others
        ({"basildon": 3, "broomfield": 12, "southend": 7}, {"nursing_midwifery": 11, "ahp": 11}),
        # two people with no site or staff group recorded keep their own rows, so both breakdowns add up
        ({"basildon": 3, "broomfield": 12, "southend": 7, None: 2}, {"nursing_midwifery": 11, "ahp": 11, None: 2}),
        # small cells in both breakdowns
        ({"basildon": 2, "broomfield": 8, "southend": 15}, {"medical_dental": 4, "nursing_midwifery": 6, "ahp": 15}),
        # everyone at one site but one person
        ({"basildon": 1, "southend": 20}, {"nursing_midwifery": 10, "ahp": 11}),
        # too few people for any figure
        ({"basildon": 2, "southend": 1}, {"ahp": 3}),
    ],
)
async def test_no_hidden_site_or_staff_group_can_be_worked_out_from_the_report(content, sites, groups):
    uow = await award_holders(content, crowd(sites, groups))
    report = await learning.learning_report(uow, content=content, now=NOW)
    total = sum(sites.values())
    truth = [truth_rows(content, "sites", sites), truth_rows(content, "staff_groups", groups)]
    for lines in (card_lines(report_card(report)), text_lines(report_lines(report))):
        assert len(lines) == 2 and {line["All staff"] for line in lines} <= {str(total), HIDDEN}
        assert_no_small_number_shown(lines)
        assert pinned(lines, cap=total + 10) == {}
        for line, true in zip(lines, truth, strict=True):  # every person has a row, and what is shown is true
            assert set(line) == {*true, "All staff"}
            assert all(true[k] == int(v) for k, v in line.items() if v.isdigit() and k != "All staff")
    assert report.footnote in card_text(report_card(report)) and report.footnote in report_lines(report)


def truth_rows(content, kind, counts):
    org = content.organisation
    rows = {choice.label: counts.get(choice.id, 0) for choice in getattr(org, kind)}
    if counts.get(None):
        rows[learning.NOT_RECORDED[kind]] = counts[None]
    return rows


async def test_faculty_report_hides_small_groups(learner, content):
    uow, _ = learner
    user = await person(uow, content, 1, site="southend", staff_group="ahp")
    for _ in range(5):
        await answer(uow, user, content, right=False, now=NOW)
    await uow.learning.award(user.id, content.learning.rules.award, now=NOW)
    report = await learning.learning_report(uow, content=content, now=NOW, min_answers=1)
    by_site = dict(report.by_site.rows())
    assert by_site["Southend University Hospital"] == HIDDEN and by_site["Basildon University Hospital"] == "0"
    assert dict(report.by_staff_group.rows())["Allied health professionals"] == HIDDEN
    assert report.awarded.suppressed and report.awarded.text == HIDDEN
    [league] = report.participation
    assert league.site == "Southend University Hospital"
    assert league.staff.text == HIDDEN and league.practised.text == HIDDEN
    # one person's answers: a share correct would describe that person, so none is given, even at min_answers=1
    answered = [s for s in report.questions if s.answers]
    assert len(answered) == 5 and all(s.share_correct is None and s.answered_by.text == HIDDEN for s in answered)
    assert report.most_missed == []


async def test_a_question_share_correct_is_shown_once_five_people_answered(content):
    uow = FakeUnitOfWork()
    first = content.learning.questions[0]
    for n in range(1, 6):
        user = await person(uow, content, n)
        await answer(uow, user, content, right=n == 1, now=NOW)
        stats = {s.question.id: s for s in (await learning.learning_report(uow, content=content, now=NOW)).questions}
        assert stats[first.id].people == n
        assert (stats[first.id].share_correct is None) == (n < 5)
    report = await learning.learning_report(uow, content=content, now=NOW)
    [missed] = report.most_missed
    assert missed.question == first and missed.share_correct == pytest.approx(0.2) and missed.answered_by.text == "5"
    card = card_text(report_card(report))
    assert f"20% right of 5: {first.stem}" in card
    [line] = [line for line in report_lines(report) if f" {first.id} " in line]
    assert line.split()[:3] == ["20%", "5", "5"]
    assert all(line.lstrip().startswith("-") for line in report_lines(report)[2:6] if f" {first.id} " not in line)


async def test_nobody_awarded_yet_says_so(content):
    report = await learning.learning_report(FakeUnitOfWork(), content=content, now=NOW)
    assert "None yet." in card_text(report_card(report)) and report.awarded.text == "0"


# --- the site league in `my progress` ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", range(1, 25))
def test_a_league_row_never_tells_how_many_did_or_did_not_practise_when_that_is_few(n):
    for k in range(n + 1):
        row = league_row(SitePractice("Site", count(n), share(k, n)))
        alike = [j for j in range(n + 1) if league_row(SitePractice("Site", count(n), share(j, n))) == row]
        if 0 < k < 5 or 0 < n - k < 5:
            assert len(alike) >= 2, row
        else:
            assert alike == [k] and row[1] == f"{k} of {n} staff"


async def test_the_league_in_my_progress_protects_those_who_did_not_practise(content):
    uow = FakeUnitOfWork()
    n = 0
    for site, staff, practised in (("basildon", 12, 10), ("broomfield", 15, 10), ("southend", 3, 1)):
        for i in range(staff):
            n += 1
            user = await person(uow, content, n, site=site)
            if i < practised:
                await answer(uow, user, content, now=NOW)
    chat = Chat(content, uow=uow, n=n + 1)
    await chat.press("onboarding.save", site="community", staff_group="ahp", experience="none")
    card = (await chat.say("my progress")).messages[0].card
    [league] = [el for el in card["body"] if el.get("type") == "FactSet" and "staff" in card_text(el)]
    org = content.organisation
    assert {f["title"]: f["value"] for f in league["facts"]} == {
        org.label("sites", "basildon"): "all but [c] of 12 staff",  # not "10 of 12": that says 2 did not practise
        org.label("sites", "broomfield"): "10 of 15 staff",
        org.label("sites", "southend"): "[c] staff",
        org.label("sites", "community"): "[c] staff",  # the reader alone there
    }

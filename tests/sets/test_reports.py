"""The sets report: counts only (nothing said in a set reaches it, on either database, nor the logs), and small
groups of members hidden so that no subtraction or search recovers them."""

import itertools
import json
import logging

import pytest

from core.kernel.errors import NotAllowed
from core.kernel.model import Role
from core.kernel.suppression import HIDDEN, footnote
from core.sets import meetings
from core.sets.commands import AttendanceMarks, MyActions
from core.sets.model import Mark, SetFigures
from core.sets.reports import build_report, set_report
from tests.dialogs.harness import Chat, card_text
from tests.fakes import FakeUnitOfWork
from tests.sets.data import MESSAGES, NOW, make_set, person

ISSUE = "SECRET-ISSUE: my manager ignores the rota"
ACTION = "SECRET-ACTION: raise it with HR"


async def confidential_set(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    first = (await uow.sets.meetings(created.id))[0]
    await meetings.write_issue(uow, user=people[0], meeting_id=first.id, issue=ISSUE, now=NOW)
    marks = {p.id: Mark.PRESENT for p in people} | {people[4].id: Mark.ABSENT}
    await meetings.record_attendance(
        uow,
        user=facilitator,
        command=AttendanceMarks(first.id, marks),
        content=content,
        messages=MESSAGES,
        now=first.ends_at,
    )
    await meetings.save_actions(
        uow, user=people[1], command=MyActions(first.id, (ACTION,)), content=content, now=first.ends_at
    )
    return created, facilitator, first


def secrets_in(value) -> bool:
    text = (
        value if isinstance(value, str) else json.dumps(value, default=repr) if isinstance(value, dict) else repr(value)
    )
    return "SECRET" in text


async def test_the_report_filter_lets_no_issue_or_action_through_on_either_database(uow_factory, content, caplog):
    caplog.set_level(logging.DEBUG)
    async with uow_factory() as uow:
        created, facilitator, first = await confidential_set(uow, content)
        assert (await uow.sets.get_meeting(first.id)).issue == ISSUE  # it is stored, for the set
        figures = await uow.sets.figures(now=first.ends_at)
        report = await set_report(uow, user=facilitator, content=content, now=first.ends_at)
        await uow.commit()
    assert not secrets_in(figures) and not secrets_in(report)
    assert all(not isinstance(v, str) for v in vars(figures).values())  # numbers and codes only
    assert (figures.meetings_held, figures.marks_present, figures.marks_total) == (1, 4, 5)
    assert not any("SECRET" in record.getMessage() for record in caplog.records)


async def test_the_report_card_shows_attendance_and_counts_only(content):
    chat = Chat(content, n=1)
    created, facilitator, first = await confidential_set(chat.uow, content)
    chat.clock.set(first.ends_at)
    card = (await chat.say("sets report")).messages[0].card
    text = card_text(card)
    assert not secrets_in(card)
    assert "Sets running\n1" in text and "Meetings held\n1 of 1 due so far" in text
    assert "Attendance\nsome of 5 places" in text  # 4 of 5 would say one person was away
    assert "Members of running sets: 5" in text


def figures(members) -> SetFigures:
    return SetFigures(
        sets_running=3,
        meetings_planned=18,
        meetings_due=6,
        meetings_held=5,
        marks_present=30,
        marks_total=34,
        members=members,
    )


def people(by_site: dict[str, int], groups: list[str]) -> list[tuple[int, str, str]]:
    sites = [site for site, n in by_site.items() for _ in range(n)]
    return [(i, site, groups[i % len(groups)]) for i, site in enumerate(sites, start=1)]


def possible(report):
    """Every value each hidden cell could take given what the report shows (sites and staff groups are two
    breakdowns of the same members, so both add up to the one total): a brute-force search by a reader."""
    lines = [report.by_site, report.by_staff_group]
    total = report.by_site.total.value
    hidden = [(n, key) for n, line in enumerate(lines) for key, cell in line.cells.items() if cell.suppressed]
    shown = [sum(c.value for c in line.cells.values() if not c.suppressed) for line in lines]
    cap = total or 40
    options = {h: set() for h in hidden}
    for values in itertools.product(range(1, cap + 1), repeat=len(hidden)):
        sums = [shown[0], shown[1]]
        for (n, _), v in zip(hidden, values, strict=True):
            sums[n] += v
        if total is None or all(s == total for s in sums):
            for h, v in zip(hidden, values, strict=True):
                options[h].add(v)
    return options


def test_a_small_site_is_hidden_with_a_partner_so_no_subtraction_finds_it(content):
    report = build_report(
        figures(people({"basildon": 3, "broomfield": 6, "southend": 7}, ["ahp", "nursing_midwifery"])), content
    )
    site = {k: c.text for k, c in report.by_site.cells.items()}
    assert site["basildon"] == HIDDEN and site["broomfield"] == HIDDEN and site["southend"] == "7"
    assert report.by_site.total.text == "16" and report.footnote == footnote()
    assert all(len(values) > 1 for values in possible(report).values())


def test_small_staff_groups_cannot_be_worked_out_from_the_shared_total(content):
    members = people({"basildon": 6, "southend": 6}, ["ahp"] * 5 + ["nursing_midwifery"] * 5 + ["medical_dental"])
    report = build_report(figures(members), content)
    groups = {k: c for k, c in report.by_staff_group.cells.items() if c.value != 0}
    assert groups["medical_dental"].suppressed  # one doctor
    assert sum(c.suppressed for c in report.by_staff_group.cells.values()) >= 2
    assert all(len(values) > 1 for values in possible(report).values())


def test_attendance_is_a_protected_share_and_a_small_total_hides_everything(content):
    report = build_report(figures(people({"basildon": 4}, ["ahp"])), content)
    assert report.by_site.total.suppressed
    assert all(c.suppressed or c.value == 0 for c in report.by_site.cells.values())
    assert (report.attendance.text, report.attendance.percent) == ("all but [c] of 34", ">85%")


async def test_only_facilitators_and_admins_get_the_report(content):
    uow = FakeUnitOfWork()
    staff = await person(uow, 9)
    with pytest.raises(NotAllowed):
        await set_report(uow, user=staff, content=content, now=NOW)
    admin = await person(uow, 10, role=Role.ADMIN)
    assert (await set_report(uow, user=admin, content=content, now=NOW)).sets_running == 0

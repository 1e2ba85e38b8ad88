"""The projects report: per month (XmR), by site, division and status, scores, exports; on both databases, and
suppressed: every output (the admin card, `qibot projects report`, the XLSX summary) is attacked the way a reader
with a calculator would, by subtracting the shown counts from the shown totals across the three breakdowns."""

import asyncio
import csv
import io
from argparse import Namespace
from dataclasses import replace
from datetime import timedelta

from openpyxl import load_workbook

from bot import registry
from bot.cli import cmd_projects_report
from bot.config import Config
from core.kernel.suppression import HIDDEN, footnote
from core.projects import services as svc
from core.projects.reports import TOO_FEW_EVALUATED, projects_report
from dialogs.projects.exports import to_csv, to_text, to_xlsx
from tests.dialogs.harness import Chat
from tests.fakes import FakeUnitOfWork
from tests.projects.data import EVALUATION, GOOD_SCORES, MESSAGES, NOW, THE_BASICS, approved, person, registered

DIMENSIONS = ("By site", "By division", "By status")


async def test_report_counts_every_month_and_exports_the_same_rows(uow_factory, content):
    async with uow_factory() as uow:
        lead, coach = await person(uow, 1), await person(uow, 2, coach=True)
        for months_ago, site in ((3, "basildon"), (3, "southend"), (1, "basildon"), (0, "broomfield")):
            when = NOW - timedelta(days=31 * months_ago)
            project = await registered(uow, content, lead, coach, basics=replace(THE_BASICS, site=site))
            await svc.submit(uow, user=lead, project_id=project.id, content=content, now=when, messages=MESSAGES)
        draft, _ = await svc.start_or_resume(uow, user=coach, now=NOW)  # drafts are not registered
        report = await projects_report(uow, content=content, now=NOW)
    # Counts of projects over time: shown in full, on the chart and in the exports.
    assert report.per_month == [("2026-08", 2), ("2026-09", 0), ("2026-10", 1), ("2026-11", 1)]
    assert report.chart is not None and report.chart.mean == 1.0
    # Four projects: every group of them is small, and so is the total; zeros are shown.
    assert report.total.text == HIDDEN
    assert shown(report.by_site) == {
        "Basildon University Hospital": HIDDEN,
        "Broomfield Hospital (Chelmsford)": HIDDEN,
        "Southend University Hospital": HIDDEN,
        "Community / other": "0",
    }
    assert shown(report.by_status) == {
        "Submitted": HIDDEN,
        "Approved": "0",
        "Active": "0",
        "Completed": "0",
        "Stopped": "0",
    }
    assert shown(report.by_division)["Medicine and emergency care"] == HIDDEN
    assert shown(report.by_division)["Surgery and critical care"] == "0"
    assert report.evaluated.text == "0" and report.scores is None
    assert report.evaluation_text() == "No evaluations scored yet."

    rows = list(csv.reader(io.StringIO(to_csv(report).decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "title", "site"] and len(rows) == 5
    book = load_workbook(io.BytesIO(to_xlsx(report)))
    sheet = book["Projects"]
    assert [c.value for c in sheet[1]][:3] == ["id", "title", "site"] and sheet.max_row == 5
    assert sheet.cell(row=2, column=2).value == THE_BASICS.title
    assert [[c.value for c in r] for r in book["Registered per month"].iter_rows(min_row=2)] == [
        ["2026-08", 2],
        ["2026-09", 0],
        ["2026-10", 1],
        ["2026-11", 1],
    ]

    # With the content (as the download links and `qibot projects report` give it), labels, not internal codes.
    labelled = list(csv.reader(io.StringIO(to_csv(report, content).decode("utf-8-sig"))))
    assert labelled[0][:6] == ["Project number", "Title", "Site", "Division", "Strategic aim", "Status"]
    by_column = dict(zip(labelled[0], zip(*labelled[1:], strict=True), strict=True))
    assert set(by_column["Site"]) == {
        "Basildon University Hospital",
        "Southend University Hospital",
        "Broomfield Hospital (Chelmsford)",
    }
    assert set(by_column["Division"]) == {"Medicine and emergency care"}
    assert set(by_column["Strategic aim"]) == {"Safe, high-quality care"}
    assert set(by_column["Status"]) == {"Submitted"} and set(by_column["Type"]) == {"Quality improvement"}
    codes = {"basildon", "southend", "broomfield", "medicine", "safe_care", "submitted", "qi"}
    assert not codes & {cell for row in labelled for cell in row}
    sheet = load_workbook(io.BytesIO(to_xlsx(report, content)))["Projects"]
    assert [c.value for c in sheet[2]][2:6] == list(labelled[1][2:6])


def shown(rows) -> dict[str, str]:
    return {label: cell.text for label, cell in rows}


# --- a register with small groups, built on the in-memory register ---------------------------------------------

# (site, division, status) of each project: 14 projects; Broomfield has 1, surgery 3, completed 2.
PLAN = (
    [("basildon", "medicine", "approved")] * 6
    + [("southend", "medicine", "submitted")] * 4
    + [("southend", "surgery", "submitted")] * 2
    + [("broomfield", "surgery", "completed")]
    + [("basildon", "medicine", "completed")]
)
TRUTH = {
    "By site": {
        "Basildon University Hospital": 7,
        "Broomfield Hospital (Chelmsford)": 1,
        "Southend University Hospital": 6,
    },
    "By status": {"Submitted": 6, "Approved": 6, "Active": 0, "Completed": 2, "Stopped": 0},
}


async def seed(uow, content, plan, *, evaluated: int = 0):
    """Projects as planned (registered at NOW), and the first `evaluated` completed ones scored by the coach."""
    lead, coach = await person(uow, 1), await person(uow, 2, coach=True)
    completed = []
    for site, division, status in plan:
        basics = replace(THE_BASICS, site=site, division=division)
        if status == "submitted":
            project = await registered(uow, content, lead, coach, basics=basics)
            await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
            continue
        project = await approved(uow, content, lead, coach, basics=basics)
        if status == "completed":
            await svc.close(uow, user=lead, project_id=project.id, completed=True, now=NOW)
            completed.append(project.id)
    for project_id in completed[:evaluated]:
        args = {"project_id": project_id, "content": content, "messages": MESSAGES, "now": NOW}
        await svc.submit_evaluation(uow, user=lead, evaluation=EVALUATION, **args)
        await svc.score_evaluation(uow, user=coach, rubric=GOOD_SCORES, **args)
    return lead, coach


def pinned_down(total: int | None, breakdowns: dict[str, dict[str, int | None]], cap: int = 60) -> dict:
    """What a reader works out from a report's shown figures: for every hidden cell (None), the values it can
    take given that each breakdown adds up to the total and a hidden count is at least 1 (zeros are shown). A
    cell with one possible value is recovered; returns those {(breakdown, label): value}."""
    possible: dict[tuple[str, str], set[int]] = {
        (dim, label): set() for dim, cells in breakdowns.items() for label, v in cells.items() if v is None
    }
    totals = [total] if total is not None else range(1, cap + 1)
    for t in totals:
        options = {}
        for dim, cells in breakdowns.items():
            hidden = [label for label, v in cells.items() if v is None]
            rest = t - sum(v for v in cells.values() if v is not None)
            if (not hidden and rest != 0) or rest < len(hidden):
                break  # this total is impossible
            options[dim] = (hidden, rest)
        else:
            for dim, (hidden, rest) in options.items():
                for label in hidden:
                    high = rest - (len(hidden) - 1)  # the others take at least 1 each
                    possible[(dim, label)] |= {rest} if len(hidden) == 1 else set(range(1, high + 1))
    return {key: next(iter(values)) for key, values in possible.items() if len(values) == 1}


def numbers(figures: dict[str, str]) -> dict[str, int | None]:
    return {label: None if text == HIDDEN else int(text) for label, text in figures.items()}


def check_attack(total: str, breakdowns: dict[str, dict[str, str]], truth=TRUTH) -> None:
    """Nothing hidden is recovered, every shown figure is the truth, and every small count is hidden."""
    parsed = {dim: numbers(cells) for dim, cells in breakdowns.items()}
    assert pinned_down(None if total == HIDDEN else int(total), parsed) == {}
    for dim, cells in truth.items():
        for label, true in cells.items():
            assert parsed[dim][label] in (None, true), (dim, label)
            if 0 < true < 5:
                assert parsed[dim][label] is None, (dim, label)


def test_the_attacker_recovers_what_is_left_alone():
    """The attacker is real: one hidden cell in a breakdown is the total minus the others; two that must be 1."""
    one = {"By site": {"A": 9, "B": None}}
    assert pinned_down(12, one) == {("By site", "B"): 3}
    assert pinned_down(11, {"By site": {"A": 9, "B": None, "C": None}}) == {("By site", "B"): 1, ("By site", "C"): 1}
    # A hidden total is worked out from a breakdown that hides nothing, then used on the others.
    assert pinned_down(None, {"By site": {"A": 9, "B": 3}, "By status": {"X": 10, "Y": None}}) == {
        ("By status", "Y"): 2
    }
    assert pinned_down(13, {"By site": {"A": 9, "B": None, "C": None}}) == {}


def card_figures(card: dict) -> tuple[str, dict[str, dict[str, str]]]:
    """The admin card as a reader sees it: the registered total and each breakdown's facts under its heading."""
    total, figures, heading = None, {}, None
    for block in card["body"]:
        if block.get("type") == "TextBlock" and block.get("size") == "Medium":
            heading = block["text"]
        elif block.get("type") == "FactSet":
            facts = {f["title"]: f["value"] for f in block["facts"]}
            if "Registered projects" in facts:
                total = facts["Registered projects"]
            elif heading in DIMENSIONS:
                figures[heading] = facts
    return total, figures


async def test_the_admin_card_hides_small_groups_so_no_subtraction_recovers_them(content):
    uow = FakeUnitOfWork()
    await seed(uow, content, PLAN, evaluated=2)
    admin = Chat(content, n=9, uow=uow, admins=frozenset({"aad-9"}))
    card = (await admin.press("projects.report")).card
    total, figures = card_figures(card)
    assert total == "14" and set(figures) == set(DIMENSIONS)
    check_attack(total, figures)
    assert figures["By site"]["Broomfield Hospital (Chelmsford)"] == HIDDEN
    # Broomfield's 1 alone would be the total minus the other sites: a second site is hidden with it.
    assert sum(v == HIDDEN for v in figures["By site"].values()) >= 2
    assert figures["By status"]["Completed"] == HIDDEN and figures["By status"]["Active"] == "0"
    text = "\n".join(b.get("text", "") for b in card["body"] if b.get("type") == "TextBlock")
    assert footnote() in text
    # Two projects evaluated: their "mean" would be two named leads' scores.
    assert "([c] projects evaluated, mean of 1-4)" in text and "Too few evaluated to show." in text
    assert "Aim achieved" not in text


def text_figures(text: str) -> tuple[str, dict[str, dict[str, str]]]:
    total, figures, heading = None, {}, None
    for line in text.splitlines():
        if line.startswith("Registered projects: "):
            total = line.split(": ", 1)[1]
        elif line.rstrip(":") in DIMENSIONS:
            heading = line.rstrip(":")
            figures[heading] = {}
        elif heading and line.startswith("  "):
            label, value = line.strip().rsplit(None, 1)
            figures[heading][label] = value
        else:
            heading = None
    return total, figures


async def test_the_terminal_report_and_the_xlsx_summary_survive_the_same_attack(content):
    uow = FakeUnitOfWork()
    await seed(uow, content, PLAN, evaluated=2)
    report = await projects_report(uow, content=content, now=NOW)
    total, figures = text_figures(to_text(report))
    assert total == "14" and set(figures) == set(DIMENSIONS)
    check_attack(total, figures)
    assert f"{TOO_FEW_EVALUATED.capitalize()}." in to_text(report) and footnote() in to_text(report)

    summary = [[c.value for c in row] for row in load_workbook(io.BytesIO(to_xlsx(report)))["Summary"].iter_rows()]
    assert summary[0] == ["Registered projects", 14]
    sheet, heading = {}, None
    for row in summary[1:]:
        if row[0] in DIMENSIONS:
            heading, sheet[row[0]] = row[0], {}
        elif row[0] is None:
            heading = None
        elif heading:
            sheet[heading][row[0]] = str(row[1])
    check_attack("14", sheet)
    assert sheet == figures  # the same cells hidden in every output
    assert [f"{TOO_FEW_EVALUATED.capitalize()}."] in [r[:1] for r in summary]


async def test_means_are_shown_from_five_evaluated_projects(content):
    uow = FakeUnitOfWork()
    await seed(uow, content, [("basildon", "medicine", "completed")] * 5, evaluated=5)
    report = await projects_report(uow, content=content, now=NOW)
    assert report.evaluated.text == "5" and report.evaluation_text() is None
    assert report.scores == [
        ("Aim achieved", 4.0),
        ("Use of measurement", 3.0),
        ("PDSA discipline", 3.0),
        ("Patient involvement", 2.0),
        ("Sustainability", 3.0),
    ]
    assert shown(report.by_site)["Basildon University Hospital"] == "5" and report.total.text == "5"
    assert not report.suppressed and footnote() not in to_text(report)
    four = FakeUnitOfWork()
    await seed(four, content, [("basildon", "medicine", "completed")] * 5, evaluated=4)
    report = await projects_report(four, content=content, now=NOW)
    assert report.evaluated.text == "[c]" and report.scores is None


async def test_large_groups_are_shown_exactly(content):
    uow = FakeUnitOfWork()
    plan = [("basildon", "medicine", "submitted")] * 5 + [("southend", "surgery", "approved")] * 6
    await seed(uow, content, plan)
    report = await projects_report(uow, content=content, now=NOW)
    assert report.total.text == "11" and not report.suppressed
    assert shown(report.by_site) == {
        "Basildon University Hospital": "5",
        "Broomfield Hospital (Chelmsford)": "0",
        "Southend University Hospital": "6",
        "Community / other": "0",
    }
    assert shown(report.by_status)["Submitted"] == "5" and shown(report.by_status)["Approved"] == "6"


async def test_qibot_projects_report_prints_the_suppressed_report(sqlite_engine, content, capsys):
    async with registry.uow_factory(sqlite_engine)() as uow:
        await seed(uow, content, PLAN[:6] + PLAN[-2:])  # 6 Basildon approved, Broomfield 1, Basildon 1
        await uow.commit()
    config = Config(database_url=sqlite_engine.url.render_as_string(hide_password=False))
    capsys.readouterr()
    assert await asyncio.to_thread(cmd_projects_report, config, Namespace(csv=None, xlsx=None)) == 0
    total, figures = text_figures(capsys.readouterr().out)
    assert total == "8"
    truth = {"By site": {"Basildon University Hospital": 7, "Broomfield Hospital (Chelmsford)": 1}}
    check_attack(total, figures, truth)
    assert figures["By site"]["Broomfield Hospital (Chelmsford)"] == HIDDEN

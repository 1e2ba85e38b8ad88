"""The projects report on both databases: per month (XmR), by site, division and status, scores, exports."""

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from core.projects import services as svc
from core.projects.reports import projects_report
from dialogs.projects.exports import to_csv, to_xlsx
from tests.projects.data import MESSAGES, THE_BASICS, person, registered

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)


async def test_report_counts_every_month_and_exports_the_same_rows(uow_factory, content):
    async with uow_factory() as uow:
        lead, coach = await person(uow, 1), await person(uow, 2, coach=True)
        for months_ago, site in ((3, "basildon"), (3, "southend"), (1, "basildon"), (0, "broomfield")):
            when = NOW - timedelta(days=31 * months_ago)
            project = await registered(uow, content, lead, coach, basics=replace(THE_BASICS, site=site))
            await svc.submit(uow, user=lead, project_id=project.id, content=content, now=when, messages=MESSAGES)
        draft, _ = await svc.start_or_resume(uow, user=coach, now=NOW)  # drafts are not registered
        report = await projects_report(uow, content=content, now=NOW)
    assert report.per_month == [("2026-08", 2), ("2026-09", 0), ("2026-10", 1), ("2026-11", 1)]
    assert report.chart is not None and report.chart.mean == 1.0
    assert report.by_site[0] == ("Basildon University Hospital", 2)
    assert report.by_status == [("Submitted", 4)] and report.by_division == [("Medicine and emergency care", 4)]
    assert report.evaluated == 0 and report.scores == []

    rows = list(csv.reader(io.StringIO(to_csv(report).decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "title", "site"] and len(rows) == 5
    sheet = load_workbook(io.BytesIO(to_xlsx(report)))["Projects"]
    assert [c.value for c in sheet[1]][:3] == ["id", "title", "site"] and sheet.max_row == 5
    assert sheet.cell(row=2, column=2).value == THE_BASICS.title

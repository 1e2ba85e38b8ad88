"""Every table of the dashboard as one XLSX workbook (openpyxl): the months of each measure, each measure by
site, legacy trust and staff group, and the equity view. Hidden counts read "[c]" as on the page, with the
footnote; shown counts are numbers, so a spreadsheet can sum them."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from core.measures.breakdowns import DIMENSION_TITLES
from core.measures.dashboard import Dashboard
from dialogs.measures.wording import ASSURANCE_WORDS, FOOTNOTE, SIGNAL_WORDS


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list]) -> None:
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append([FOOTNOTE])


def _export(cell):
    return None if cell is None else cell.export


def dashboard_xlsx(d: Dashboard) -> bytes:
    book = Workbook()
    book.remove(book.active)
    months = []
    for s in d.series:
        for p in s.points:
            value = (
                p.text if p.value is None else (round(p.value, 3) if s.measure.kind == "mean_change" else int(p.value))
            )
            months.append(
                [s.measure.label, p.month.isoformat(), value, s.measure.unit, "incomplete" if p.partial else ""]
            )
    _sheet(book, "Months", ["Measure", "Month", "Value", "Unit", "Note"], months)
    signals = [
        [
            s.measure.label,
            SIGNAL_WORDS[s.signal],
            ASSURANCE_WORDS[s.assurance],
            None if s.chart is None else round(s.chart.mean, 3),
            None if s.chart is None else round(s.chart.lower_limit, 3),
            None if s.chart is None else round(s.chart.upper_limit, 3),
            s.measure.target,
        ]
        for s in d.series
    ]
    _sheet(
        book, "Signals", ["Measure", "Variation", "Assurance", "Mean", "Lower limit", "Upper limit", "Target"], signals
    )
    for t in d.tables:
        m = t.measure
        header = ["Breakdown", "Group", "Last 12 months", "12 months before", "Change"]
        if m.kind == "mean_change":
            header = [
                "Breakdown",
                "Group",
                "Pairs, last 12 months",
                "Mean change",
                "Pairs, 12 months before",
                "Mean change",
            ]
        if m.reach:
            header += ["All time (each once)", "Headcount", "Reach"]
        rows = []
        for r in t.rows:
            dim = "All" if r.dimension == "total" else DIMENSION_TITLES[r.dimension]
            if m.kind == "mean_change":
                row = [dim, r.label, r.this_year.export, _round(r.this_mean), r.last_year.export, _round(r.last_mean)]
            else:
                row = [dim, r.label, r.this_year.export, r.last_year.export, r.change]
            if m.reach:
                row += [_export(r.cumulative), r.headcount, r.reach]
            rows.append(row)
        _sheet(book, m.label, header, rows)
    if d.equity is not None:
        e = d.equity
        rows = [
            [
                title,
                r.label,
                r.count.export,
                r.headcount,
                None if r.rate is None else round(r.rate, 1),
                None if r.gap is None else round(r.gap, 1),
            ]
            for title, found in (
                ("Staff group", e.by_staff_group),
                ("Site", e.by_site),
                ("Site and staff group", e.by_site_and_group),
            )
            for r in found
        ]
        _sheet(
            book, "Equity", ["Breakdown", "Group", e.verb.capitalize(), "Headcount", "Reach %", "Against overall"], rows
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _round(value: float | None):
    return None if value is None else round(value, 3)

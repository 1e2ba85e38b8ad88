"""The survey report's files: the chart of matched before/after means with 95% CIs (matplotlib, PNG), and the
pseudonymous responses as CSV (one row per answer, every instrument) and XLSX (a sheet per instrument)."""

from __future__ import annotations

import csv
import io

from core.surveys.exports import FIXED, InstrumentExport
from core.surveys.reports import SurveyReport
from dialogs.surveys.wording import SERIES

NHS_BLUE, GREY = "#005EB8", "#7F7F7F"
SIZE, DPI = (6.0, 3.0), 160


def change_chart(report: SurveyReport) -> bytes:
    """Per series with 5+ pairs: the matched people's mean before and after, each with its 95% CI."""
    from matplotlib.figure import Figure  # imported here: less memory until someone downloads one (issue 16)

    shown = [c for c in report.changes if c.before_ci and c.after_ci]
    fig = Figure(figsize=SIZE, dpi=DPI)
    ax = fig.subplots()
    if not shown:
        ax.text(0.5, 0.5, "Fewer than 5 matched pairs so far", ha="center", va="center", fontsize=11, color=GREY)
        ax.set_axis_off()
    for index, change in enumerate(shown):
        means = [change.before_ci[0], change.after_ci[0]]
        low = [means[0] - change.before_ci[1], means[1] - change.after_ci[1]]
        high = [change.before_ci[2] - means[0], change.after_ci[2] - means[1]]
        xs = [0 + index * 0.08, 1 + index * 0.08]
        label = f"{SERIES.get(change.series, change.series)} (n = {change.paired_n.text} pairs)"
        ax.errorbar(
            xs,
            means,
            yerr=[low, high],
            marker="o",
            capsize=4,
            linewidth=1.5,
            label=label,
            color=NHS_BLUE if index == 0 else GREY,
        )
    if shown:
        scale = shown[0].instrument.item(shown[0].scoring.items[0]).scale
        ax.set_xticks([0, 1], ["Before", "After"])
        ax.set_xlim(-0.4, 1.5)
        ax.set_ylim(scale.minimum, scale.maximum)
        ax.set_ylabel(shown[0].scoring.label.split(" (")[0], fontsize=9)
        ax.set_title("Matched before and after: mean with 95% CI", loc="left", fontsize=11)
        ax.legend(fontsize=8, frameon=False, loc="lower right")
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def to_csv(exports: list[InstrumentExport]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*FIXED, "item", "answer"])
    for export in exports:
        fixed = len(FIXED)
        for row in export.rows:
            for item_id, answer in zip(export.columns[fixed:], row[fixed:], strict=True):
                if answer != "":
                    writer.writerow([*row[:fixed], item_id, answer])
    return buffer.getvalue().encode("utf-8-sig")  # Excel opens UTF-8 CSV correctly with a BOM


def to_xlsx(exports: list[InstrumentExport]) -> bytes:
    from openpyxl import Workbook  # imported here: the bot's memory stays lower until someone downloads one (issue 16)

    book = Workbook()
    book.remove(book.active)
    for export in exports:
        sheet = book.create_sheet(export.instrument.id[:31])
        sheet.append(export.columns)
        for row in export.rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    notes = book.create_sheet("About")
    notes.append(["Pseudonymous responses: respondent is a code, the same for one person across waves."])
    notes.append(["Site and staff group are * where fewer than 5 of that wave share them (or the pair)."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

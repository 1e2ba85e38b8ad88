"""The faculty's learning report (admins): most-missed questions and the award by site and staff group, as a card
and as the text `qibot learning report` prints. Every count of people comes suppressed from core.learning.report."""

from __future__ import annotations

from core.kernel.model import Role
from core.learning.report import LearningReport, learning_report
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.learning.router import router

NOT_ENOUGH = "Not enough answers yet (5 or more per question, from 5 or more people)."


def report_card(report: LearningReport) -> dict:
    missed = [
        cards.text(f"- {s.share_correct:.0%} right of {s.answers}: {s.question.stem}", size="Small")
        for s in report.most_missed
    ]
    anyone = report.awarded.value != 0

    def breakdown(rows: list[tuple[str, str]]) -> dict:
        return cards.facts(rows) if anyone else cards.text("None yet.", size="Small")

    return cards.card(
        cards.title("Learning report"),
        cards.heading("Most-missed questions"),
        *(missed or [cards.text(NOT_ENOUGH, size="Small")]),
        cards.heading("QI foundations completed, by site"),
        breakdown([*report.by_site.rows(), ("All staff", report.awarded.text)]),
        cards.heading("By staff group"),
        breakdown([*report.by_staff_group.rows(), ("All staff", report.awarded.text)]),
        cards.text(report.footnote, subtle=True, size="Small"),
        actions=[cards.execute("Refresh", report_action)],
    )


@router.action("report", role=Role.ADMIN, admin_tool="Learning report")
async def report_action(turn: Turn) -> Response:
    return Response(card=report_card(await learning_report(turn.uow, content=turn.content, now=turn.now)))


def report_lines(report: LearningReport) -> list[str]:
    """The report as `qibot learning report` prints it: the same suppressed figures as the card."""
    lines = ["Questions (share answered correctly, answers, people):"]
    for stat in report.questions:
        share = f"{stat.share_correct:4.0%}" if stat.share_correct is not None else "   -"
        people, question = stat.answered_by.text, stat.question
        lines.append(f"  {share}  {stat.answers:5d}  {people:>5}  {question.id:<14} {question.stem[:70]}")
    lines.append("\nMost missed (5 or more answers, from 5 or more people):")
    lines += [f"  {s.share_correct:4.0%}  {s.question.id}: {s.question.stem[:80]}" for s in report.most_missed]
    if not report.most_missed:
        lines.append("  not enough answers yet")
    for title, breakdown in (("by site", report.by_site), ("by staff group", report.by_staff_group)):
        lines.append(f"\nQI foundations completed, {title}:")
        for label, shown in [*breakdown.rows(), ("All staff", report.awarded.text)]:
            lines.append(f"  {label:<45} {shown:>5}")
    lines.append(report.footnote)
    lines.append("\nPractised in the last 30 days, by site (onboarded staff, practised):")
    for row in report.participation:
        lines.append(f"  {row.site:<45} {row.staff.text:>5}  {row.practised.text}")
    if not report.participation:
        lines.append("  none yet")
    return lines

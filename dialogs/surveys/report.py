"""`survey report`, for admins: response rates per wave, the self-efficacy change on matched pairs with its
chart, by site, legacy trust and staff group (suppressed), and the pseudonymous downloads."""

from __future__ import annotations

from datetime import timedelta

from core.kernel.model import Role
from core.kernel.suppression import footnote
from core.surveys.reports import DIMENSIONS, ChangeReport, SurveyReport, survey_report
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.surveys import campaign, themes
from dialogs.surveys.pages import file_url
from dialogs.surveys.router import router
from dialogs.surveys.wording import SERIES, WAVES, day

LINK_LIFE = timedelta(hours=1)
WITHHELD = "Not shown: with so few pairs, any figure here would identify somebody."


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}"


def _p(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _change(change: ChangeReport) -> list:
    series = SERIES.get(change.series, change.series)
    blocks: list = [cards.heading(f"{change.instrument.title}: {series}, before and after")]
    facts = [("Baseline responses", change.baseline_n.text), ("Matched pairs", change.paired_n.text)]
    result = change.change
    if result is None:
        blocks += [cards.facts(facts), cards.text("Figures are shown from 5 matched pairs.", subtle=True, size="Small")]
        return blocks
    facts += [
        ("Mean before → after", f"{result.mean_before:.2f} → {result.mean_after:.2f}"),
        ("Mean change (95% CI)", f"{result.mean_change:+.2f} ({_ci(result.ci_low, result.ci_high)})"),
        ("Effect size d_z", "n/a" if result.d_z is None else f"{result.d_z:.2f}"),
        ("Paired t-test", "n/a" if result.t is None else f"t({result.df}) = {result.t:.2f}, p = {_p(result.p)}"),
    ]
    if change.alpha is not None:
        facts.append((f"Cronbach's alpha at baseline (n = {change.alpha_n})", f"{change.alpha:.2f}"))
    if change.follow_up is not None:
        facts.append(("3-month follow-up change", f"{change.follow_up.mean_change:+.2f} (n = {change.follow_up_n})"))
    blocks.append(cards.facts(facts))
    blocks.append(cards.text("Items (Wilcoxon signed-rank, Holm-corrected p):", size="Small", subtle=True))
    blocks.append(
        cards.text(
            "\n".join(f"- {text}: {_signed(t.mean_change)}, p = {_p(t.p_holm)}" for text, t in change.items),
            size="Small",
        )
    )
    for dim, heading in DIMENSIONS:
        rows = change.groups.get(dim, [])
        blocks.append(cards.text(f"**{heading}** (pairs, mean change with 95% CI)", size="Small"))
        if dim in change.withheld:
            blocks.append(cards.text(WITHHELD, size="Small", subtle=True))
            continue
        blocks.append(
            cards.facts(
                [
                    (
                        g.label,
                        g.n.text + (f", {g.mean_change:+.2f} ({_ci(*g.ci)})" if g.mean_change is not None else ""),
                    )
                    for g in rows
                ]
            )
        )
    return blocks


def _short(text: str, limit: int = 60) -> str:
    """An item's text cut at a word for a list on a phone."""
    return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)].rstrip(",.;:") + "…"


def _ci(low: float | None, high: float | None) -> str:
    return "n/a" if low is None or high is None else f"{low:+.2f} to {high:+.2f}"


def report_card(turn: Turn, report: SurveyReport) -> dict:
    links, expires = turn.links, turn.now + LINK_LIFE
    blocks: list = [cards.title("Surveys")]
    if links is not None and any(c.change for c in report.changes):
        blocks.append(
            {
                "type": "Image",
                "url": file_url(links, "png", user_id=turn.user.id, expires_at=expires),
                "altText": "Matched before and after means of the self-efficacy score with 95% confidence intervals",
                "size": "Stretch",
            }
        )
    for change in report.changes:
        blocks += _change(change)
    blocks.append(cards.heading("Responses"))
    if not report.waves:
        blocks.append(cards.text("No surveys sent yet.", size="Small"))
    for wave in report.waves:
        c = wave.campaign
        name = f"{SERIES.get(c.series, c.series)} {WAVES.get(c.wave, c.wave)}" if c.series else f"campaign {c.id}"
        if c.rule_id and "@" in c.rule_id:  # one campaign per event (feedback): which event, by when it began
            name += f", from {day(c.opens_at, turn.content)}"
        means = [f"{_short(text)}: {mean:.2f}" for text, mean in wave.item_means if mean is not None]
        blocks.append(
            cards.list_row(
                [
                    cards.text(f"**{wave.title}** ({name})", size="Small"),
                    cards.text(
                        f"{wave.rate.text} responded" + (f" ({wave.rate.percent})" if wave.rate.percent else ""),
                        size="Small",
                    ),
                    cards.text("\n".join(f"- {m}" for m in means), size="Small", subtle=True) if means else None,
                ]
            )
        )
    if report.suppressed:
        blocks.append(cards.text(footnote(), subtle=True, size="Small"))
    actions = [
        cards.execute("Start a survey", campaign.form),
        cards.execute("Theme free text", themes.choose),
        cards.execute("Refresh", refresh),
    ]
    if links is not None:
        actions += [
            {
                "type": "Action.OpenUrl",
                "title": "Download CSV",
                "url": file_url(links, "csv", user_id=turn.user.id, expires_at=expires),
            },
            {
                "type": "Action.OpenUrl",
                "title": "Download XLSX",
                "url": file_url(links, "xlsx", user_id=turn.user.id, expires_at=expires),
            },
        ]
    return cards.card(*blocks, actions=actions)


@router.command(
    "survey report",
    title="Survey report",
    description="Survey responses and self-efficacy change",
    role=Role.ADMIN,
    in_manifest=False,
)
async def show(turn: Turn) -> Response:
    return Response.show(report_card(turn, await survey_report(turn.uow, content=turn.content, now=turn.now)))


@router.action("report", role=Role.ADMIN)
async def refresh(turn: Turn) -> Response:
    return Response(card=report_card(turn, await survey_report(turn.uow, content=turn.content, now=turn.now)))

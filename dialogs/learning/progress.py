"""`my progress`: mastery per topic, streak, topics completed, the award, and practice by site."""

from __future__ import annotations

from core.kernel.dates import written
from core.kernel.suppression import footnote
from core.learning.progress import progress
from core.learning.report import SitePractice, practice_by_site
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.learning.quiz import next_question
from dialogs.learning.router import LEARN, MY_PROGRESS, command_button, days, router

# The same sign and footnote as every other hidden count (core.kernel.suppression), plus what "some" means here.
LEAGUE_NOTE = (
    f"{footnote()} So that nobody can be picked out, a site of fewer than 10 staff says only 'some', "
    "and a few who did not practise show as 'all but [c]'."
)


def league_row(row: SitePractice) -> tuple[str, str]:
    return row.site, f"{row.staff.text if row.staff.suppressed else row.practised.text} staff"


async def progress_card(turn: Turn) -> dict:
    content = turn.content
    mine = await progress(turn.uow, user=turn.user, content=content, now=turn.now)
    award = content.learning.rules.award
    awarded = mine.awards.get(award)
    rows = cards.facts(
        [
            (
                f"{'✓ ' if t.completed_at else ''}{t.topic.title}",
                f"right {t.answered_right}/{len(t.topic.questions)} · mastered {t.mastered}",
            )
            for t in mine.topics
        ]
    )
    league = [league_row(row) for row in await practice_by_site(turn.uow, content=content, now=turn.now)]
    return cards.card(
        cards.title("My QI learning"),
        cards.facts(
            [
                ("Streak", days(mine.streak)),
                ("Topics completed", f"{mine.completed} of {len(mine.topics)}"),
                (
                    f"{award} award",
                    f"awarded {written(awarded.astimezone(content.organisation.timezone), '%-d %b %Y')}"
                    if awarded
                    else f"not yet (complete all {len(mine.topics)} topics)",
                ),
            ]
        ),
        cards.heading("Mastery by topic"),
        rows,
        cards.text(
            "Right: answered correctly at least once. Mastered: answered right often enough that you now "
            f"remember it for more than {content.learning.rules.mastery_stability_days:g} days at a time.",
            subtle=True,
            size="Small",
        ),
        cards.heading("Practice by site, last 30 days"),
        cards.facts(league) if league else cards.text("No practice recorded yet."),
        cards.text(LEAGUE_NOTE, subtle=True, size="Small"),
        actions=[cards.execute("Quiz me", next_question), command_button("All topics", LEARN)],
    )


@router.command(
    MY_PROGRESS,
    title="My progress",
    description="Your QI learning: mastery, streak and topics done",
    aliases=("progress", "my learning", "streak"),
)
async def my_progress(turn: Turn) -> Response:
    return Response.show(await progress_card(turn))

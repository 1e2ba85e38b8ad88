"""Judging the celebration day: `judge` for judges (the abstracts they may score, the rubric, their own scores
only), and for admins the judges of an event, the results (means with the number of judges, once every score is
in, and the people's choice) and announcing them to attendees."""

from __future__ import annotations

from core.events import judging as service
from core.events.commands import InvalidAnswer, ScoreSheet
from core.events.model import AbstractResult, JudgeItem, Results
from core.kernel.content import Choice
from core.kernel.model import Role
from dialogs.events import posters
from dialogs.events.router import router
from dialogs.events.wording import STALE, event_when, text
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

SCALE = tuple(Choice(str(n), label) for n, label in ((1, "1 Little"), (2, "2 Some"), (3, "3 Good"), (4, "4 Excellent")))


def _site(turn: Turn, site: str | None) -> str:
    return turn.content.organisation.label("sites", site)


# --- judges --------------------------------------------------------------------------------------------------


@router.action("judge")
@router.command(
    "judge",
    title="Judge",
    description="Score the celebration day abstracts you are judging",
    aliases=("judging", "score abstracts"),
    in_manifest=False,
)
async def judge(turn: Turn) -> Response:
    event_id = turn.inbound.data.get("event_id")
    if event_id is None:
        events = await service.judging_events(turn.uow, user=turn.user, now=turn.now)
        if len(events) != 1:
            rows = [
                cards.list_row(
                    [cards.text(f"**{e.title}**"), cards.text(event_when(e, turn.content), subtle=True, size="Small")],
                    [cards.execute("Judge", judge, {"event_id": e.id})],
                )
                for e in events
            ]
            return Response.show(
                cards.card(
                    cards.title("Judging"), *rows, cards.text("You are not judging an event.") if not rows else None
                )
            )
        event_id = events[0].id
    return Response.show(await queue_card(turn, card_int({"event_id": event_id}, "event_id", stale=STALE)))


async def queue_card(turn: Turn, event_id: int, notice: str | None = None) -> dict:
    event, items = await service.judge_queue(turn.uow, user=turn.user, event_id=event_id)
    rows = [
        cards.list_row(
            [
                cards.text(f"**{item.abstract.title}**"),
                cards.text(
                    f"{item.abstract.format.value.capitalize()} · {_site(turn, item.abstract.site)} · "
                    + (f"your score {item.mine.total}" if item.mine else "not scored yet"),
                    subtle=True,
                    size="Small",
                ),
            ],
            [cards.execute("Change score" if item.mine else "Score", score_form, {"abstract_id": item.abstract.id})],
        )
        for item in items
    ]
    done = sum(1 for item in items if item.mine)
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title(f"Judging: {event.title}"),
        cards.text(
            f"You have scored {done} of {len(items)}. Abstracts from your own site's teams or your own projects "
            "are not listed. Other judges' scores stay hidden.",
            subtle=True,
        ),
        *rows,
    )


def score_card(turn: Turn, item: JudgeItem) -> dict:
    abstract, mine = item.abstract, item.mine
    parts = [("Aim", abstract.aim), ("Measures", abstract.measures), ("What changed", abstract.changes)]
    parts += [("Results", abstract.results), ("Lessons", abstract.lessons)]
    inputs = [
        cards.choice_set(
            f"crit_{c.id}", c.label, SCALE, str(mine.scores.get(c.id)) if mine and c.id in mine.scores else None
        )
        for c in turn.content.events.rubric
    ]
    return cards.card(
        cards.title(abstract.title),
        cards.text(f"{abstract.format.value.capitalize()} · {_site(turn, abstract.site)}", subtle=True, size="Small"),
        *(cards.text(f"**{label}**: {value}") for label, value in parts if value),
        *(posters.poster_line(turn, abstract, item.poster) if item.poster else ()),
        cards.heading("Your scores (1 to 4)"),
        *inputs,
        cards.text_input("comment", "Comment (optional)", 1000, mine.comment if mine else None, multiline=True),
        actions=[
            cards.execute("Save score", save_score, {"abstract_id": abstract.id}, style="positive"),
            cards.execute("Back", judge, {"event_id": abstract.event_id}, inputs=False),
        ],
    )


@router.action("score")
async def score_form(turn: Turn) -> Response:
    abstract_id = card_int(turn.inbound.data, "abstract_id", stale=STALE)
    return Response(
        card=score_card(turn, await service.abstract_to_judge(turn.uow, user=turn.user, abstract_id=abstract_id))
    )


def _score(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.strip() in ("1", "2", "3", "4") else None


@router.action("save_score")
async def save_score(turn: Turn) -> Response:
    data = turn.inbound.data
    sheet = ScoreSheet(
        abstract_id=card_int(data, "abstract_id", stale=STALE),
        scores={c.id: _score(data.get(f"crit_{c.id}")) for c in turn.content.events.rubric},
        comment=data.get("comment"),
    )
    try:
        item = await service.score_abstract(turn.uow, user=turn.user, sheet=sheet, content=turn.content, now=turn.now)
    except InvalidAnswer as problem:
        current = await service.abstract_to_judge(turn.uow, user=turn.user, abstract_id=sheet.abstract_id)
        raise FormError(score_card(turn, current), problem.message, field=problem.field) from None
    return Response(card=await queue_card(turn, item.abstract.event_id, f"Saved: {item.abstract.title}."))


# --- admins: the judges, the results -------------------------------------------------------------------------


async def judges_card(turn: Turn, event_id: int, notice: str | None = None) -> dict:
    event, candidates, chosen = await service.judge_candidates(turn.uow, user=turn.user, event_id=event_id)
    choices = [Choice(str(p.id), f"{p.name} ({_site(turn, p.site)})") for p in candidates]
    picker = cards.choice_set("judges", "Judges", choices, required=False, multi=True, compact=False)
    if chosen:
        picker["value"] = ",".join(str(i) for i in sorted(chosen))
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title(f"Judges: {event.title}"),
        cards.text(
            "Coaches, faculty and admins. A judge is never given abstracts from their own site or project.", subtle=True
        ),
        picker,
        actions=[cards.execute("Save judges", save_judges, {"event_id": event.id}, style="positive")],
    )


@router.action("judges", role=Role.ADMIN)
async def judges(turn: Turn) -> Response:
    return Response(card=await judges_card(turn, card_int(turn.inbound.data, "event_id", stale=STALE)))


def _ids(value: str | None) -> list[int]:
    parts = [p.strip() for p in (value or "").split(",") if p.strip()]
    if not all(p.isdigit() and len(p) < 19 for p in parts):
        raise InvalidAnswer("judges", "Please choose the judges from the list.")
    return [int(p) for p in parts]


@router.action("save_judges", role=Role.ADMIN)
async def save_judges(turn: Turn) -> Response:
    event_id = card_int(turn.inbound.data, "event_id", stale=STALE)
    try:
        chosen = await service.assign_judges(
            turn.uow,
            user=turn.user,
            event_id=event_id,
            judge_ids=_ids(text(turn.inbound.data, "judges")),
            content=turn.content,
            messages=turn.messages["events"],
            now=turn.now,
        )
    except InvalidAnswer as problem:
        raise FormError(await judges_card(turn, event_id), problem.message, field=problem.field) from None
    return Response(card=await judges_card(turn, event_id, f"Saved: {len(chosen)} judges."))


def _result_rows(ranked: list[AbstractResult], turn: Turn) -> list[cards.Element]:
    return [
        cards.list_row(
            [
                cards.text(f"**{n}. {r.abstract.title}**"),
                cards.text(
                    f"{_site(turn, r.abstract.site)} · mean {r.mean_total:g} of {4 * len(turn.content.events.rubric)} "
                    f"from {r.judges} judges",
                    subtle=True,
                    size="Small",
                ),
            ]
        )
        for n, r in enumerate(ranked, start=1)
    ]


def results_card(turn: Turn, outcome: Results, notice: str | None = None) -> dict:
    body: list[cards.Element | None] = []
    if not outcome.complete:
        body.append(cards.text(f"Scores still to come: {outcome.missing}. Results show once every judge has scored."))
    else:
        for kind, ranked in outcome.by_format.items():
            if ranked:
                body.append(cards.heading(f"{kind.capitalize()}s"))
                body += _result_rows(ranked, turn)
    if outcome.voting_closed:
        names = ", ".join(a.title for a in outcome.peoples_choice) or "no votes"
        body.append(cards.facts([("People's choice", names)]))
    else:
        body.append(cards.text("The people's choice vote is still open.", subtle=True))
    actions = []
    if outcome.complete and outcome.voting_closed and outcome.event.results_announced_at is None:
        actions.append(cards.execute("Announce results", announce, {"event_id": outcome.event.id}, style="positive"))
    return cards.card(
        cards.notice(notice) if notice else None, cards.title(f"Results: {outcome.event.title}"), *body, actions=actions
    )


@router.action("results", role=Role.ADMIN)
async def results(turn: Turn) -> Response:
    event_id = card_int(turn.inbound.data, "event_id", stale=STALE)
    outcome = await service.results(turn.uow, user=turn.user, event_id=event_id, content=turn.content, now=turn.now)
    return Response(card=results_card(turn, outcome))


@router.action("announce", role=Role.ADMIN)
async def announce(turn: Turn) -> Response:
    event_id = card_int(turn.inbound.data, "event_id", stale=STALE)
    told = await service.announce_results(
        turn.uow,
        user=turn.user,
        event_id=event_id,
        content=turn.content,
        messages=turn.messages["events"],
        now=turn.now,
    )
    outcome = await service.results(turn.uow, user=turn.user, event_id=event_id, content=turn.content, now=turn.now)
    notice = f"Announced to {told} attendees." if told else "The results were already announced."
    return Response(card=results_card(turn, outcome, notice))

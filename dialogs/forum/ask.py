"""`ask`: the question card, the duplicate check (similar answered questions and FAQ entries, best first), then
"this answers it" or post anyway."""

from __future__ import annotations

from core.forum import asking as service
from core.forum.commands import InvalidAnswer, QuestionDraft
from core.forum.model import Post, Suggestion
from core.kernel.content import Choice
from dialogs.forum.router import router
from dialogs.forum.wording import excerpt
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

NO_PROJECT = "none"


async def ask_card(turn: Turn, draft: Post | None = None, *, project_id: int | None = None) -> dict:
    """The question card; `project_id` (from "Ask a coach" on a project card) is chosen when it is one of the
    person's projects (the server checks it again when the question is posted)."""
    content = turn.content
    projects = await service.project_choices(turn.uow, turn.user)
    project_choices = [Choice(NO_PROJECT, "Not about a registered project")] + [
        Choice(str(pid), title) for pid, title in projects
    ]
    chosen = str(draft.project_id) if draft and draft.project_id else NO_PROJECT
    notice = None
    if project_id is not None:
        if project_id in {pid for pid, _ in projects}:
            chosen = str(project_id)
        else:
            notice = cards.notice("That project is not an open one you lead, so the question will not name it.")
    return cards.card(
        notice,
        cards.title("Ask a QI coach"),
        cards.text(
            "Coaches answer in Teams and their replies come back to you here. First I will show answers that "
            "may already help.",
            subtle=True,
        ),
        cards.text_input(
            "question",
            "Your question",
            content.forum.question_characters,
            draft.text if draft else None,
            placeholder="For example: how many data points do I need for a run chart?",
            multiline=True,
        ),
        cards.choice_set("topic", "Topic", content.forum.topics, draft.topic if draft else None),
        cards.choice_set(
            "project",
            "Which of your projects, if any?",
            project_choices,
            chosen,
            required=False,
        ),
        cards.toggle(
            "show_name", "Show my name to colleagues (coaches always see who asked)", bool(draft and draft.show_name)
        ),
        actions=[cards.execute("Check and post", check)],
    )


@router.action("ask")
@router.command(
    "ask",
    title="Ask a coach",
    description="Ask the QI coaches a question; their answers come back here",
    aliases=("ask a coach", "ask a question", "question", "ask coach"),
    in_manifest=False,
)
async def ask(turn: Turn) -> Response:
    """From the menu, typed, or "Ask a coach" on a project card (which sends the project's id)."""
    raw = (turn.inbound.data or {}).get("project_id")
    project_id = int(raw) if isinstance(raw, int | str) and str(raw).isdigit() and len(str(raw)) < 12 else None
    return Response.show(await ask_card(turn, project_id=project_id))


def _draft(data: dict) -> QuestionDraft:
    project = data.get("project")
    return QuestionDraft(
        text=data.get("question"),
        topic=data.get("topic"),
        project_id=None if project in (None, "", NO_PROJECT) else card_int(data, "project"),
        show_name=str(data.get("show_name")).lower() == "true",
    )


def _suggestion_row(suggestion: Suggestion, draft: Post) -> cards.Element:
    where = "From the FAQ" if suggestion.kind == "faq" else "A colleague's answered question"
    return cards.list_row(
        [
            cards.text(f"**{excerpt(suggestion.question, 200)}**"),
            cards.text(excerpt(suggestion.answer, 400)),
            cards.text(where, subtle=True, size="Small"),
        ],
        [
            cards.execute(
                "This answers it",
                answered,
                {"draft_id": draft.id, "kind": suggestion.kind, "ref_id": suggestion.ref_id},
                inputs=False,
            )
        ],
    )


def suggestions_card(checked: service.Checked) -> dict:
    draft = checked.draft
    return cards.card(
        cards.title("These may answer it already"),
        cards.text(f"Your question: _{excerpt(draft.text, 300)}_", subtle=True),
        *(_suggestion_row(s, draft) for s in checked.suggestions),
        actions=[
            cards.execute("Post my question", post, {"draft_id": draft.id}, inputs=False),
            cards.execute("Change my question", edit, {"draft_id": draft.id}, inputs=False),
        ],
    )


def posted_card(turn: Turn, posted: service.Posted, *, notice: str | None = None) -> dict:
    if notice is None:
        notice = (
            "Posted. The QI coaches will answer in Teams, and I will bring their replies here."
            if posted.to_channel
            else "Posted. The QI coaches will see it in their open questions, and their answers will come here."
        )
    from dialogs.forum import mine  # imported here so `ask` registers first (the menu shows a capability's first)

    p = posted.post
    return cards.card(
        cards.notice(notice, good=not posted.already),
        cards.facts([("Question", excerpt(p.text, 300)), ("Topic", turn.content.forum.topic_label(p.topic))]),
        actions=[cards.execute("My questions", mine.my_questions_action)],
    )


@router.action("check")
async def check(turn: Turn) -> Response:
    try:
        checked = await service.check_question(
            turn.uow, user=turn.user, draft=_draft(turn.inbound.data), content=turn.content, now=turn.now
        )
    except InvalidAnswer as problem:
        raise FormError(await ask_card(turn), problem.message, field=problem.field) from None
    if checked.suggestions:
        return Response(card=suggestions_card(checked))
    posted = await service.post_question(
        turn.uow,
        user=turn.user,
        draft_id=checked.draft.id,
        content=turn.content,
        messages=turn.messages["forum"],
        now=turn.now,
    )
    return Response(card=posted_card(turn, posted))


@router.action("post")
async def post(turn: Turn) -> Response:
    posted = await service.post_question(
        turn.uow,
        user=turn.user,
        draft_id=card_int(turn.inbound.data, "draft_id"),
        content=turn.content,
        messages=turn.messages["forum"],
        now=turn.now,
    )
    if posted.already:
        return Response(card=posted_card(turn, posted, notice="That question was posted already: nothing changed."))
    return Response(card=posted_card(turn, posted))


@router.action("answered")
async def answered(turn: Turn) -> Response:
    data = turn.inbound.data
    kind = data.get("kind") if data.get("kind") in ("faq", "post") else ""
    recorded = await service.this_answers_it(
        turn.uow,
        user=turn.user,
        draft_id=card_int(data, "draft_id"),
        kind=kind,
        ref_id=card_int(data, "ref_id"),
        now=turn.now,
    )
    notice = (
        "Glad that helped. I have noted it, so that answer is easier to find for others."
        if recorded
        else "That question was already posted or answered: nothing changed."
    )
    return Response(
        card=cards.card(cards.notice(notice, good=recorded), actions=[cards.execute("Ask something else", ask)])
    )


@router.action("edit")
async def edit(turn: Turn) -> Response:
    draft = await service.draft_for_editing(turn.uow, user=turn.user, draft_id=card_int(turn.inbound.data, "draft_id"))
    return Response(card=await ask_card(turn, draft))

"""Around each meeting: the presenter's issue, passing the turn (a volunteer offers, the facilitator confirms),
the facilitator's attendance card and each member's actions ("By next time I will...")."""

from __future__ import annotations

from core.kernel.content import Choice, Content
from core.kernel.errors import InvalidInput
from core.sets import meetings as service
from core.sets import membership
from core.sets.commands import AttendanceMarks, InvalidAnswer, MyActions
from core.sets.model import ActionItem, ActionSet, AttendanceSheet, Mark, Meeting
from core.sets.services import MAX_ACTION, MAX_ISSUE
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn
from dialogs.sets import mine
from dialogs.sets.router import router
from dialogs.sets.wording import STALE, say, when

MARKS = (
    Choice(Mark.PRESENT.value, "Present"),
    Choice(Mark.APOLOGIES.value, "Apologies"),
    Choice(Mark.ABSENT.value, "Absent"),
)
DAMAGED = "That attendance card is damaged; please use the latest one."
PRIVATE = "Only your set sees this."


# --- the presenter's issue ----------------------------------------------------------------------------------


def issue_card(
    content: Content, set_: ActionSet, meeting: Meeting, *, intro: str | None = None, can_pass: bool = True
) -> dict:
    actions = [cards.execute("Save my issue", issue_save, {"meeting_id": meeting.id}, style="positive")]
    if can_pass:
        actions.append(cards.execute("Pass to a volunteer", pass_turn, {"meeting_id": meeting.id}, inputs=False))
    return cards.card(
        cards.text(intro or say(content, "presenter_prompt", set_, meeting)),
        cards.text_input(
            "issue",
            "My issue in one sentence (optional)",
            MAX_ISSUE,
            meeting.issue,
            placeholder="For example: how do I keep my team engaged after the first PDSA cycle?",
        ),
        cards.text(PRIVATE, subtle=True, size="Small"),
        actions=actions,
    )


@router.action("issue_form")
async def issue_form(turn: Turn) -> Response:
    meeting_id = card_int(turn.inbound.data, "meeting_id", stale=STALE)
    set_, view = await membership.meeting_for(turn.uow, user=turn.user, meeting_id=meeting_id, now=turn.now)
    if not view.can_write_issue:
        return Response(card=await mine.set_card(turn, set_.id, notice="Only the meeting's presenter can do that."))
    return Response(card=issue_card(turn.content, set_, view.meeting, can_pass=view.can_pass))


@router.action("issue_save")
async def issue_save(turn: Turn) -> Response:
    data = turn.inbound.data
    meeting_id = card_int(data, "meeting_id", stale=STALE)
    try:
        view = await service.write_issue(
            turn.uow, user=turn.user, meeting_id=meeting_id, issue=data.get("issue"), now=turn.now
        )
    except InvalidAnswer as problem:
        set_, view = await membership.meeting_for(turn.uow, user=turn.user, meeting_id=meeting_id, now=turn.now)
        raise FormError(issue_card(turn.content, set_, view.meeting), problem.message, field="issue") from None
    notice = "Saved: your set will see your issue." if view.issue else "Saved: no issue written."
    return Response(card=await mine.set_card(turn, view.meeting.set_id, notice=notice))


# --- swaps ---------------------------------------------------------------------------------------------------------


@router.action("pass_turn")
async def pass_turn(turn: Turn) -> Response:
    outcome = await service.pass_turn(
        turn.uow,
        user=turn.user,
        meeting_id=card_int(turn.inbound.data, "meeting_id", stale=STALE),
        content=turn.content,
        messages=turn.messages["sets"],
        now=turn.now,
    )
    notice = (
        "Done: the other members have been asked. Your facilitator confirms whoever offers."
        if outcome.changed
        else "The members have already been asked; you will hear when someone offers."
    )
    return Response(card=await mine.set_card(turn, outcome.set.id, notice=notice))


def swap_wanted_card(content: Content, set_: ActionSet, meeting: Meeting, swap_id: int, presenter: str) -> dict:
    return cards.card(
        cards.text(say(content, "swap_wanted", set_, meeting, name=presenter)),
        actions=[cards.execute("I can present", volunteer, {"swap_id": swap_id}, style="positive", inputs=False)],
    )


@router.action("volunteer")
async def volunteer(turn: Turn) -> Response:
    outcome = await service.volunteer(
        turn.uow,
        user=turn.user,
        swap_id=card_int(turn.inbound.data, "swap_id", stale=STALE),
        content=turn.content,
        messages=turn.messages["sets"],
        now=turn.now,
    )
    return Response(
        card=cards.card(
            cards.notice("Thank you: your facilitator will confirm the swap and I will let you know."),
            cards.text(f"{outcome.set.name}, {when(outcome.meeting, turn.content)}"),
        )
    )


def swap_confirm_card(content: Content, set_: ActionSet, meeting: Meeting, swap_id: int, volunteer_name: str) -> dict:
    return cards.card(
        cards.text(say(content, "swap_to_confirm", set_, meeting, name=volunteer_name)),
        actions=[
            cards.execute(
                "Confirm the swap", decide_swap, {"swap_id": swap_id, "accept": True}, style="positive", inputs=False
            ),
            cards.execute("Keep the rota", decide_swap, {"swap_id": swap_id, "accept": False}, inputs=False),
        ],
    )


@router.action("decide_swap")
async def decide_swap(turn: Turn) -> Response:
    data = turn.inbound.data
    accept = data.get("accept") in (True, "true", "True")
    outcome = await service.decide_swap(
        turn.uow,
        user=turn.user,
        swap_id=card_int(data, "swap_id", stale=STALE),
        accept=accept,
        content=turn.content,
        messages=turn.messages["sets"],
        now=turn.now,
    )
    if not outcome.changed:
        notice = "This swap was already decided."
    elif accept:
        notice = f"Swap confirmed: {outcome.meeting.presenter_name or 'the volunteer'} presents. Both have been told."
    else:
        notice = "The rota stays as it was."
    return Response(card=await mine.set_card(turn, outcome.set.id, notice=notice))


# --- attendance ------------------------------------------------------------------------------------------------


def attendance_card(content: Content, sheet: AttendanceSheet, notice: str | None = None) -> dict:
    inputs = [
        {
            **cards.choice_set(
                f"mark_{m.user_id}",
                m.name or "Someone",
                MARKS,
                sheet.marks.get(m.user_id, Mark.PRESENT).value,
                compact=False,
            ),
            "errorMessage": "Please choose present, apologies or absent.",
        }
        for m in sheet.members
    ]
    return cards.card(
        cards.notice(notice, good=False) if notice else None,
        cards.title(f"Attendance: {sheet.set.name}"),
        cards.text(f"Meeting {sheet.meeting.number}, {when(sheet.meeting, content)}", subtle=True),
        *inputs,
        actions=[
            cards.execute("Save attendance", attendance_save, {"meeting_id": sheet.meeting.id}, style="positive"),
            cards.execute("Back", mine.view_set, {"set_id": sheet.set.id}, inputs=False),
        ],
    )


@router.action("attendance")
async def attendance(turn: Turn) -> Response:
    sheet = await service.attendance_sheet(
        turn.uow, user=turn.user, meeting_id=card_int(turn.inbound.data, "meeting_id", stale=STALE), now=turn.now
    )
    return Response(card=attendance_card(turn.content, sheet))


def _marks(data: dict) -> dict[int, Mark]:
    marks = {}
    for key, value in data.items():
        if key.startswith("mark_"):
            user_id = card_int({key: key.removeprefix("mark_")}, key, stale=DAMAGED)
            try:
                marks[user_id] = Mark(value)
            except ValueError:
                raise InvalidInput("Please choose present, apologies or absent for each member.") from None
    return marks


@router.action("attendance_save")
async def attendance_save(turn: Turn) -> Response:
    data = turn.inbound.data
    command = AttendanceMarks(card_int(data, "meeting_id", stale=STALE), _marks(data))
    try:
        saved = await service.record_attendance(
            turn.uow,
            user=turn.user,
            command=command,
            content=turn.content,
            messages=turn.messages["sets"],
            now=turn.now,
        )
    except InvalidAnswer as problem:
        sheet = await service.attendance_sheet(turn.uow, user=turn.user, meeting_id=command.meeting_id, now=turn.now)
        raise FormError(attendance_card(turn.content, sheet, notice=problem.message), problem.message) from None
    marks = saved.sheet.marks
    counts = {mark: sum(1 for v in marks.values() if v == mark) for mark in Mark}
    lines = [
        f"Attendance saved: {counts[Mark.PRESENT]} present, {counts[Mark.APOLOGIES]} apologies, "
        f"{counts[Mark.ABSENT]} absent."
    ]
    if saved.missed_turn:
        lines.append("The presenter was not there, so they will present again soon.")
    if saved.next_meeting is not None:
        who = saved.next_meeting.presenter_name or "to be chosen"
        lines.append(f"Next meeting {when(saved.next_meeting, turn.content)}: {who} presents.")
    lines.append("Members who came have been asked for their actions.")
    return Response(card=await mine.set_card(turn, saved.sheet.set.id, notice=" ".join(lines)))


# --- actions ---------------------------------------------------------------------------------------------------


def actions_card(
    content: Content,
    set_: ActionSet,
    meeting: Meeting,
    actions: list[ActionItem],
    limit: int,
    *,
    intro: str | None = None,
) -> dict:
    by_slot = {a.slot: a for a in actions}
    body: list[dict | None] = [
        cards.text(intro) if intro else cards.title("By next time I will..."),
        cards.text(f"{set_.name}, meeting {meeting.number} ({when(meeting, content)}). {PRIVATE}", subtle=True),
    ]
    for slot in range(1, limit + 1):
        action = by_slot.get(slot)
        if action is not None and action.done:
            body.append(cards.text(f"Done: {action.text}", subtle=True))
        else:
            body.append(
                cards.text_input(f"action_{slot}", f"Action {slot}", MAX_ACTION, action.text if action else None)
            )
    return cards.card(
        *body,
        actions=[
            cards.execute("Save my actions", actions_save, {"meeting_id": meeting.id}, style="positive"),
            cards.execute("Back", mine.view_set, {"set_id": set_.id}, inputs=False),
        ],
    )


@router.action("actions_form")
async def actions_form(turn: Turn) -> Response:
    form = await service.actions_form(
        turn.uow,
        user=turn.user,
        meeting_id=card_int(turn.inbound.data, "meeting_id", stale=STALE),
        content=turn.content,
        now=turn.now,
    )
    return Response(card=actions_card(turn.content, form.set, form.meeting, form.actions, form.max_actions))


@router.action("actions_save")
async def actions_save(turn: Turn) -> Response:
    data = turn.inbound.data
    limit = turn.content.sets.rules.max_actions
    command = MyActions(
        card_int(data, "meeting_id", stale=STALE), tuple(data.get(f"action_{slot}") for slot in range(1, limit + 1))
    )
    try:
        form = await service.save_actions(turn.uow, user=turn.user, command=command, content=turn.content, now=turn.now)
    except InvalidAnswer as problem:
        form = await service.actions_form(
            turn.uow, user=turn.user, meeting_id=command.meeting_id, content=turn.content, now=turn.now
        )
        card = actions_card(turn.content, form.set, form.meeting, form.actions, form.max_actions)
        raise FormError(card, problem.message, field=problem.field) from None
    count = sum(1 for a in form.actions if not a.done)
    return Response(card=await mine.set_card(turn, form.set.id, notice=f"Saved: {count} open actions for next time."))


@router.action("action_done")
async def action_done(turn: Turn) -> Response:
    action, changed, left = await service.mark_action_done(
        turn.uow, user=turn.user, action_id=card_int(turn.inbound.data, "action_id", stale=STALE), now=turn.now
    )
    notice = f"Well done: {action.text}" if changed else "That action was already done."
    return Response(
        card=cards.card(
            cards.notice(notice),
            cards.heading("Your open actions") if left else cards.text("No open actions left in this set."),
            *mine.action_rows(left),
            actions=[cards.execute("Open the set", mine.view_set, {"set_id": action.set_id}, inputs=False)],
        )
    )

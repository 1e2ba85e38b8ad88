"""`my sets`: a person's sets, each with its next meeting, the presenter and their open actions; one set in full
(its meetings, members, what the person may do); and leaving a set."""

from __future__ import annotations

from core.sets import membership as service
from core.sets.model import ActionItem, Meeting, SetView
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn
from dialogs.sets import meeting
from dialogs.sets.pages import CALENDAR
from dialogs.sets.router import router
from dialogs.sets.wording import STALE, join_button, pattern_text, site, when, where


def action_rows(actions: list[ActionItem], *, buttons: bool = True) -> list[dict]:
    """The person's open actions, each with Done."""
    return [
        cards.list_row(
            [cards.text(f"By next time I will {a.text}")],
            [cards.execute("Done", meeting.action_done, {"action_id": a.id}, inputs=False)] if buttons else None,
            separator=False,
        )
        for a in actions
    ]


def _next_line(turn: Turn, view: SetView) -> list[dict]:
    upcoming = view.next_meeting
    if upcoming is None:
        return [cards.text("All its meetings have taken place.", subtle=True)]
    m = upcoming.meeting
    presenter = "you" if m.presenter_id == turn.user.id else (m.presenter_name or "to be chosen")
    lines = [cards.text(f"Next: **{when(m, turn.content)}**, {where(view.set)}"), cards.text(f"Presenter: {presenter}")]
    if upcoming.issue:
        lines.append(cards.text(f"Issue: {upcoming.issue}", subtle=True))
    return lines


def my_sets_card(turn: Turn, views: list[SetView], notice: str | None = None) -> dict:
    rows = []
    for view in views:
        role = (
            "You facilitate this set." if view.is_facilitator else f"Facilitator: {view.set.facilitator_name or 'QI'}"
        )
        flag = (
            {**cards.text("Fewer than 5 members: add someone.", size="Small"), "weight": "Bolder"}
            if view.below_minimum and view.is_facilitator
            else None
        )
        mine = f"Your open actions: {len(view.open_actions)}" if view.open_actions else None
        rows.append(
            cards.list_row(
                [
                    cards.text(f"**{view.set.name}**"),
                    cards.text(role, subtle=True, size="Small"),
                    *_next_line(turn, view),
                    cards.text(mine, size="Small") if mine else None,
                    flag,
                ],
                [cards.execute("Open", view_set, {"set_id": view.set.id}, inputs=False)],
            )
        )
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("My action learning sets"),
        cards.text("You are not in an action learning set yet.") if not views else None,
        *rows,
    )


@router.action("mine")
@router.command(
    "my sets",
    title="My sets",
    description="Your action learning sets: the next meeting, who presents, your actions",
    aliases=("my set", "action learning", "action learning sets", "sets"),
    in_manifest=False,
)
async def my_sets(turn: Turn) -> Response:
    views = await service.my_sets(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    return Response.show(my_sets_card(turn, views))


def _meeting_row(turn: Turn, view: SetView, m: Meeting) -> dict:
    presenter = m.presenter_name or ("to be chosen" if m.ends_at > turn.now else "nobody recorded")
    state = " · attendance recorded" if m.attendance_recorded else ""
    buttons = []
    if m in view.attendance_due:
        buttons.append(cards.execute("Record attendance", meeting.attendance, {"meeting_id": m.id}, inputs=False))
    return cards.list_row(
        [
            cards.text(f"{m.number}. {when(m, turn.content)}"),
            cards.text(f"Presenter: {presenter}{state}", subtle=True, size="Small"),
        ],
        buttons,
    )


def _calendar(turn: Turn, m: Meeting) -> list[dict]:
    if turn.links is None:
        return []
    url = turn.links.url(CALENDAR, {"m": m.id}, expires_at=m.ends_at)
    return [{"type": "Action.OpenUrl", "title": "Add to calendar", "url": url}]


def full_card(turn: Turn, view: SetView, notice: str | None = None) -> dict:
    found, upcoming = view.set, view.next_meeting
    actions: list[dict] = []
    if upcoming is not None:
        m = upcoming.meeting
        if upcoming.can_write_issue:
            actions.append(cards.execute("Write my issue", meeting.issue_form, {"meeting_id": m.id}, inputs=False))
        if upcoming.can_pass:
            actions.append(cards.execute("Pass to a volunteer", meeting.pass_turn, {"meeting_id": m.id}, inputs=False))
    latest = next((m for m in reversed(view.meetings) if m.starts_at <= turn.now), None)
    if latest is not None and view.is_member:
        actions.append(cards.execute("My actions", meeting.actions_form, {"meeting_id": latest.id}, inputs=False))
    if view.can_manage:
        from dialogs.sets import create  # here, so "my sets" registers before "new set" (the menu's order)

        actions.append(cards.execute("Add a member", create.members, {"set_id": found.id}, inputs=False))
    if view.can_leave:
        actions.append(cards.execute("Leave this set", leave, {"set_id": found.id}, inputs=False))
    actions.append(cards.execute("My sets", my_sets, inputs=False))
    names = ", ".join(m.name or "Someone" for m in view.members)
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title(found.name),
        cards.facts(
            [
                ("Site", site(found, turn.content)),
                ("Meets", pattern_text(found.pattern)),
                ("Where", where(found)),
                ("Facilitator", found.facilitator_name or "QI facilitator"),
                *([("Cohort", found.cohort)] if found.cohort else []),
            ]
        ),
        cards.text(f"Members ({len(view.members)}): {names}", size="Small"),
        {**cards.text("Fewer than 5 members: add someone so the set keeps working well."), "weight": "Bolder"}
        if view.below_minimum and view.is_facilitator
        else None,
        cards.heading("Next meeting"),
        *_next_line(turn, view),
        cards.action_set(*_calendar(turn, upcoming.meeting), *join_button(found)) if upcoming else None,
        cards.heading("Your open actions") if view.open_actions else None,
        *action_rows(view.open_actions),
        cards.heading("Meetings"),
        *(_meeting_row(turn, view, m) for m in view.meetings),
        cards.text(
            "What is said in the set stays in the set: only its members see issues and actions.",
            subtle=True,
            size="Small",
        ),
        actions=actions,
    )


async def set_card(turn: Turn, set_id: int, notice: str | None = None) -> dict:
    view = await service.set_view(turn.uow, user=turn.user, set_id=set_id, content=turn.content, now=turn.now)
    return full_card(turn, view, notice)


@router.action("view")
async def view_set(turn: Turn) -> Response:
    return Response(card=await set_card(turn, card_int(turn.inbound.data, "set_id", stale=STALE)))


@router.action("leave")
async def leave(turn: Turn) -> Response:
    set_id = card_int(turn.inbound.data, "set_id", stale=STALE)
    view = await service.set_view(turn.uow, user=turn.user, set_id=set_id, content=turn.content, now=turn.now)
    return Response(
        card=cards.card(
            cards.title(f"Leave {view.set.name}?"),
            cards.text("Your facilitator will be told. Your actions stay private to the set."),
            actions=[
                cards.execute("Leave the set", leave_confirm, {"set_id": set_id}, style="destructive", inputs=False),
                cards.execute("No, stay", view_set, {"set_id": set_id}, inputs=False),
            ],
        )
    )


@router.action("leave_confirm")
async def leave_confirm(turn: Turn) -> Response:
    set_id = card_int(turn.inbound.data, "set_id", stale=STALE)
    left = await service.leave_set(
        turn.uow, user=turn.user, set_id=set_id, content=turn.content, messages=turn.messages["sets"], now=turn.now
    )
    views = await service.my_sets(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    notice = "You have left the set; your facilitator has been told." if left else "You had already left that set."
    return Response(card=my_sets_card(turn, views, notice))

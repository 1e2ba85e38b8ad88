"""`new set`: a facilitator sets up an action learning set in two steps: its details and meeting pattern, then its
members, found by name. The draft is kept between steps (Finish later), and Create tells every member."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from core.kernel.content import Choice
from core.kernel.errors import InvalidInput
from core.kernel.model import PersonMatch, Role
from core.sets import creation as service
from core.sets.commands import InvalidAnswer, SetDetails
from core.sets.model import ActionSet, Draft
from core.sets.services import MAX_COHORT, MAX_NAME, MAX_URL, MAX_VENUE
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int, card_number
from dialogs.kit.types import Response, Turn
from dialogs.sets import mine
from dialogs.sets.router import router
from dialogs.sets.wording import CROSS_SITE, STALE, pattern_text, site

FIELDS = {  # command field -> input id
    "name": "name",
    "site": "site",
    "cohort": "cohort",
    "first_date": "first_date",
    "local_time": "local_time",
    "every_weeks": "every_weeks",
    "meetings": "meetings",
    "venue": "venue",
    "online_url": "online_url",
}
DEFAULT_TIME = "14:00"


# --- step 1: the set and its meeting pattern --------------------------------------------------------------------


def _values(found: ActionSet | None) -> dict[str, Any]:
    if found is None:
        return {"local_time": DEFAULT_TIME, "every_weeks": "4", "meetings": 6, "site": CROSS_SITE}
    pattern = found.pattern
    return {
        "name": found.name,
        "site": found.site or CROSS_SITE,
        "cohort": found.cohort,
        "first_date": pattern.first_date.isoformat(),
        "local_time": f"{pattern.local_time:%H:%M}",
        "every_weeks": str(pattern.every_weeks),
        "meetings": pattern.meetings,
        "venue": pattern.venue,
        "online_url": pattern.online_url,
    }


def details_card(turn: Turn, found: ActionSet | None) -> dict:
    rules, org = turn.content.sets.rules, turn.content.organisation
    values = _values(found)
    weeks = tuple(
        Choice(str(n), f"Every {n} weeks") for n in range(rules.min_weeks_between, rules.max_weeks_between + 1)
    )
    today = turn.now.astimezone(turn.content.organisation.timezone).date()
    return cards.card(
        cards.title("Set up an action learning set"),
        cards.text(
            f"Step 1 of 2: the set and when it meets. A set has {rules.min_members}-{rules.max_members} members "
            f"and meets at least {rules.min_meetings} times.",
            subtle=True,
        ),
        cards.text_input("name", "Name of the set", MAX_NAME, values.get("name"), required=True),
        cards.choice_set("site", "Site", (*org.sites, Choice(CROSS_SITE, "Cross-site")), values["site"]),
        cards.text_input("cohort", "Linked training cohort (optional)", MAX_COHORT, values.get("cohort")),
        cards.date_input(
            "first_date", "Date of the first meeting", values.get("first_date"), minimum=today.isoformat()
        ),
        cards.time_input("local_time", "Meetings start at", values["local_time"]),
        cards.choice_set("every_weeks", "How often", weeks, values["every_weeks"]),
        cards.number("meetings", "Number of meetings", values["meetings"], rules.min_meetings, rules.max_meetings),
        cards.text_input("venue", "Place (optional if online)", MAX_VENUE, values.get("venue")),
        cards.text_input(
            "online_url", "Online meeting link (optional)", MAX_URL, values.get("online_url"), placeholder="https://"
        ),
        actions=[
            cards.execute(
                "Next: choose members", save_details, {"set_id": found.id} if found else {}, style="positive"
            ),
            cards.execute("Cancel", stop, inputs=False),
        ],
    )


@router.command(
    "new set",
    title="New action learning set",
    description="Facilitators: set up an action learning set, its meetings and members",
    aliases=("create set", "new action learning set", "set up a set"),
    role=Role.FACILITATOR,
    in_manifest=False,
)
async def start(turn: Turn) -> Response:
    draft = await service.current_draft(turn.uow, user=turn.user, content=turn.content)
    return Response.show(details_card(turn, draft.set if draft else None))


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _time(value: object) -> time | None:
    try:
        return time.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def details_from(data: dict) -> SetDetails:
    chosen_site = data.get("site")
    return SetDetails(
        name=data.get("name"),
        site=None if chosen_site in (None, "", CROSS_SITE) else str(chosen_site),
        cohort=data.get("cohort"),
        first_date=_date(data.get("first_date")),
        local_time=_time(data.get("local_time")),
        every_weeks=card_number(data, "every_weeks", whole=True),
        meetings=card_number(data, "meetings", whole=True),
        venue=data.get("venue"),
        online_url=data.get("online_url"),
    )


@router.action("details_save", role=Role.FACILITATOR)
async def save_details(turn: Turn) -> Response:
    data = turn.inbound.data
    set_id = card_int(data, "set_id", stale=STALE) if data.get("set_id") not in (None, "") else None
    try:
        draft = await service.save_details(
            turn.uow, user=turn.user, set_id=set_id, details=details_from(data), content=turn.content, now=turn.now
        )
    except InvalidAnswer as problem:
        found = await service.draft(turn.uow, user=turn.user, set_id=set_id, content=turn.content) if set_id else None
        card = details_card(turn, found.set if found else None)
        raise FormError(card, problem.message, field=FIELDS.get(problem.field)) from None
    return Response(card=members_card(turn, draft))


@router.action("details", role=Role.FACILITATOR)
async def details(turn: Turn) -> Response:
    found = await service.draft(
        turn.uow, user=turn.user, set_id=card_int(turn.inbound.data, "set_id", stale=STALE), content=turn.content
    )
    return Response(card=details_card(turn, found.set))


@router.action("stop", role=Role.FACILITATOR)
async def stop(turn: Turn) -> Response:
    return Response(card=cards.card(cards.text("Stopped. Type **new set** when you want to set one up.")))


# --- step 2: members ---------------------------------------------------------------------------------------------


def _member_row(draft: Draft, member) -> dict:
    buttons = []
    if not draft.set.active:
        buttons.append(
            cards.execute("Remove", remove_member, {"set_id": draft.set.id, "user_id": member.user_id}, inputs=False)
        )
    return cards.list_row([cards.text(f"**{member.name or 'Someone'}**")], buttons)


def _result_row(turn: Turn, draft: Draft, person: PersonMatch) -> dict:
    already = any(m.user_id == person.id for m in draft.members)
    line = f"**{person.name}** · {turn.content.organisation.label('sites', person.site)}"
    buttons = (
        []
        if already or not draft.can_add
        else [cards.execute("Add", add_member, {"set_id": draft.set.id, "user_id": person.id}, inputs=False)]
    )
    return cards.list_row(
        [cards.text(line), cards.text("Already in the set", subtle=True) if already else None], buttons
    )


def members_card(
    turn: Turn,
    draft: Draft,
    *,
    results: list[PersonMatch] | None = None,
    query: str | None = None,
    notice: str | None = None,
) -> dict:
    found = draft.set
    count = len(draft.members)
    status = f"{count} chosen: a set needs {draft.min_members} to {draft.max_members} members."
    if not draft.can_add:
        status = f"{count} chosen: the set is full."
    actions: list[dict] = []
    if found.active:
        actions.append(cards.execute("Back to the set", mine.view, {"set_id": found.id}, inputs=False))
    else:
        actions += [
            cards.execute("Create the set", create, {"set_id": found.id}, style="positive", inputs=False),
            cards.execute("Change details", details, {"set_id": found.id}, inputs=False),
            cards.execute("Finish later", later, inputs=False),
        ]
    empty = results is not None and not results
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title(f"Members of {found.name}" if found.active else "Set up an action learning set"),
        None if found.active else cards.text("Step 2 of 2: choose the members.", subtle=True),
        cards.facts([("Site", site(found, turn.content)), ("Meets", pattern_text(found.pattern))]),
        cards.heading("Members"),
        cards.text(status, subtle=True, size="Small"),
        *(_member_row(draft, m) for m in draft.members),
        cards.heading("Add someone"),
        cards.text_input("query", "Find someone by name", 100, query, placeholder="For example: Grace"),
        cards.action_set(cards.execute("Search", search, {"set_id": found.id})),
        cards.text("Nobody who uses the bot has that name.", subtle=True) if empty else None,
        *(_result_row(turn, draft, p) for p in results or []),
        actions=actions,
    )


@router.action("members", role=Role.FACILITATOR)
async def members(turn: Turn) -> Response:
    set_id = card_int(turn.inbound.data, "set_id", stale=STALE)
    draft = await service.set_members(turn.uow, user=turn.user, set_id=set_id, content=turn.content)
    return Response(card=members_card(turn, draft))


@router.action("search", role=Role.FACILITATOR)
async def search(turn: Turn) -> Response:
    data = turn.inbound.data
    set_id = card_int(data, "set_id", stale=STALE)
    query = data.get("query")
    try:
        draft, results = await service.search_people(
            turn.uow, user=turn.user, set_id=set_id, text=query, content=turn.content
        )
    except InvalidInput as problem:
        view = await service.set_members(turn.uow, user=turn.user, set_id=set_id, content=turn.content)
        raise FormError(members_card(turn, view), problem.message, field="query") from None
    return Response(card=members_card(turn, draft, results=results, query=query if isinstance(query, str) else None))


@router.action("add_member", role=Role.FACILITATOR)
async def add_member(turn: Turn) -> Response:
    data = turn.inbound.data
    draft = await service.add_member(
        turn.uow,
        user=turn.user,
        set_id=card_int(data, "set_id", stale=STALE),
        member_id=card_int(data, "user_id", stale=STALE),
        content=turn.content,
        messages=turn.messages["sets"],
        now=turn.now,
    )
    added = next((m for m in draft.members if m.user_id == card_int(data, "user_id")), None)
    return Response(card=members_card(turn, draft, notice=f"Added {added.name if added else 'them'}."))


@router.action("remove_member", role=Role.FACILITATOR)
async def remove_member(turn: Turn) -> Response:
    data = turn.inbound.data
    draft = await service.remove_member(
        turn.uow,
        user=turn.user,
        set_id=card_int(data, "set_id", stale=STALE),
        member_id=card_int(data, "user_id", stale=STALE),
        content=turn.content,
    )
    return Response(card=members_card(turn, draft))


@router.action("later", role=Role.FACILITATOR)
async def later(turn: Turn) -> Response:
    return Response(card=cards.card(cards.notice("Saved. Type **new set** to carry on where you left off.")))


@router.action("create", role=Role.FACILITATOR)
async def create(turn: Turn) -> Response:
    set_id = card_int(turn.inbound.data, "set_id", stale=STALE)
    found, created = await service.create_set(
        turn.uow, user=turn.user, set_id=set_id, content=turn.content, messages=turn.messages["sets"], now=turn.now
    )
    notice = (
        f"Set created: {found.pattern.meetings} meetings planned, and every member has been told the dates."
        if created
        else "This set was already created."
    )
    return Response(card=await mine.set_card(turn, found.id, notice=notice))

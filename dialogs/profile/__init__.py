"""`profile`: see and edit site, staff group and QI experience, and say who your line manager is (sets keep people
and their line managers apart; mentor matching never proposes your own line)."""

from __future__ import annotations

from core.kernel.errors import InvalidInput
from core.kernel.model import PersonMatch, Role, User
from core.kernel.people import find_people
from core.profile.services import line_manager_of, save_line_manager
from dialogs.kit import cards
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.run import run_command
from dialogs.kit.types import Response, Turn
from dialogs.onboarding import profile_facts, profile_inputs, submit_profile

router = FeatureRouter("profile")
SEARCH_LIMIT = 8


async def profile_card(turn: Turn, *, saved: str | None = None) -> dict:
    user, org = turn.user, turn.content.organisation
    roles = ", ".join(r.value for r in sorted(user.roles, key=list(Role).index))
    manager = await line_manager_of(turn.uow, user)
    line = (manager.name or "someone who uses the bot") if manager else "not given"
    return cards.card(
        cards.notice(saved) if saved else None,
        cards.title("Your profile"),
        cards.facts(
            [("Name", user.name or "not known"), *profile_facts(org, user), ("Line manager", line), ("Roles", roles)]
        ),
        cards.text(
            "Your site and staff group are used for reports by site and staff group; nobody is named in them. "
            "Your line manager is used only to keep you apart in action learning sets and mentoring.",
            subtle=True,
            size="Small",
        ),
        actions=[cards.execute("Edit profile", edit), cards.execute("Line manager", line_manager, inputs=False)],
    )


def edit_card(turn: Turn, user: User, error: str | None = None) -> dict:
    return cards.card(
        cards.notice(error, good=False) if error else None,
        cards.title("Edit your profile"),
        *profile_inputs(turn.content.organisation, user),
        actions=[
            cards.execute("Save", save, style="positive"),
            cards.execute("Cancel", run_command, {"command": "profile"}, inputs=False),
        ],
    )


@router.command(
    "profile",
    title="Profile",
    description="See or change your site, staff group and QI experience",
    aliases=("my profile", "edit profile"),
    in_group_chats=True,
)
async def show(turn: Turn) -> Response:
    return Response.show(await profile_card(turn))


@router.action("edit")
async def edit(turn: Turn) -> Response:
    return Response(card=edit_card(turn, turn.user))


@router.action("save")
async def save(turn: Turn) -> Response:
    await submit_profile(turn, lambda user, error: edit_card(turn, user, error))
    return Response(card=await profile_card(turn, saved="Profile saved."))


# --- line manager --------------------------------------------------------------------------------------------


def line_manager_card(results: list[PersonMatch] | None = None, typed: str | None = None) -> dict:
    rows = [
        cards.list_row(
            [cards.text(f"**{p.name}**"), cards.text(p.site or "", subtle=True, size="Small")],
            [cards.execute("My line manager", line_choose, {"manager_id": p.id}, inputs=False)],
        )
        for p in results or []
    ]
    return cards.card(
        cards.title("Your line manager"),
        cards.text("Search by name among the people who use QI Companion.", subtle=True),
        cards.text_input("name", "Name", 100, typed, required=True),
        cards.action_set(cards.execute("Search", line_search)),
        *rows,
        cards.text("Nobody of that name uses the bot yet.", subtle=True) if results == [] else None,
        actions=[
            cards.execute("I have none to give", line_clear, inputs=False),
            cards.execute("Cancel", run_command, {"command": "profile"}, inputs=False),
        ],
    )


@router.action("line_manager")
async def line_manager(turn: Turn) -> Response:
    return Response(card=line_manager_card())


@router.action("line_search")
async def line_search(turn: Turn) -> Response:
    typed = turn.inbound.data.get("name")
    try:
        found = await find_people(turn.uow, text=typed, limit=SEARCH_LIMIT + 1)
    except InvalidInput as problem:  # too short or too long
        raise FormError(line_manager_card(), problem.message, field="name") from None
    found = [p for p in found if p.id != turn.user.id][:SEARCH_LIMIT]
    return Response(card=line_manager_card(found, typed if isinstance(typed, str) else None))


@router.action("line_choose")
async def line_choose(turn: Turn) -> Response:
    manager = await save_line_manager(
        turn.uow, user=turn.user, manager_id=card_int(turn.inbound.data, "manager_id"), now=turn.now
    )
    return Response(card=await profile_card(turn, saved=f"Line manager saved: {manager.name or 'done'}."))


@router.action("line_clear")
async def line_clear(turn: Turn) -> Response:
    await save_line_manager(turn.uow, user=turn.user, manager_id=None, now=turn.now)
    return Response(card=await profile_card(turn, saved="No line manager recorded."))

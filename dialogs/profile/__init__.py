"""`profile`: see and edit site, staff group and QI experience."""

from __future__ import annotations

from core.kernel.model import Role, User
from dialogs.kit import cards
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.run import run_command
from dialogs.kit.types import Response, Turn
from dialogs.onboarding import profile_facts, profile_inputs, submit_profile

router = FeatureRouter("profile")


def profile_card(turn: Turn, *, saved: bool = False) -> dict:
    user, org = turn.user, turn.content.organisation
    roles = ", ".join(r.value for r in sorted(user.roles, key=list(Role).index))
    return cards.card(
        cards.notice("Profile saved.") if saved else None,
        cards.title("Your profile"),
        cards.facts([("Name", user.name or "not known"), *profile_facts(org, user), ("Roles", roles)]),
        cards.text(
            "Your site and staff group are used for reports by site and staff group; nobody is named in them.",
            subtle=True,
            size="Small",
        ),
        actions=[cards.execute("Edit profile", edit)],
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
    return Response.show(profile_card(turn))


@router.action("edit")
async def edit(turn: Turn) -> Response:
    return Response(card=edit_card(turn, turn.user))


@router.action("save")
async def save(turn: Turn) -> Response:
    await submit_profile(turn, lambda user, error: edit_card(turn, user, error))
    return Response(card=profile_card(turn, saved=True))

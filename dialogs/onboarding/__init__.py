"""First contact: welcome the person and ask for site, staff group and QI experience."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from core.kernel.content import Organisation
from core.kernel.errors import InvalidInput
from core.kernel.model import User
from core.profile.services import save_profile
from dialogs.kit import cards
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.forms import FormError
from dialogs.kit.run import run_command
from dialogs.kit.types import Response, Turn

router = FeatureRouter("onboarding")


def profile_inputs(org: Organisation, user: User) -> list[cards.Element]:
    return [
        cards.choice_set("site", "Your site", org.sites, user.site),
        cards.choice_set("staff_group", "Your staff group", org.staff_groups, user.staff_group),
        cards.choice_set("experience", "Your QI experience", org.experience_levels, user.experience),
    ]


def welcome_card(org: Organisation, user: User, *, error: str | None = None) -> dict:
    first_name = (user.name or "").split(" ")[0]
    return cards.card(
        cards.notice(error, good=False) if error else None,
        cards.title(f"Welcome to QI Companion{', ' + first_name if first_name else ''}"),
        cards.text(
            f"I help staff across {org.short_name} learn and use quality improvement: book a QI clinic with a "
            "coach, register your project, practise the basics in two-minute quizzes and more."
        ),
        cards.text("Three quick questions so I can point you to the right people and events:", subtle=True),
        *profile_inputs(org, user),
        actions=[cards.execute("Save and start", save, style="positive")],
    )


def welcome_back_card(user: User) -> dict:
    first_name = (user.name or "").split(" ")[0]
    return cards.card(
        cards.title(f"Welcome back{', ' + first_name if first_name else ''}"),
        cards.text("Good to see you again. Your profile and bookings are as you left them."),
        actions=[cards.execute("What can I do?", run_command, {"command": "help"})],
    )


def saved_card(org: Organisation, user: User) -> dict:
    return cards.card(
        cards.notice("Thanks, you are all set."),
        cards.facts(profile_facts(org, user)),
        cards.text("Type **help** at any time to see what I can do.", subtle=True),
        actions=[cards.execute("What can I do?", run_command, {"command": "help"})],
    )


def profile_facts(org: Organisation, user: User) -> list[tuple[str, str]]:
    return [
        ("Site", org.label("sites", user.site)),
        ("Staff group", org.label("staff_groups", user.staff_group)),
        ("QI experience", org.label("experience_levels", user.experience)),
    ]


def _field(turn: Turn, name: str) -> str | None:
    value = turn.inbound.data.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


async def submit_profile(turn: Turn, form: Callable[[User, str], dict]) -> None:
    """Validate and save the three answers. On bad input nothing is saved: FormError shows `form` again, filled
    in with the (valid) answers given and the problem, and the router rolls the turn back."""
    org = turn.content.organisation
    answers = {name: _field(turn, name) for name in ("site", "staff_group", "experience")}
    try:
        turn.user = await save_profile(turn.uow, user_id=turn.user.id, organisation=org, now=turn.now, **answers)
    except InvalidInput as problem:
        kinds = {"site": "sites", "staff_group": "staff_groups", "experience": "experience_levels"}
        valid = {k: v for k, v in answers.items() if org.is_valid(kinds[k], v)}
        raise FormError(form(replace(turn.user, **valid), problem.message), problem.message) from None


@router.action("save")
async def save(turn: Turn) -> Response:
    org = turn.content.organisation
    await submit_profile(turn, lambda user, error: welcome_card(org, user, error=error))
    return Response(card=saved_card(org, turn.user))

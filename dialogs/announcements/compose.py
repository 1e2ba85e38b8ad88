"""`announce`: the compose card, Preview (the exact card to the author, and the audience count), Edit, Discard and
Send. Every step re-checks the person's role and the draft's state on the server; a forged or repeated card changes
nothing and says why."""

from __future__ import annotations

import secrets
from datetime import date, time
from typing import Any

from core.announcements.commands import ButtonForm, DraftForm
from core.announcements.compose import (
    DraftProblem,
    audience_choices,
    audience_of,
    read_draft,
    require_announcer,
    save_draft,
)
from core.announcements.model import Announcement, Audience, Status
from core.announcements.reading import discard_draft, draft_for_form, saved_announcement
from core.announcements.sending import AlreadySent, announcement_for, send_announcement
from core.kernel.content import Choice
from core.kernel.errors import InvalidInput
from core.kernel.model import Role
from dialogs.announcements import views
from dialogs.announcements.router import router
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn


def _command_named(turn: Turn):
    def find(text: str) -> str | None:
        command = turn.router.match_command(text) if turn.router else None
        return command.name if command is not None and command.role == Role.STAFF else None

    return find


def _multi(input_id: str, label: str, options: dict[str, str], value: tuple[str, ...] = ()) -> dict[str, Any]:
    element = cards.choice_set(input_id, label, [Choice(k, v) for k, v in options.items()], required=False, multi=True)
    if value:
        element["value"] = ",".join(value)
    return element


SECTIONS = {  # the folded section each input is in, so a message about it is shown opened
    "buttons": ("button1_label", "button1_target", "button2_label", "button2_target"),
    "audience": ("sites", "trusts", "staff_groups", "experience", "roles"),
    "schedule": ("when", "date", "time", "spread", "urgent"),
}


AUDIENCE_PARTS = ("sites", "trusts", "staff_groups", "experience", "roles")
INPUTS = {"send_on": "date", "send_time": "time"}  # a DraftForm field -> its input, where the names differ


def _input_of(field: str) -> str:
    if field.startswith("buttons."):
        _, n, part = field.split(".")
        return f"button{n}_{part}"
    return INPUTS.get(field, field)


def _picked(value: object) -> tuple[str, ...]:
    """A multi-select's value ("a,b"); anything else is kept whole, so the service refuses it as not a choice."""
    if value is None:
        return ()
    if not isinstance(value, str):
        return (str(value),)
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _parsed(parse, value: object):
    try:
        return parse(str(value or "").strip())
    except ValueError:
        return None


def draft_form(turn: Turn) -> DraftForm:
    """The compose card's inputs as typed values: the card's input ids stop here."""
    data = turn.inbound.data
    return DraftForm(
        title=data.get("title"),
        text=data.get("text"),
        image_url=data.get("image_url"),
        buttons=tuple(
            ButtonForm(data.get(f"button{n}_label"), data.get(f"button{n}_target"))
            for n in range(1, turn.content.announcements.rules.max_buttons + 1)
        ),
        audience=Audience(**{part: _picked(data.get(part)) for part in AUDIENCE_PARTS}),
        send_now=str(data.get("when") or "now") == "now",
        send_on=_parsed(date.fromisoformat, data.get("date")),
        send_time=_parsed(lambda text: time.fromisoformat(text[:5]), data.get("time")),
        spread=str(data.get("spread") or "false") == "true",
        urgent=str(data.get("urgent") or "false") == "true",
    )


def compose_card(
    turn: Turn, form: str, draft: Announcement | None = None, *, problem: str | None = None
) -> dict[str, Any]:
    """`problem`: the input a message is about; its section is shown open."""
    opened = {name for name, inputs in SECTIONS.items() if problem in inputs}
    rules = turn.content.announcements.rules
    options = audience_choices(turn.content)
    audience = draft.audience if draft else None
    tz = turn.content.organisation.timezone
    later = draft is not None and draft.send_at is not None
    when = draft.send_at.astimezone(tz) if later and draft.send_at else None
    buttons = list(draft.buttons) if draft else []

    def button_value(n: int, part: str) -> str | None:
        if len(buttons) < n:
            return None
        button = buttons[n - 1]
        return button.label if part == "label" else button.target

    body: list[dict[str, Any] | None] = [
        cards.title("New announcement"),
        cards.text("Write it once; Preview shows you the exact card and who will get it before anything is sent."),
        cards.text_input("title", "Title", rules.title_limit, draft.title if draft else None, required=True),
        cards.text_input(
            "text",
            f"Text (Markdown as Teams shows it: **bold**, _italic_, lists, links; up to {rules.text_limit:,} "
            "characters)",
            rules.text_limit,
            draft.text if draft else None,
            multiline=True,
            required=True,
        ),
        cards.text_input("image_url", "Image (optional): an https:// address", 500, draft.image_url if draft else None),
        *cards.section(
            "buttons",
            "Buttons",
            "Up to two: a link (https://...) or a command of the bot, such as book clinic or events.",
            *[
                element
                for n in range(1, rules.max_buttons + 1)
                for element in (
                    cards.text_input(
                        f"button{n}_label", f"Button {n}: label", rules.button_label_limit, button_value(n, "label")
                    ),
                    cards.text_input(
                        f"button{n}_target", f"Button {n}: link or command", 500, button_value(n, "target")
                    ),
                )
            ],
            open=bool(buttons) or "buttons" in opened,
        ),
        *cards.section(
            "audience",
            "Audience",
            "Everyone, unless you choose below: people who match every part you choose.",
            _multi("sites", "Sites", options["sites"], audience.sites if audience else ()),
            _multi("trusts", "Legacy trusts", options["trusts"], audience.trusts if audience else ()),
            _multi("staff_groups", "Staff groups", options["staff_groups"], audience.staff_groups if audience else ()),
            _multi("experience", "QI experience", options["experience"], audience.experience if audience else ()),
            _multi("roles", "Roles", options["roles"], audience.roles if audience else ()),
            open=(audience is not None and not audience.everyone) or "audience" in opened,
        ),
        *cards.section(
            "schedule",
            "When",
            f"Now, or a date and time ({tz.key} time, to the minute). People get it in their working hours.",
            cards.choice_set(
                "when",
                "Send",
                [Choice("now", "Now"), Choice("later", "At a date and time")],
                "later" if later else "now",
                compact=False,
            ),
            {"type": "Input.Date", "id": "date", "label": "Date", **({"value": f"{when:%Y-%m-%d}"} if when else {})},
            {
                "type": "Input.Time",
                "id": "time",
                "label": "Time (24-hour)",
                **({"value": f"{when:%H:%M}"} if when else {}),
            },
            cards.toggle("spread", "Spread the sends over the rest of the working day", bool(draft and draft.spread)),
            cards.toggle(
                "urgent", "Urgent: not held back by the daily message limit (admins only)", bool(draft and draft.urgent)
            )
            if turn.user.has_role(Role.ADMIN)
            else None,
            open=later or "schedule" in opened,
        ),
    ]
    return cards.card(
        *body,
        actions=[
            cards.execute("Preview", preview, {"form": form}, style="positive"),
            cards.execute("Cancel", discard, {"form": form}, inputs=False),
        ],
    )


@router.command(
    "announce",
    title="Announce",
    description="Send programme news to staff (admins and programme leads)",
    aliases=("announcement", "new announcement"),
    role=Role.LEAD,
    in_manifest=False,
)
async def announce(turn: Turn) -> Response:
    return Response.show(compose_card(turn, secrets.token_hex(12)))


def _form(turn: Turn) -> str:
    form = str(turn.inbound.data.get("form") or "")
    if not (8 <= len(form) <= 64) or not form.isalnum():
        raise InvalidInput("That card is out of date. Type announce to start again.")
    return form


@router.action("preview", role=Role.LEAD)
async def preview(turn: Turn) -> Response:
    form = _form(turn)
    try:
        draft = read_draft(
            turn.content, draft_form(turn), author=turn.user, now=turn.now, command_named=_command_named(turn)
        )
    except DraftProblem as problem:
        field = _input_of(problem.field)
        raise FormError(compose_card(turn, form, problem=field), problem.message, field=field) from None
    members = await audience_of(turn.uow, turn.content, draft.audience)
    if not members:
        raise FormError(
            compose_card(turn, form, problem="sites"),
            "Nobody is in that audience: choose fewer parts, or other sites or groups.",
            field="sites",
        )
    announcement_id = await save_draft(
        turn.uow, turn.content, author=turn.user, form_token=form, draft=draft, now=turn.now
    )
    saved = await saved_announcement(turn.uow, announcement_id)
    assert saved is not None
    not_installed = sum(1 for m in members if not m.installed)
    return Response(
        card=views.review_card(turn, saved, len(members), not_installed),
        messages=[views.preview_message(turn, saved)],
    )


async def _draft(turn: Turn) -> Announcement:
    found = await announcement_for(turn.uow, turn.user, card_int(turn.inbound.data, "a"))
    if found.status != Status.DRAFT:
        raise AlreadySent("This announcement has already been sent, so it cannot be changed.")
    return found


@router.action("edit", role=Role.LEAD)
async def edit(turn: Turn) -> Response:
    draft = await _draft(turn)
    return Response(card=compose_card(turn, draft.form_token, draft))


@router.action("discard", role=Role.LEAD)
async def discard(turn: Turn) -> Response:
    require_announcer(turn.user)
    draft = await draft_for_form(turn.uow, str(turn.inbound.data.get("form") or ""))
    if draft is None and "a" in turn.inbound.data:
        draft = await _draft(turn)
    await discard_draft(turn.uow, user=turn.user, draft=draft, now=turn.now)
    return Response(card=cards.card(cards.notice("Discarded: nothing was sent.")))


@router.action("send", role=Role.LEAD)
async def send(turn: Turn) -> Response:
    announcement_id = card_int(turn.inbound.data, "a")
    card_id = turn.inbound.card_activity_id
    try:
        sent = await send_announcement(
            turn.uow,
            turn.content,
            user=turn.user,
            announcement_id=announcement_id,
            conversation_id=turn.inbound.conversation_id,
            card_activity=card_id if card_id and len(card_id) <= 256 else None,
            now=turn.now,
        )
    except AlreadySent as already:
        current = await announcement_for(turn.uow, turn.user, announcement_id)
        return Response(card=await views.progress_view(turn, current, notice=already.message), commit=False)
    return Response(card=await views.progress_view(turn, sent.announcement))

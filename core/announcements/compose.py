"""Composing an announcement: checking what the compose card sent, choosing its audience, saving the draft."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from core.announcements.commands import DraftForm, button_field
from core.announcements.content import AnnouncementContent
from core.announcements.model import Audience, AudienceFilter, AudienceMember, Button, Draft
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import GRANTABLE_ROLES, Role, User
from core.kernel.ports import UnitOfWork
from core.kernel.text import clean_text

URL_LIMIT = 500


class DraftProblem(InvalidInput):
    """A field of the compose card is wrong: `field` names the input the message belongs under."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def _text(value: object, limit: int, what: str, field: str) -> str | None:
    try:
        return clean_text(value, limit, what)
    except InvalidInput as refused:
        raise DraftProblem(refused.message, field) from None


def may_announce(user: User) -> bool:
    return user.has_role(Role.LEAD)


def require_announcer(user: User) -> None:
    if not may_announce(user):
        raise NotAllowed("Only a QI admin or programme lead can send announcements.")


def https_url(value: str, field: str, what: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() != "https" or not parts.netloc or any(ch.isspace() for ch in value):
        raise DraftProblem(f"{what} must be a web address starting with https://.", field)
    if len(value) > URL_LIMIT:
        raise DraftProblem(f"{what} is too long (at most {URL_LIMIT} characters).", field)
    return value


def _choices(picked: tuple[str, ...], key: str, allowed: set[str], what: str) -> tuple[str, ...]:
    picked = tuple(dict.fromkeys(picked))
    if any(p not in allowed for p in picked):
        raise DraftProblem(f"Please choose {what} from the list.", key)
    return picked


def audience_choices(content: Content) -> dict[str, dict[str, str]]:
    """Every audience option: part -> {value: label}."""
    org = content.organisation
    rules: AnnouncementContent = content.announcements
    return {
        "sites": {c.id: c.label for c in org.sites},
        "trusts": {t: t for t in rules.trusts},
        "staff_groups": {c.id: c.label for c in org.staff_groups},
        "experience": {c.id: c.label for c in org.experience_levels},
        "roles": {r.value: r.value.capitalize() for r in sorted(GRANTABLE_ROLES)},
    }


def read_audience(content: Content, picked: Audience) -> Audience:
    options = audience_choices(content)
    words = {
        "sites": "sites",
        "trusts": "legacy trusts",
        "staff_groups": "staff groups",
        "experience": "QI experience levels",
        "roles": "roles",
    }
    return Audience(**{key: _choices(getattr(picked, key), key, set(options[key]), words[key]) for key in options})


def read_when(content: Content, form: DraftForm, *, now: datetime) -> datetime | None:
    """None for now; else the local date and time (to the minute) as UTC, in the future and not too far ahead."""
    if form.send_now:
        return None
    tz = content.organisation.timezone
    day, moment = form.send_on, form.send_time
    if day is None:
        raise DraftProblem("Please choose the date to send it.", "send_on")
    if moment is None:
        raise DraftProblem("Please give the time as hours and minutes, like 09:30.", "send_time")
    local = datetime.combine(day, moment.replace(second=0, microsecond=0), tzinfo=tz)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DraftProblem("That time does not exist on that day (the clocks go forward). Choose another.", "send_time")
    if as_utc <= now:
        raise DraftProblem("That time has already passed. Choose a time in the future, or send it now.", "send_time")
    limit = content.announcements.rules.max_days_ahead
    if as_utc > now + timedelta(days=limit):
        raise DraftProblem(f"An announcement can be scheduled up to {limit} days ahead.", "send_on")
    return as_utc


def read_buttons(content: Content, form: DraftForm, command_named: Callable[[str], str | None]) -> tuple[Button, ...]:
    rules = content.announcements.rules
    buttons = []
    for n, typed in enumerate(form.buttons[: rules.max_buttons], start=1):
        label_field, target_field = button_field(n, "label"), button_field(n, "target")
        label = _text(typed.label, 10_000, "", label_field) or ""
        target = str(typed.target or "").strip()
        if not label and not target:
            continue
        if not label:
            raise DraftProblem(f"Please give button {n} a label.", label_field)
        if len(label) > rules.button_label_limit:
            raise DraftProblem(f"Button {n}'s label is too long (at most {rules.button_label_limit}).", label_field)
        if not target:
            raise DraftProblem(f"Please give button {n} a link or a command.", target_field)
        if target.lower().startswith(("https:", "http:", "www.")):
            buttons.append(Button(label, "url", https_url(target, target_field, f"Button {n}'s link")))
            continue
        command = command_named(target)
        if command is None:
            raise DraftProblem(
                f"Button {n}: {target[:40]!r} is neither an https:// link nor a command of the bot (like "
                '"book clinic" or "events").',
                target_field,
            )
        buttons.append(Button(label, "command", command))
    return tuple(buttons)


def read_draft(
    content: Content,
    form: DraftForm,
    *,
    author: User,
    now: datetime,
    command_named: Callable[[str], str | None],
) -> Draft:
    """Check every field of the compose card; the first problem raises DraftProblem naming its field."""
    require_announcer(author)
    rules = content.announcements.rules
    title = " ".join((_text(form.title, 10_000, "the title", "title") or "").split())
    if not title:
        raise DraftProblem("Please give the announcement a title.", "title")
    if len(title) > rules.title_limit:
        raise DraftProblem(f"The title is too long: {len(title)} characters (at most {rules.title_limit}).", "title")
    text = _text(str(form.text or "").replace("\r\n", "\n"), 100_000, "the text", "text")
    if not text:
        raise DraftProblem("Please write the text of the announcement.", "text")
    if len(text) > rules.text_limit:
        raise DraftProblem(f"The text is too long: {len(text):,} characters (at most {rules.text_limit:,}).", "text")
    image = str(form.image_url or "").strip()
    image_url = https_url(image, "image_url", "The image address") if image else None
    urgent = form.urgent
    if urgent and not author.has_role(Role.ADMIN):
        raise NotAllowed("Only a QI admin can mark an announcement urgent.")  # the toggle is not on a lead's card
    return Draft(
        title=title,
        text=text,
        image_url=image_url,
        buttons=read_buttons(content, form, command_named),
        audience=read_audience(content, form.audience),
        send_at=read_when(content, form, now=now),
        spread=form.spread,
        urgent=urgent,
    )


def audience_filter(content: Content, audience: Audience) -> AudienceFilter:
    rules: AnnouncementContent = content.announcements
    places = frozenset(audience.sites) | rules.sites_of(audience.trusts)
    return AudienceFilter(
        sites=places if (audience.sites or audience.trusts) else None,
        staff_groups=frozenset(audience.staff_groups) or None,
        experience=frozenset(audience.experience) or None,
        roles=frozenset(audience.roles) or None,
    )


async def audience_of(uow: UnitOfWork, content: Content, audience: Audience) -> list[AudienceMember]:
    return await uow.announcements.audience(audience_filter(content, audience))


async def save_draft(
    uow: UnitOfWork, content: Content, *, author: User, form_token: str, draft: Draft, now: datetime
) -> int:
    """The draft this compose card made (a second Preview of the same card updates it, never a second draft)."""
    require_announcer(author)
    made = await uow.announcements.add_draft(author_id=author.id, form_token=form_token, draft=draft, now=now)
    if made is not None:
        return made
    existing = await uow.announcements.for_form(form_token)
    if existing is None or existing.author_id != author.id:
        raise InvalidInput("That card is out of date. Type announce to start again.")
    if not await uow.announcements.update_draft(existing.id, draft, now=now):
        raise InvalidInput("That announcement has already been sent; it cannot be changed now.")
    return existing.id

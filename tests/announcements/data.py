"""People for the announcement tests: staff with a profile and a personal chat, and the compose card's fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from core.kernel.contacts import record_contact
from core.kernel.model import ConversationAddress, Role
from tests.fakes import teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)  # a Wednesday, mid-morning in London (GMT)


async def staff(
    uow, n: int, *, site="basildon", group="ahp", experience="none", roles=(), installed=True, service_url=None
):
    """Person n: a profile, and a personal chat with the bot unless `installed` is False (they only ever talked to
    it in a team channel, so there is no personal chat to send to)."""
    address: ConversationAddress = teams_address(n, conversation_type="personal" if installed else "channel")
    if service_url:
        address = replace(address, service_url=service_url)
    if not installed:
        address = replace(address, conversation_id=f"19:channel-{n}@thread.tacv2")
    user = (await record_contact(uow, address=address, now=NOW)).user
    await uow.users.save_profile(user.id, site=site, staff_group=group, experience=experience, now=NOW)
    for role in roles:
        await uow.users.grant_role(user.id, Role(role), now=NOW)
    return await uow.users.get(user.id)


def fields(**overrides) -> dict:
    values = {
        "title": "QI clinics: a new series at Broomfield",
        "text": "Book a **30-minute** slot with a QI coach.\n\n- Tuesdays\n- Thursdays",
        "image_url": "",
        "button1_label": "Book a clinic",
        "button1_target": "book clinic",
        "button2_label": "",
        "button2_target": "",
        "sites": "",
        "trusts": "",
        "staff_groups": "",
        "experience": "",
        "roles": "",
        "when": "now",
        "date": "",
        "time": "",
        "spread": "false",
    }
    values.update(overrides)
    return values


def draft(**overrides):
    """A checked draft as the compose card would give it (everyone, now)."""
    from core.announcements.model import Audience, Button, Draft

    values = dict(
        title="Celebration day: call for abstracts",
        text="Send us your **poster** by Friday.",
        image_url=None,
        buttons=(Button("Submit an abstract", "command", "submit abstract"),),
        audience=Audience(),
        send_at=None,
        spread=False,
        urgent=False,
    )
    values.update(overrides)
    return Draft(**values)

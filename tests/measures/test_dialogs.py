"""`measures` in the chat: the phone card with the four headline numbers and their signals and the link to the
full dashboard, for admins and programme leads only, reachable from the admin card."""

from core.kernel.model import Role
from core.kernel.suppression import HIDDEN
from tests.dialogs.harness import Chat, card_text, only_card
from tests.measures.data import HEADCOUNT_CSV, NOW, small_trust


async def lead_chat(content, role=Role.LEAD):
    chat = Chat(content, n=90)
    await small_trust(chat.uow, content)
    from core.measures.headcount import import_headcount

    await import_headcount(chat.uow, text=HEADCOUNT_CSV, content=content, now=NOW)
    await chat.say("hello")
    await chat.grant(role)
    return chat


async def test_a_programme_lead_sees_the_four_numbers_their_signals_and_the_dashboard_link(content):
    chat = await lead_chat(content)
    card = only_card(await chat.say("measures"))
    text = card_text(card)
    assert "Staff trained" in text and "14 people in Oct 2026" in text
    assert "special cause: improvement; will consistently miss the target" in text
    assert "19 people in all (each once)" in text
    assert f"{HIDDEN} so far this month (incomplete: not used for the limits)" in text
    assert "Projects registered" in text and "Project evaluations" in text
    assert "Self-efficacy change" in text and "+0.83 points in Oct 2026" in text
    assert "Furthest below: 0.0% of nursing and midwifery (registered) staff at Broomfield" in text
    assert f"{HIDDEN} hidden: fewer than 5 people" in text
    link = next(a for a in card["actions"] if a["title"] == "Open the full dashboard")
    assert link["type"] == "Action.OpenUrl" and "/measures/" in link["url"] and link["url"].endswith(".html")
    again = await chat.press_button(card, "Refresh")
    assert "Staff trained" in card_text(again.card)


async def test_admins_reach_it_from_the_admin_card(content):
    chat = await lead_chat(content, Role.ADMIN)
    admin_card = only_card(await chat.say("admin"))
    response = await chat.press_button(admin_card, "Programme measures")
    assert "Open the full dashboard" in card_text(response.card)


async def test_staff_are_refused_and_nothing_changes(content):
    chat = Chat(content, n=91)
    await chat.say("hello")
    before = chat.snapshot()
    reply = only_card(await chat.say("measures"))
    assert "Sorry, that is only for a QI programme lead." in card_text(reply)
    pressed = await chat.press("measures.refresh")
    assert "Open the full dashboard" not in card_text(pressed.card)
    assert chat.snapshot() == before

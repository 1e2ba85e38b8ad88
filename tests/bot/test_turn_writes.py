"""A plain turn through /api/messages reads the contact and writes nothing (issue 16); what the user sees is the
same, and a dialog's own writes are still committed."""

from sqlalchemy import event, select

from storage.tables import conversation_addresses
from tests.bot import activities as a
from tests.dialogs.harness import card_text


def _count_writes(engine) -> list[str]:
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement, _params, _context, _many):
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement.split("(", 1)[0][:60])

    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    return seen


async def test_a_second_help_turn_writes_nothing_and_still_answers(client, connector, sqlite_engine):
    await client.post("/api/messages", json=a.message(connector.url, "help"))
    writes = _count_writes(sqlite_engine)
    connector.received.clear()
    response = await client.post("/api/messages", json=a.message(connector.url, "help"))
    assert response.status == 200 and writes == []
    [menu] = connector.delivered()
    assert "What I can do" in card_text(menu.card) and menu.activity["replyToId"]
    assert menu.activity["recipient"]["id"] == "29:1user1" and menu.activity["from"]["id"] == a.BOT["id"]


async def test_a_renamed_person_is_recorded_on_their_next_turn(client, connector, uows):
    await client.post("/api/messages", json=a.message(connector.url, "help"))
    renamed = a.message(connector.url, "help")
    renamed["from"]["name"] = "Sam Patel-Jones"
    await client.post("/api/messages", json=renamed)
    async with uows() as uow:
        assert (await uow.users.by_teams_id("29:1user1")).name == "Sam Patel-Jones"


async def test_a_dialog_write_is_committed_when_the_contact_was_not(client, connector, uows, sqlite_engine):
    """The contact's commit is skipped when nothing changed; the dialog's own writes (saving the profile) must
    still be committed at the end of the turn."""
    await client.post("/api/messages", json=a.message(connector.url, "help"))
    writes = _count_writes(sqlite_engine)
    save = a.card_action(
        connector.url, "onboarding.save", {"site": "southend", "staff_group": "ahp", "experience": "none"}
    )
    response = await client.post("/api/messages", json=save)
    assert response.status == 200 and any("UPDATE users" in w for w in writes)
    assert not any("conversation_addresses" in w for w in writes)
    async with uows() as uow:
        user = await uow.users.by_teams_id("29:1user1")
    assert (user.site, user.staff_group) == ("southend", "ahp") and user.onboarded_at is not None
    async with sqlite_engine.connect() as conn:
        assert (await conn.execute(select(conversation_addresses.c.active))).scalar_one() is True

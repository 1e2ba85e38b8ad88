"""Logs hold no personal data: a journey with marker names and free text leaves none of them in any log line,
at DEBUG, including SQLAlchemy's and the database driver's loggers, in our JSON and text formats and in pytest's
own rendering (which includes exception messages)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from bot import keys
from bot.logs import JsonFormatter, TextFormatter
from tests.bot import activities as a
from tests.bot.seed import demo_world
from tests.dialogs.harness import card_text

NAME = "Zebulon Markerface"
MARKER = "MARKER-7f3a"
LOGGERS = ("", "sqlalchemy", "sqlalchemy.engine", "sqlalchemy.engine.Engine", "sqlalchemy.pool", "aiosqlite")


def _named(activity: dict) -> dict:
    activity["from"]["name"] = NAME
    return activity


@pytest.fixture
def everything(caplog):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    return caplog


def assert_no_marker(caplog) -> None:
    records = caplog.records
    assert len(records) > 20, "the journey should have logged something"
    for formatter in (JsonFormatter(), TextFormatter()):
        for record in records:
            line = formatter.format(record)
            assert NAME not in line and MARKER not in line and "Markerface" not in line, line
            assert len(line) <= 2048
    assert NAME not in caplog.text and MARKER not in caplog.text


async def test_a_journey_leaves_no_names_or_free_text_in_the_logs(
    client, connector, uows, content, clock, everything, monkeypatch
):
    post = client.post
    session_id = await demo_world(uows, content, clock.now())
    assert (await post("/api/messages", json=_named(a.install(connector.url)))).status == 200
    profile = {"site": "southend", "staff_group": "ahp", "experience": "none"}
    await post("/api/messages", json=_named(a.card_action(connector.url, "onboarding.save", profile)))
    booking = {"session_id": session_id, "help_with": "new_idea", "question": f"How do I start? {MARKER} {NAME}"}
    response = await post("/api/messages", json=_named(a.card_action(connector.url, "clinics.book", booking)))
    assert "booked" in card_text((await response.json())["value"]).lower()
    await post("/api/messages", json=_named(a.message(connector.url, f"register project {MARKER}")))
    await post("/api/messages", json=_named(a.message(connector.url, "register project")))
    async with uows() as uow:
        user = await uow.users.by_teams_id("29:1user1")
        draft = await uow.projects.latest_draft(user.id)
    basics = {
        "project_id": draft.id,
        "title": f"Fewer falls {MARKER}",
        "problem": f"Patients fall at night, says {NAME} ({MARKER}).",
        "site": "southend",
        "division": "medicine",
        "strategic_aim": "safe_care",
    }
    response = await post("/api/messages", json=_named(a.card_action(connector.url, "projects.step1", basics)))
    assert response.status == 200
    async with uows() as uow:
        assert (await uow.projects.get(draft.id)).title == f"Fewer falls {MARKER}"
    # Forged and broken requests: card data, a bad envelope, an unknown verb, a mention nobody is named in.
    forged = {"project_id": draft.id, "title": f"{MARKER}\x00"}
    await post("/api/messages", json=_named(a.card_action(connector.url, "projects.step1", forged)))
    bad = _named(a.message(connector.url, f"help {MARKER}"))
    bad["timestamp"] = f"{MARKER} garbage"
    assert (await post("/api/messages", json=bad)).status == 400
    await post("/api/messages", json=_named(a.card_action(connector.url, f"{MARKER}.verb", {})))

    # A database error inside a turn, with the person's free text as a statement parameter.
    async def failing_route(turn):
        await turn.uow.users._conn.execute(text("INSERT INTO no_such_table VALUES (:x)"), {"x": f"{NAME} {MARKER}"})

    monkeypatch.setattr(client.app[keys.BOT].router, "route", failing_route)
    response = await post("/api/messages", json=_named(a.message(connector.url, f"profile {MARKER}")))
    assert response.status == 200 and "went wrong" in connector.delivered()[-1].text
    assert any(r.getMessage() == "turn failed" for r in everything.records)
    assert any(r.name.startswith("sqlalchemy.engine") for r in everything.records)
    assert_no_marker(everything)

"""The synthetic trust (storage/scale) at a hundredth of its size, on SQLite and PostgreSQL: the counts asked for,
rows that keep the services' rules (not only the schema's, which the database enforced while loading), the same
rows for the same seed on either database, and a bot that still works on top of it."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import text

from bot import registry
from bot.cli import main
from core.surveys.pseudonyms import Pseudonyms
from storage.db import create_engine
from storage.migrate import upgrade
from storage.scale import AlreadyGenerated, generate_trust
from storage.tables import load_capability_tables

TODAY = date(2026, 11, 25)
KEY = "test-survey-key-0123456789abcdef"
SCALE = 0.01


async def _generate(engine, content, seed: int = 7, scale: float = SCALE) -> dict[str, int]:
    return await generate_trust(
        engine, content, seed=seed, scale=scale, today=TODAY, pseudonym=Pseudonyms(KEY).of
    )


async def _one(engine, sql: str, **params):
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def _all(engine, sql: str, **params) -> list:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return value


async def digest(engine) -> dict[str, str]:
    """A hash of every table's rows in primary-key order, values as the bot reads them (UTC datetimes, dicts)."""
    out = {}
    async with engine.connect() as conn:
        for table in load_capability_tables().sorted_tables:
            if table.name in ("alembic_version",):
                continue
            rows = await conn.execute(table.select().order_by(*table.primary_key.columns))
            blob = json.dumps([[_plain(v) for v in row] for row in rows], sort_keys=True, default=str)
            out[table.name] = hashlib.sha256(blob.encode()).hexdigest()
    return out


async def test_the_counts_asked_for_at_a_hundredth(engine, content):
    counts = await _generate(engine, content)
    assert await _one(engine, "SELECT COUNT(*) FROM users") == 150 == counts["users"]
    assert await _one(engine, "SELECT COUNT(*) FROM clinic_bookings") == 600
    assert await _one(engine, "SELECT COUNT(*) FROM learning_reviews") == 5_000
    assert await _one(engine, "SELECT COUNT(*) FROM projects") == 20
    assert await _one(engine, "SELECT COUNT(*) FROM event_training") == 50
    assert await _one(engine, "SELECT COUNT(*) FROM survey_responses") == 200
    assert await _one(engine, "SELECT COUNT(*) FROM forum_posts WHERE kind = 'question'") == 100
    # Every measure of a registered project has weekly data.
    assert await _one(engine, "SELECT COUNT(*) FROM measure_points") > 20
    groups = dict(await _all(engine, "SELECT staff_group, COUNT(*) FROM users GROUP BY staff_group"))
    assert set(groups) <= {g.id for g in content.organisation.staff_groups}
    assert max(groups, key=groups.get) == "nursing_midwifery"  # the largest group, as in the NHS


async def test_the_rows_keep_the_services_rules(engine, content):
    await _generate(engine, content)
    # Seats taken are the confirmed bookings (and places the confirmed registrations), never above capacity.
    assert not await _all(
        engine,
        "SELECT s.id FROM clinic_sessions s LEFT JOIN clinic_bookings b ON b.session_id = s.id AND b.status = "
        "'confirmed' GROUP BY s.id, s.seats_taken, s.capacity HAVING COUNT(b.id) <> s.seats_taken "
        "OR s.seats_taken > s.capacity",
    )
    assert not await _all(
        engine,
        "SELECT e.id FROM events e LEFT JOIN event_registrations r ON r.event_id = e.id AND r.status = 'confirmed' "
        "GROUP BY e.id, e.seats_taken HAVING COUNT(r.id) <> e.seats_taken",
    )
    # A waitlist only on a full session; at most the content's number of future bookings each.
    assert not await _all(
        engine,
        "SELECT b.id FROM clinic_bookings b JOIN clinic_sessions s ON s.id = b.session_id "
        "WHERE b.status = 'waitlisted' AND s.seats_taken < s.capacity",
    )
    most = content.clinics.rules.max_future_bookings
    future = await _all(
        engine,
        "SELECT b.user_id FROM clinic_bookings b JOIN clinic_sessions s ON s.id = b.session_id "
        "WHERE b.status = 'confirmed' AND s.starts_at > :now GROUP BY b.user_id HAVING COUNT(*) > :most",
        now=datetime(2026, 11, 25, 12, tzinfo=UTC).replace(tzinfo=None)
        if engine.dialect.name == "sqlite"
        else datetime(2026, 11, 25, 12, tzinfo=UTC),
        most=most,
    )
    assert not future
    # Each review answers its own served card, for the same person and question.
    assert not await _all(
        engine,
        "SELECT r.id FROM learning_reviews r JOIN learning_serves s ON s.id = r.serve_id "
        "WHERE s.user_id <> r.user_id OR s.question_id <> r.question_id OR s.served_at > r.answered_at",
    )
    # The learning report's running totals are those of the reviews.
    assert await _all(engine, "SELECT question_id, answers, correct, people FROM learning_question_totals "
                      "ORDER BY question_id") == await _all(
        engine,
        "SELECT question_id, COUNT(*), SUM(CASE WHEN correct THEN 1 ELSE 0 END), COUNT(DISTINCT user_id) "
        "FROM learning_reviews GROUP BY question_id ORDER BY question_id",
    )
    # Completed training: every date of the course attended.
    assert not await _all(
        engine,
        "SELECT t.id FROM event_training t JOIN event_registrations r ON r.event_id = t.event_id AND "
        "r.user_id = t.user_id JOIN event_attendance a ON a.registration_id = r.id WHERE a.mark <> 'attended'",
    )
    # Matched pairs: every "after" answer has its "before" in the same series, from the same pseudonym.
    assert not await _all(
        engine,
        "SELECT a.id FROM survey_responses a WHERE a.wave = 'after' AND NOT EXISTS (SELECT 1 FROM survey_responses b "
        "WHERE b.pseudonym = a.pseudonym AND b.series = a.series AND b.wave = 'before' AND b.submitted_at < "
        "a.submitted_at)",
    )
    pairs = await _one(engine, "SELECT COUNT(*) FROM survey_responses WHERE wave = 'after'")
    assert pairs >= 30
    # The pseudonyms are the bot's: a person's own response is found from their user id.
    someone = await _one(engine, "SELECT user_id FROM survey_invitations ORDER BY id LIMIT 1")
    mine = Pseudonyms(KEY).of(someone)
    assert await _one(engine, "SELECT COUNT(*) FROM survey_responses WHERE pseudonym = :p", p=mine)
    # Data points only on registered projects.
    assert not await _all(
        engine,
        "SELECT m.id FROM project_measures m JOIN projects p ON p.id = m.project_id WHERE p.status IN "
        "('draft', 'submitted')",
    )
    if engine.dialect.name == "sqlite":
        assert not await _all(engine, "PRAGMA foreign_key_check")


async def test_the_same_seed_gives_the_same_trust_on_either_database(engine, content, tmp_path):
    await _generate(engine, content, seed=7)
    other = create_engine(f"sqlite+aiosqlite:///{tmp_path}/again.db")
    await upgrade(other)
    await _generate(other, content, seed=7)
    third = create_engine(f"sqlite+aiosqlite:///{tmp_path}/another.db")
    await upgrade(third)
    await _generate(third, content, seed=8)
    try:
        first, again, different = await digest(engine), await digest(other), await digest(third)
    finally:
        await other.dispose()
        await third.dispose()
    assert first == again
    assert first["users"] != different["users"] and first["learning_reviews"] != different["learning_reviews"]


async def test_a_second_trust_is_refused_and_the_bot_still_adds_rows_after_it(engine, content):
    await _generate(engine, content)
    before = await _one(engine, "SELECT COUNT(*) FROM clinic_bookings")
    with pytest.raises(AlreadyGenerated):
        await _generate(engine, content, seed=99)
    assert await _one(engine, "SELECT COUNT(*) FROM clinic_bookings") == before
    # The ids the generator gave are behind the bot's own inserts (PostgreSQL's sequences were moved on).
    highest = await _one(engine, "SELECT MAX(id) FROM users")
    async with registry.uow_factory(engine)() as uow:
        user = await uow.users.add(
            teams_user_id="29:someone-new", aad_object_id=None, tenant_id=None, name="New", now=datetime.now(UTC)
        )
        project = await uow.projects.create_draft(user.id, now=datetime.now(UTC))
        await uow.commit()
    assert user.id > highest
    assert project.id > 20


@pytest.fixture
def keep_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_the_command_line_writes_it_and_refuses_bad_input(tmp_path, monkeypatch, capsys, keep_logging):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QIBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    monkeypatch.delenv("MicrosoftAppId", raising=False)
    assert main(["demo", "scale", "--today", "25/11/2026"]) == 2
    assert main(["demo", "scale", "--scale", "0"]) == 2
    assert "--today must be a date" in capsys.readouterr().err
    assert main(["demo", "scale", "--scale", "0.005", "--seed", "3", "--today", "2026-11-25"]) == 0
    out = capsys.readouterr().out
    assert "users: 75" in out and "learning_reviews: 2,500" in out
    assert main(["demo", "scale", "--scale", "0.005"]) == 1
    assert "already holds a synthetic trust" in capsys.readouterr().err

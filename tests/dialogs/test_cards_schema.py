"""Every card the bot can send validates against the official Adaptive Card 1.5 schema (Teams renders 1.5)."""

import json
from pathlib import Path

import adaptive_cards
import jsonschema
import pytest

from core.kernel.model import Role
from dialogs.clinics import ClinicCards
from dialogs.kit import cards
from dialogs.kit.run import run_command
from dialogs.learning import LearningCards, certificate_card
from dialogs.onboarding import welcome_back_card, welcome_card
from tests.clinics.data import add_session
from tests.dialogs.harness import ROUTER, Chat
from tests.preferences.test_dialogs import form
from tests.projects.journey import project_cards

SCHEMA = json.loads((Path(adaptive_cards.__file__).parent / "schemas" / "schema-1.5.json").read_text())
VALIDATOR = jsonschema.Draft6Validator(SCHEMA)


async def every_card(content) -> list[tuple[str, dict]]:
    chat = Chat(content, admins=frozenset({"aad-1"}))
    user = await chat.user()
    collected: list[tuple[str, dict]] = []
    for label, step in [
        ("help", chat.say("help")),
        ("unknown", chat.say("gibberish")),
        ("onboarding error", chat.press("onboarding.save", site="x")),
        ("onboarding saved", chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")),
        ("profile", chat.say("profile")),
        ("profile edit", chat.press("profile.edit")),
        ("profile edit error", chat.press("profile.save", site="x")),
        ("profile saved", chat.press("profile.save", site="basildon", staff_group="ahp", experience="coach")),
        ("settings", chat.say("settings")),
        ("settings saved paused", chat.press("preferences.save", **form(pause_days="5"))),
        ("settings error", chat.press("preferences.save", **form(pause_days="x"))),
        ("admin", chat.say("admin")),
        ("admin refreshed", chat.press("admin.refresh")),
        ("stale", chat.press("nope.nope")),
    ]:
        before = len(chat.cards)
        await step
        collected += [(label, card) for card in chat.cards[before:]]
    user = await chat.user()
    collected += [
        ("welcome", welcome_card(content.organisation, user)),
        ("welcome error", welcome_card(content.organisation, user, error="Please choose your site.")),
        ("welcome back", welcome_back_card(user)),
        ("problem", cards.problem_card("Sorry, something went wrong on my side.")),
    ]
    collected += await clinic_cards(content)
    collected += await learning_cards(content)
    collected += await project_cards(content)
    staff = Chat(content, n=2)
    await staff.grant(Role.COACH)
    await staff.say("admin")
    collected += [("refused", card) for card in staff.cards]
    return collected


async def clinic_cards(content) -> list[tuple[str, dict]]:
    admin = Chat(content, admins=frozenset({"aad-1"}))
    await admin.grant(Role.COACH)
    coach = await admin.user()
    full = add_session(admin, capacity=1, coach_id=coach.id, online="https://teams.microsoft.com/l/x")
    open_session = add_session(admin, capacity=4, days=3, coach_id=coach.id)
    booker = Chat(content, n=2, uow=admin.uow)
    await booker.say("hi")
    steps = [
        admin.say("book clinic"),
        admin.press("clinics.choose", session_id=open_session.id),
        admin.press("clinics.book", session_id=open_session.id, help_with=""),
        admin.press("clinics.book", session_id=open_session.id, help_with="other", question="Q?"),
        booker.press("clinics.book", session_id=full.id, help_with="other"),
        admin.press("clinics.book", session_id=full.id, help_with="other"),
        admin.press("clinics.book", session_id=full.id, help_with="other", waitlist=True),
        admin.say("my bookings"),
        admin.say("coach"),
        admin.press("clinics.cancel_session", session_id=open_session.id),
        admin.press("clinics.cancel_session_confirm", session_id=open_session.id, reason="Ill"),
    ]
    for step in steps:
        await step
    booking = next(iter(admin.uow.db.bookings.values()))
    session = await admin.uow.clinics.get_session(booking.session_id)
    messages = ClinicCards(content)
    user = await booker.user()
    proactive = [
        messages.reminder(session, booking, "day"),
        messages.reminder(session, booking, "hour"),
        messages.coach_booking_notice(session, booking, user),
        messages.promoted(session, booking),
        messages.session_cancelled(session, "Coach unwell."),
        messages.attendance_request(session, [booking]),
        messages.feedback_request(session, booking),
    ]
    return [("clinics", c) for c in admin.cards + booker.cards] + [("clinic message", m.card) for m in proactive]


async def learning_cards(content) -> list[tuple[str, dict]]:
    chat = Chat(content, admins=frozenset({"aad-1"}))
    topic = content.learning.topics[0]
    steps = [
        chat.say("learn"),
        chat.press("learning.topic", topic_id=topic.id, bite=0),
        chat.press("learning.topic", topic_id=topic.id, bite=len(topic.bites) - 1),
        chat.press("learning.topic_quiz", topic_id=topic.id),
        chat.say("quiz"),
        chat.say("my progress"),
        chat.press("learning.report"),
        chat.press("learning.stop"),
    ]
    for step in steps:
        await step
    serve_id = max(chat.uow.db.serves)
    await chat.press("learning.answer", serve_id=serve_id, option=0, sure="true")
    await chat.press("learning.answer", serve_id=serve_id, option=1)
    user = await chat.user()
    extra = [certificate_card(content, user, "QI foundations", chat.clock.now()), LearningCards(content).nudge(3).card]
    return [("learning", c) for c in chat.cards] + [("learning extra", c) for c in extra]


async def test_every_card_is_valid_adaptive_card_1_5(content):
    collected = await every_card(content)
    assert len(collected) >= 45
    for label, card in collected:
        errors = sorted(VALIDATOR.iter_errors(card), key=lambda e: e.path)
        assert not errors, f"{label}: {errors[0].message} at {list(errors[0].absolute_path)}"
        assert card["version"] == "1.5", label
        json.dumps(card)  # serialisable as sent


def test_the_validator_does_catch_a_bad_card():
    bad = cards.card(cards.text("hi"))
    bad["body"][0]["size"] = "Enormous"
    assert list(VALIDATOR.iter_errors(bad))


async def test_every_button_on_every_card_has_a_handler(content):
    """No dead buttons: each Action.Execute verb is `<feature>.<action>` and a registered action."""
    registered = ROUTER.actions
    verbs = set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                verbs.add(node["verb"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for _, card in await every_card(content):
        walk(card)
    assert verbs and verbs <= set(registered), verbs - set(registered)
    assert all(len(verb.split(".")) == 2 for verb in verbs)


def test_a_button_takes_a_registered_action_not_a_string():
    """A typo'd verb cannot reach a card: the builder refuses anything but the Action a router registered."""
    with pytest.raises(TypeError, match="registered Action"):
        cards.execute("Show the menu", "help.rnu", {"command": "help"})
    button = cards.execute("Show the menu", run_command, {"command": "help"})
    assert button["verb"] == "help.run" and ROUTER.actions["help.run"] is run_command

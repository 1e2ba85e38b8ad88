"""Property-based tests (Hypothesis) through the real app: generated envelopes and card data for every registered
verb never get a 5xx and never reach the apology ("Sorry, something went wrong").

Bounded for CI: 8 sets of card data for each registered verb (57 today: 456 card actions) and 150 envelopes,
each a real HTTP request against SQLite (about 20 s in all).
With CI=true the examples are derandomised (the same cases every run); locally each run explores new ones.
"""

from __future__ import annotations

import copy
import inspect
import json
import os
import re
import string

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot import registry
from bot.app import create_app
from bot.config import Config
from bot.teams import SORRY
from dialogs.kit.card_data import PROBLEM
from tests.bot import activities as a
from tests.bot.seed import demo_world
from tests.dialogs.harness import card_text

FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
ACTIONS = registry.router().actions
VERBS = sorted(ACTIONS)
EXAMPLES_PER_VERB = 8

ID_KEYS = ["project_id", "session_id", "booking_id", "measure_id", "member_id", "serve_id", "id", "step", "page"]
KEYS = ID_KEYS + [
    "bite", "topic_id", "command", "site", "division", "strategic_aim", "staff_group", "experience", "title",
    "problem", "aim_what", "aim_who", "aim_how_much", "aim_by", "team", "sponsor", "coach", "gov_research",
    "gov_audit", "gov_service_evaluation", "plan", "prediction", "do", "study", "act", "on", "value", "score",
    "comment", "chart", "improvement", "completed", "role", "results", "decision", "sustain", "spread", "lessons",
    "words", "status", "pause_days", "learning_time", "own_hours", "days", "start", "end", "cat_learning",
    "option", "sure", "waitlist", "help_with", "project", "question", "reason", "usefulness", "att_1", "att_x",
    "aim", "measurement", "pdsa", "patients", "sustainability", "verb",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=0, max_value=6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.text(alphabet=string.digits + "-.e ", max_size=25),
    st.sampled_from(["", "0", "1", "2", "3", "true", "false", "yes", "no", "08:00", "2026-11-20", "none", "qi"]),
    st.sampled_from(["southend", "basildon", "pdsa", "adopt", "A", "B", "attended", "no_show", "run", "xmr"]),
    st.sampled_from(["\x00", "\ud800", "x" * 5000, "1e400", "inf", "NaN", "9" * 30, "٣", "1_000", " 7 "]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def keys_read_by(verb: str) -> list[str]:
    """The data keys the verb's handler can read: string keys in its module and in the core modules it calls
    (found in their source, so this follows the code wherever it moves)."""
    handler = ACTIONS[verb].handler
    sources = [inspect.getsource(inspect.getmodule(handler))]
    sources += [
        inspect.getsource(module)
        for module in handler.__globals__.values()
        if inspect.ismodule(module) and module.__name__.startswith("core.")
    ]
    pattern = r'(?:\.get\(|\[|\(turn, |key: str = )f?"([a-z][a-z_]*)"'
    return sorted({key for source in sources for key in re.findall(pattern, source)})


def card_data_for(verb: str):
    own = keys_read_by(verb) or KEYS
    keys = st.one_of(*[st.sampled_from(own)] * 6, *[st.sampled_from(KEYS)] * 3, st.text(max_size=12))
    return st.dictionaries(keys, st.one_of(scalars, scalars, scalars, json_values), max_size=10)


@pytest.fixture
async def world(sqlite_engine, content, clock, connector):
    """The demo data, and two people (one an admin), onboarded, with a booking and a draft project."""
    settings_ = Config(scheduler_enabled=False, admins=frozenset({"aad-1"}))
    app = create_app(settings_, engine=sqlite_engine, content=content, clock=clock)
    session_id = await demo_world(registry.uow_factory(sqlite_engine), content, clock.now())
    async with TestClient(TestServer(app)) as client:
        for n in (1, 2):
            await client.post("/api/messages", json=a.install(connector.url, n))
            profile = {"site": "southend", "staff_group": "ahp", "experience": "none"}
            await client.post("/api/messages", json=a.card_action(connector.url, "onboarding.save", profile, n))
        await client.post("/api/messages", json=a.message(connector.url, "register project"))
        await client.post(
            "/api/messages",
            json=a.card_action(connector.url, "clinics.book", {"session_id": session_id, "help_with": "other"}),
        )
        connector.received.clear()
        yield client


async def assert_no_failure(client, connector, response, activity: dict) -> None:
    if response.status == 501:  # the Bot Framework's answer to an invoke the bot does not handle
        assert activity.get("type") == "invoke" and activity.get("name") != "adaptiveCard/action"
    else:
        assert response.status < 500, await response.text()
    if response.content_type == "application/json":
        body = await response.json()
        assert SORRY not in json.dumps(body)
    apologies = [r for r in connector.received if r.text == SORRY or SORRY in card_text(r.card)]
    assert not apologies
    metrics = await (await client.get("/metrics")).text()
    assert 'outcome="error"' not in metrics, "a turn failed"


@pytest.mark.parametrize("verb", VERBS)
@settings(FUZZ, max_examples=EXAMPLES_PER_VERB)
@given(generated=st.data(), who=st.sampled_from([1, 1, 2]), submit=st.booleans())
async def test_card_data_for_every_verb_never_fails(world, connector, verb, generated, who, submit):
    data = generated.draw(card_data_for(verb), label="data")
    if submit:  # the Action.Submit fallback of older clients: a message whose value carries the verb
        activity = a.message(connector.url, "", who)
        activity["value"] = {**data, "verb": verb}
    else:
        activity = a.card_action(connector.url, verb, data, who)
    connector.received.clear()
    body = json.dumps(activity)  # lone surrogates become \ud800 escapes, as a forged request would send them
    response = await world.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
    await assert_no_failure(world, connector, response, activity)
    assert response.status == 200
    replies = [(await response.json())["value"]] if not submit else [r.card for r in connector.received]
    assert replies and all(replies), "every card action gets a card back"
    event("card data refused" if any(PROBLEM in card_text(r) for r in replies) else "reached the handler")


ENVELOPE_FIELDS = sorted(
    set(a.message("http://x/", "help"))
    | {"membersAdded", "membersRemoved", "attachments", "expiration", "value", "name", "action", "replyToId"}
    | {"suggestedActions", "relatesTo", "reactionsAdded", "textHighlights", "semanticAction", "historyDisclosed"}
)
SUB_FIELDS = {
    "from": ["id", "name", "aadObjectId", "role"],
    "recipient": ["id", "name"],
    "conversation": ["id", "conversationType", "tenantId", "isGroup"],
    "channelData": ["tenant", "eventType", "source"],
}


@st.composite
def envelopes(draw, url: str):
    kind = draw(st.sampled_from(["message", "invoke", "install", "added", "mention"]))
    activity = {
        "message": lambda: a.message(url, draw(st.sampled_from(["help", "profile", "book clinic", "learn"]))),
        "invoke": lambda: a.card_action(url, draw(st.sampled_from(VERBS)), {}),
        "install": lambda: a.install(url),
        "added": lambda: a.bot_added(url),
        "mention": lambda: a.mention_message(url, "help"),
    }[kind]()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        field = draw(st.sampled_from(ENVELOPE_FIELDS + ["value.action", "value.action.data", "entities.0"]))
        value = draw(json_values)
        if field in SUB_FIELDS and draw(st.booleans()):
            node = copy.deepcopy(activity.get(field)) if isinstance(activity.get(field), dict) else {}
            node[draw(st.sampled_from(SUB_FIELDS[field]))] = value
            activity[field] = node
        elif field.startswith("value.") and isinstance(activity.get("value"), dict):
            action = activity["value"].get("action")
            if field == "value.action" or not isinstance(action, dict):
                activity["value"]["action"] = value
            else:
                action["data"] = value
        elif field == "entities.0":
            activity["entities"] = [value if isinstance(value, dict) else {"type": "mention", "mentioned": value}]
        else:
            activity[field] = value
    return activity


@settings(FUZZ, max_examples=150)
@given(data=st.data())
async def test_generated_envelopes_are_a_4xx_or_served_never_a_5xx(world, connector, data):
    activity = data.draw(envelopes(connector.url))
    response = await world.post(
        "/api/messages", data=json.dumps(activity), headers={"Content-Type": "application/json"}
    )
    await assert_no_failure(world, connector, response, activity)
    event(f"status {response.status}")
    if response.status >= 400:
        assert response.status in (400, 403, 413, 415) and len((await response.json())["error"]) < 120

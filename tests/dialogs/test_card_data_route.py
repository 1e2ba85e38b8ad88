"""The router checks a card's data before any handler runs: a forged card gets a friendly card, changes nothing."""

from dataclasses import replace

import pytest

from core.kernel.model import Role
from dialogs.kit import card_data
from tests.dialogs.harness import ROUTER, Chat, card_text


@pytest.fixture
def chat(content):
    return Chat(content, admins=frozenset({"aad-1"}))


@pytest.mark.parametrize("verb", sorted(ROUTER.actions))
async def test_every_verb_refuses_forged_data_before_its_handler(chat, verb, monkeypatch):
    called = []

    async def handler(turn):
        called.append(turn)
        raise AssertionError("the handler must not run")

    actions = {v: replace(a, handler=handler) for v, a in ROUTER.actions.items()}
    monkeypatch.setattr(ROUTER, "actions", actions)
    response = await chat.press(verb, project_id="1 OR 1=1")
    assert card_data.PROBLEM in card_text(response.card)
    assert response.commit is False and not called
    response = await chat.press(verb, title="x\x00")
    assert card_data.PROBLEM in card_text(response.card) and not called


async def test_a_good_card_still_works(chat):
    await chat.grant(Role.COACH)
    response = await chat.press("help.run", command="settings")
    assert "Your settings" in card_text(response.card)

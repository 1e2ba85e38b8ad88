"""QR check-in: the deep link the facilitator's code shows, and the token it carries: valid, expired, for another
event, tampered, or another page's; each refusal changes nothing. Real signed tokens (bot.links.SignedLinks)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from bot.links import SignedLinks
from core.events import attendance as service
from core.events.commands import RegistrationRequest
from core.events.model import Mark
from core.events.registration import register
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import Role
from dialogs.events.pages import CALENDAR
from tests.events.data import add_event, event_state, person
from tests.events.fakes import RecordingEventMessages
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
MESSAGES = RecordingEventMessages()
LINKS = SignedLinks("https://qibot.example", "s" * 40)


@pytest.fixture
def uow():
    return FakeUnitOfWork()


@pytest.fixture
async def world(uow, content):
    facilitator = await person(uow, 99, now=NOW)
    await uow.users.grant_role(facilitator.id, Role.FACILITATOR, now=NOW)
    facilitator = replace(facilitator, roles=facilitator.roles | {Role.FACILITATOR})
    starts = NOW + timedelta(minutes=30)
    event_id = await add_event(uow, starts_at=starts, closes_at=starts - timedelta(hours=1))
    other_id = await add_event(uow, starts_at=starts, closes_at=starts - timedelta(hours=1), site="southend")
    user = await person(uow, 1, now=NOW)
    request = RegistrationRequest(event_id, answers={"manager_agreement": "true"})
    registration = await register(
        uow, user=user, request=request, content=content, messages=MESSAGES, now=NOW - timedelta(days=2)
    )
    return facilitator, user, registration, await uow.events.get_event(event_id), await uow.events.get_event(other_id)


async def code(uow, content, facilitator, event, now=NOW):
    link, expires_at = await service.checkin_link(
        uow, user=facilitator, event_id=event.id, date_id=event.dates[0].id, links=LINKS, content=content, now=now
    )
    return link, expires_at


def token_of(link: str) -> str:
    message = parse_qs(urlparse(link).query)["message"][0]
    return service.token_in(message)


async def check(uow, content, user, token, now=NOW):
    return await service.check_in(uow, user=user, token=token, links=LINKS, content=content, messages=MESSAGES, now=now)


async def test_the_code_is_a_teams_deep_link_to_the_bot_and_checks_the_person_in_once(uow, content, world):
    facilitator, user, registration, event, _ = world
    link, expires_at = await code(uow, content, facilitator, event)
    parsed = urlparse(link)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "teams.microsoft.com", "/l/chat/0/0")
    query = parse_qs(parsed.query)
    assert query["users"] == ["28:bot"] and query["message"][0].startswith("checkin ")
    assert expires_at == NOW + timedelta(minutes=15)
    done = await check(uow, content, user, token_of(link))
    assert not done.already and done.completed  # Fundamentals has one date: checking in completes it
    [mark] = await uow.events.marks(event.id)
    assert (mark.registration_id, mark.mark, mark.method) == (registration.id, Mark.ATTENDED, "qr")
    again = await check(uow, content, user, token_of(link))
    assert again.already and len(await uow.events.training_of(user.id)) == 1


async def test_an_expired_code_is_refused_and_changes_nothing(uow, content, world):
    facilitator, user, _, event, _ = world
    link, expires_at = await code(uow, content, facilitator, event)
    before = event_state(uow)
    with pytest.raises(InvalidInput, match="not valid or has expired"):
        await check(uow, content, user, token_of(link), now=expires_at + timedelta(seconds=1))
    assert event_state(uow) == before


async def test_a_code_for_another_event_is_refused_and_changes_nothing(uow, content, world):
    facilitator, user, _, _, other = world
    link, _ = await code(uow, content, facilitator, other)
    before = event_state(uow)
    with pytest.raises(NotAllowed, match="do not have a confirmed place"):
        await check(uow, content, user, token_of(link))
    assert event_state(uow) == before


@pytest.mark.parametrize("change", ["flip", "swap", "garbage", "other page"])
async def test_a_tampered_or_foreign_token_is_refused_and_changes_nothing(uow, content, world, change):
    facilitator, user, registration, event, _ = world
    token = token_of((await code(uow, content, facilitator, event))[0])
    if change == "flip":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif change == "swap":  # the payload of a token for date 1 of another event, with this one's signature
        other = LINKS.token(service.CHECKIN_TOKEN, {"d": event.dates[0].id + 1, "v": event.id + 1}, expires_at=None)
        token = other.split(".")[0] + "." + token.split(".", 1)[1]
    elif change == "garbage":
        token = "not-a-token"
    else:  # a valid token, but signed for the calendar page
        token = LINKS.token(CALENDAR, {"d": event.dates[0].id, "v": event.id}, expires_at=None)
    before = event_state(uow)
    with pytest.raises(InvalidInput, match="not valid or has expired"):
        await check(uow, content, user, token)
    assert event_state(uow) == before


async def test_only_the_faculty_get_a_code_and_only_around_the_date(uow, content, world):
    facilitator, user, _, event, _ = world
    with pytest.raises(NotAllowed):
        await code(uow, content, user, event)
    with pytest.raises(InvalidInput, match="Check-in is open from"):
        await code(uow, content, facilitator, event, now=NOW - timedelta(hours=2))
    with pytest.raises(InvalidInput, match="Check-in is open from"):
        await code(uow, content, facilitator, event, now=event.ends_at)


def test_the_message_parser_takes_the_word_and_the_token():
    assert service.token_in("checkin abc.def-ghi") == "abc.def-ghi"
    assert service.token_in("  Checkin   abc  ") == "abc"
    assert service.token_in("check in") is None and service.token_in("checkin") is None

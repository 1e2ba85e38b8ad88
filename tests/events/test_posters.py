"""Posters on fakes: a PDF or PNG sent in the chat becomes the abstract's poster (checked by its own bytes, not its
name), a second one replaces it; a file too big, of another type, for someone else's abstract, after the deadline
or with no abstract open gets a clear message and stores nothing. The poster page is for the lead, the judges and
the faculty only."""

from datetime import UTC, datetime, timedelta

import pytest

from core.events import abstracts, posters
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import Role
from core.kernel.pages import PageError, PageRequest
from dialogs.events.posters import POSTER
from dialogs.kit.types import Inbound, InboundFile
from tests.dialogs.harness import Chat, card_text, only_card
from tests.events.data import a_project, celebration, event_state, person
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def an_abstract(uow, content, lead, event_id, project_id):
    await a_project(uow, lead, project_id=project_id, site="basildon")
    view = await abstracts.start_abstract(
        uow, user=lead, event_id=event_id, project_id=project_id, content=content, now=NOW
    )
    return view.abstract


async def attach(uow, content, user, data, *, name="poster.pdf", abstract_id=None, now=NOW):
    return await posters.attach_poster(
        uow, user=user, filename=name, data=data, abstract_id=abstract_id, content=content, now=now
    )


async def test_a_pdf_then_a_png_become_the_poster_of_the_leads_only_open_abstract(uow, content):
    lead = await person(uow, 1, now=NOW)
    event_id = await celebration(uow)
    abstract = await an_abstract(uow, content, lead, event_id, 7)
    saved = await attach(uow, content, lead, PDF, name="C:\\Users\\sam\\Falls poster.pdf")
    assert (saved.abstract.id, saved.replaced) == (abstract.id, False)
    assert (saved.poster.filename, saved.poster.content_type, saved.poster.size) == (
        "Falls poster.pdf",
        "application/pdf",
        len(PDF),
    )
    again = await attach(uow, content, lead, PNG, name="poster.png", now=NOW + timedelta(hours=1))
    stored = await uow.events.get_poster(abstract.id, with_data=True)
    assert again.replaced and stored.content_type == "image/png" and stored.data == PNG
    view = await abstracts.abstract_view(uow, user=lead, abstract_id=abstract.id, content=content, now=NOW)
    assert view.poster.filename == "poster.png" and view.poster.data is None


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"Just some notes, not a poster", "poster.pdf", "not a PDF or a PNG"),  # the name says PDF; the bytes do not
        (b"GIF89a" + b"\x00" * 20, "poster.png", "not a PDF or a PNG"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 20, "poster.pptx", "not a PDF or a PNG"),
        (PDF + b"\x00" * (10 * 1024 * 1024), "big.pdf", "too big: a poster can be up to 10 MB"),
    ],
)
async def test_a_file_of_another_type_or_too_big_is_refused_and_nothing_is_stored(uow, content, data, name, message):
    lead = await person(uow, 1, now=NOW)
    await an_abstract(uow, content, lead, await celebration(uow), 7)
    before = event_state(uow)
    with pytest.raises(InvalidInput, match=message):
        await attach(uow, content, lead, data, name=name)
    assert event_state(uow) == before


async def test_someone_elses_abstract_a_closed_one_or_none_open_are_refused(uow, content):
    lead, other = await person(uow, 1, now=NOW), await person(uow, 2, now=NOW)
    event_id = await celebration(uow)
    abstract = await an_abstract(uow, content, lead, event_id, 7)
    before = event_state(uow)
    with pytest.raises(NotAllowed, match="belongs to another project lead"):
        await attach(uow, content, other, PDF, abstract_id=abstract.id)
    with pytest.raises(InvalidInput, match="you have none open"):
        await attach(uow, content, other, PDF)
    with pytest.raises(NotFound, match="no abstract 999"):
        await attach(uow, content, lead, PDF, abstract_id=999)
    closes = (await uow.events.get_event(event_id)).abstracts_close_at
    with pytest.raises(InvalidInput, match="closed"):
        await attach(uow, content, lead, PDF, abstract_id=abstract.id, now=closes)
    with pytest.raises(InvalidInput, match="none open"):  # after the deadline it is no longer an open abstract
        await attach(uow, content, lead, PDF, now=closes + timedelta(minutes=1))
    assert event_state(uow) == before


async def test_with_two_abstracts_open_the_message_names_which(uow, content):
    lead = await person(uow, 1, now=NOW)
    event_id = await celebration(uow)
    first = await an_abstract(uow, content, lead, event_id, 7)
    second = await an_abstract(uow, content, lead, event_id, 8)
    with pytest.raises(posters.ChooseAbstract, match=f"poster {first.id}.*poster {second.id}"):
        await attach(uow, content, lead, PDF)
    assert posters.abstract_number(f"poster {second.id}") == second.id
    saved = await attach(uow, content, lead, PDF, abstract_id=posters.abstract_number(f"Poster {second.id} please"))
    assert saved.abstract.id == second.id and await uow.events.get_poster(first.id) is None


async def page(uow, content, viewer_id, abstract_id, admins=frozenset()):
    request = PageRequest(
        claims={"u": viewer_id, "a": abstract_id},
        params={},
        uow=uow,
        content=content,
        links=None,
        now=NOW,
        admins=admins,
    )
    return await POSTER.render(request)


async def test_the_poster_page_serves_the_file_to_the_lead_judges_and_faculty_only(uow, content):
    lead, judge, colleague = [await person(uow, n, now=NOW) for n in (1, 2, 3)]
    faculty = await person(uow, 4, now=NOW)
    await uow.users.grant_role(faculty.id, Role.FACILITATOR, now=NOW)
    event_id = await celebration(uow)
    abstract = await an_abstract(uow, content, lead, event_id, 7)
    await uow.events.set_judges(event_id, [judge.id])
    with pytest.raises(PageError) as missing:
        await page(uow, content, lead.id, abstract.id)
    assert missing.value.status == 404
    await attach(uow, content, lead, PDF)
    for viewer in (lead, judge, faculty):
        shown = await page(uow, content, viewer.id, abstract.id)
        assert (shown.body, shown.content_type, shown.inline) == (PDF, "application/pdf", True)
        assert shown.filename == f"poster-{abstract.id}.pdf"
    with pytest.raises(PageError) as refused:
        await page(uow, content, colleague.id, abstract.id)
    assert refused.value.status == 403


# --- the chat ----------------------------------------------------------------------------------------------------


async def send_file(chat, file: InboundFile, text=""):
    return await chat._turn(
        Inbound(kind="message", conversation_id=chat.address.conversation_id, text=text, files=(file,))
    )


async def test_sending_a_file_in_the_chat_saves_the_poster_and_the_abstract_card_shows_it(content):
    chat = Chat(content, n=1)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    lead = await chat.uow.users.by_teams_id(chat.address.user_teams_id)
    abstract = await an_abstract(chat.uow, content, lead, await celebration(chat.uow), 7)
    done = only_card(await send_file(chat, InboundFile("Falls.pdf", "pdf", "https://x.example/d", data=PDF)))
    assert f"Poster saved for **{abstract.title}**" in card_text(done) and "Falls.pdf" in card_text(done)
    opened = await chat.press("events.open_abstract", event_id=abstract.event_id, project_id=7)
    assert "Falls.pdf" in card_text(opened.card) and f"poster {abstract.id}" in card_text(opened.card)
    assert any(b.get("title") == "View the poster" for b in _buttons(opened.card))

    too_big = only_card(
        await send_file(chat, InboundFile("huge.pdf", "pdf", "https://x.example/d", problem="too_large"))
    )
    assert "too big" in card_text(too_big)
    failed = only_card(await send_file(chat, InboundFile("p.pdf", "pdf", "https://x.example/d", problem="unavailable")))
    assert "could not fetch" in card_text(failed)
    wrong = only_card(await send_file(chat, InboundFile("p.pdf", "pdf", "https://x.example/d", data=b"hello")))
    assert "not a PDF or a PNG" in card_text(wrong)
    assert (await chat.uow.events.get_poster(abstract.id, with_data=True)).data == PDF


def _buttons(card):
    found = []

    def walk(node):
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Action."):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


async def test_a_file_from_someone_with_no_abstract_is_answered_politely(content):
    chat = Chat(content, n=5)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    answer = only_card(await send_file(chat, InboundFile("notes.pdf", "pdf", "https://x.example/d", data=PDF)))
    assert "you have none open" in card_text(answer)
    assert not chat.uow.db.__dict__.get("events_posters")


async def test_a_judge_sees_the_poster_on_the_score_card(content):
    from core.events.commands import AbstractText

    lead_chat = Chat(content, n=1)
    await lead_chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    judge_chat = Chat(content, n=2, uow=lead_chat.uow)
    await judge_chat.press("onboarding.save", site="southend", staff_group="ahp", experience="none")
    await judge_chat.grant(Role.COACH)
    uow = lead_chat.uow
    lead = await uow.users.by_teams_id(lead_chat.address.user_teams_id)
    judge = await uow.users.by_teams_id(judge_chat.address.user_teams_id)
    event_id = await celebration(uow)
    a = await an_abstract(uow, content, lead, event_id, 7)
    text = AbstractText(a.id, a.title, a.aim, a.measures, a.changes, a.results, a.lessons, "poster")
    await abstracts.save_abstract(uow, user=lead, text=text, submit=True, content=content, now=NOW)
    await uow.events.set_judges(event_id, [judge.id])
    without = (await judge_chat.press("events.score", abstract_id=a.id)).card
    assert "View the poster" not in [b.get("title") for b in _buttons(without)]
    await send_file(lead_chat, InboundFile("Falls.pdf", "pdf", "https://x.example/d", data=PDF))
    card = (await judge_chat.press("events.score", abstract_id=a.id)).card
    [view] = [b for b in _buttons(card) if b.get("title") == "View the poster"]
    assert view["url"] == f"https://qibot.example/events/poster/a{a.id}-u{judge.id}"

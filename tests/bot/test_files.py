"""Files sent in the personal chat: the real Teams file.download.info attachment becomes a plain InboundFile, the
bytes come from a local download server with a size limit (a huge file is stopped early, not read whole), and a
poster sent through /api/messages is stored and served behind its signed link."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botbuilder.schema import Activity

from bot.files import FileDownloader, file_attachments
from core.events.model import Format
from storage.events.tables import event_posters
from tests.bot import activities as a
from tests.dialogs.harness import card_text
from tests.events.data import DAY, add_event

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CHUNK = 64 * 1024


@pytest.fixture
async def downloads():
    """A stand-in for SharePoint's download URLs: a poster, a text file, a huge stream and a missing file."""
    sent = {"huge": 0}

    async def poster(request):
        return web.Response(body=PDF, content_type="application/octet-stream")

    async def notes(request):
        return web.Response(text="meeting notes", content_type="text/plain")

    async def huge(request):
        response = web.StreamResponse()  # chunked: no Content-Length, as a download link may send it
        await response.prepare(request)
        try:
            for _ in range(25 * 1024 * 1024 // CHUNK):
                await response.write(b"%PDF-" + b"\x00" * (CHUNK - 5))
                sent["huge"] += CHUNK
        except (ConnectionResetError, RuntimeError):
            pass
        return response

    async def sized(request):
        return web.Response(body=b"\x00" * (2 * 1024 * 1024), content_type="application/pdf")

    app = web.Application()
    app.router.add_get("/dl/poster", poster)
    app.router.add_get("/dl/notes", notes)
    app.router.add_get("/dl/huge", huge)
    app.router.add_get("/dl/sized", sized)
    server = TestServer(app)
    await server.start_server()
    server.sent = sent
    yield server
    await server.close()


def url(server, path):
    return str(server.make_url(path))


def test_the_teams_attachment_becomes_name_type_and_download_url(connector):
    activity = Activity().deserialize(a.file_message(connector.url, "https://dl.example/x?tempauth=abc", "Poster.PDF"))
    assert file_attachments(activity.attachments) == [("Poster.PDF", "pdf", "https://dl.example/x?tempauth=abc")]
    plain = Activity().deserialize(a.message(connector.url, "help"))
    assert file_attachments(plain.attachments) == []


async def test_a_download_is_read_whole_under_the_limit_and_stopped_above_it(downloads):
    downloader = FileDownloader(limit=1024 * 1024, https_only=False)
    got = await downloader.fetch("Poster.pdf", "pdf", url(downloads, "/dl/poster"))
    assert (got.data, got.problem, got.size) == (PDF, None, len(PDF))
    huge = await downloader.fetch("huge.pdf", "pdf", url(downloads, "/dl/huge"))
    assert (huge.data, huge.problem) == (None, "too_large")
    assert downloads.sent["huge"] < 10 * 1024 * 1024  # stopped after the limit, long before the 25 MB end
    sized = await downloader.fetch("sized.pdf", "pdf", url(downloads, "/dl/sized"))  # Content-Length says too big
    assert sized.problem == "too_large"
    missing = await downloader.fetch("gone.pdf", "pdf", url(downloads, "/dl/missing"))
    assert (missing.data, missing.problem) == (None, "unavailable")


async def test_in_production_only_https_download_links_are_followed(downloads):
    downloader = FileDownloader(https_only=True)
    refused = await downloader.fetch("Poster.pdf", "pdf", url(downloads, "/dl/poster"))
    assert refused.problem == "unavailable"
    assert (await downloader.fetch("x", "pdf", "file:///etc/passwd")).problem == "unavailable"


async def post(client, activity):
    response = await client.post("/api/messages", json=activity)
    assert response.status in (200, 201), await response.text()


async def a_lead_with_an_abstract(client, connector, uows):
    await post(client, a.message(connector.url, "help"))
    await post(
        client,
        a.card_action(
            connector.url, "onboarding.save", {"site": "basildon", "staff_group": "ahp", "experience": "none"}
        ),
    )
    async with uows() as uow:
        lead = await uow.users.by_teams_id(a.person(1)["id"])
        event_id = await add_event(
            uow,
            starts_at=DAY,
            template="celebration",
            kind="celebration",
            title="Improvement celebration day 2027",
            capacity=100,
            site=None,
            abstracts_close_at=DAY - timedelta(days=14),
        )
        abstract = await uow.events.save_abstract(
            event_id=event_id,
            project_id=7,
            lead_id=lead.id,
            site="basildon",
            division="medicine",
            title="Fewer falls at night",
            aim=None,
            measures=None,
            changes=None,
            results=None,
            lessons=None,
            format=Format.POSTER,
            now=DAY - timedelta(days=60),
        )
        await uow.commit()
    return abstract


async def stored_posters(uows):
    async with uows() as uow:
        return (await uow.events.conn.execute(event_posters.select())).mappings().all()


async def test_a_poster_sent_in_the_chat_is_stored_and_served_behind_its_signed_link(
    client, connector, uows, downloads
):
    abstract = await a_lead_with_an_abstract(client, connector, uows)
    before = len(connector.delivered())
    await post(client, a.file_message(connector.url, url(downloads, "/dl/notes"), "poster.pdf", "pdf"))
    assert "not a PDF or a PNG" in card_text(connector.delivered()[-1].card)
    await post(client, a.file_message(connector.url, url(downloads, "/dl/huge"), "poster.pdf"))
    assert "too big" in card_text(connector.delivered()[-1].card)
    assert await stored_posters(uows) == []

    await post(client, a.file_message(connector.url, url(downloads, "/dl/poster"), "Falls poster.pdf"))
    reply = connector.delivered()[-1].card
    assert len(connector.delivered()) == before + 3
    assert "Poster saved for **Fewer falls at night**" in card_text(reply)
    [row] = await stored_posters(uows)
    assert (row["abstract_id"], row["content_type"], row["size"], bytes(row["data"])) == (
        abstract.id,
        "application/pdf",
        len(PDF),
        PDF,
    )
    link = next(
        action["url"] for block in reply["body"] if block.get("type") == "ActionSet" for action in block["actions"]
    )
    served = await client.get(urlsplit(link).path)
    assert served.status == 200 and served.content_type == "application/pdf" and await served.read() == PDF
    assert (await client.get(urlsplit(link).path[:-3] + "xyz")).status in (403, 404)

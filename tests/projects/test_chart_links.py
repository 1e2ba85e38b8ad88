"""Chart links (issue 9.3, 9.7, 10.3): a chart's link is issued for one person, expires, and is checked again at
every fetch against who may see the project; every refusal is the same 404 as a forged token; the address
changes with every change to the chart, and only a current address may be kept; a chart is drawn once per
version, however many requests ask for it at the same time."""

import asyncio
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import keys, registry
from bot.app import create_app
from bot.config import Config
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.measurement import Rebase
from core.projects.model import ProjectStatus
from dialogs.projects import pages
from dialogs.projects.pages import CHART, SUMMARY, ChartCache, chart_url
from tests.conftest import make_engine
from tests.fakes import FakeUnitOfWork, FixedClock, teams_address
from tests.projects.data import approved, onboarded_chats

PNG = b"\x89PNG\r\n\x1a\n"
VALUES = [8, 7, 9, 6, 5, 4, 4, 3]


def path(url: str) -> str:
    return url.split("127.0.0.1:3978", 1)[1]


async def people_and_draft(uows, clock):
    """A lead's draft with one measure and data (written straight to the register), an outsider and an admin."""
    async with uows() as uow:
        lead, outsider, admin = [
            (await record_contact(uow, address=teams_address(n), now=clock.now())).user for n in (1, 2, 3)
        ]
        await uow.users.grant_role(admin.id, Role.ADMIN, now=clock.now())
        project = await uow.projects.create_draft(lead.id, now=clock.now())
        await uow.projects.set_measures(
            project.id, [("outcome", "Falls at night", "Datix falls"), ("process", "Checks", "Share checked")]
        )
        measure, empty = (await uow.projects.get(project.id)).measures
        for week, value in enumerate(VALUES):
            await uow.projects.add_point(
                measure.id, on=date(2026, 9, 1) + timedelta(weeks=week), value=value, now=clock.now()
            )
        await uow.commit()
    return lead, outsider, admin, project, measure, empty


async def link(uows, links, measure_id, viewer_id, now):
    async with uows() as uow:
        measure = await uow.projects.measure(measure_id)
        points = await uow.projects.points(measure_id)
    return chart_url(links, measure, points, viewer=viewer_id, now=now)


async def snapshot(response) -> tuple:
    return response.status, response.headers["Content-Type"], await response.read()


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    cache = ChartCache()
    monkeypatch.setattr(pages, "CHARTS", cache)
    return cache


async def test_a_chart_is_shown_only_while_the_person_it_was_issued_for_may_see_the_project(client, uows, clock):
    lead, outsider, admin, project, measure, _ = await people_and_draft(uows, clock)
    links, now = client.app[keys.LINKS], clock.now()
    for who, status in ((lead, 200), (admin, 200), (outsider, 404)):  # a draft: the lead, the team, admins
        response = await client.get(path(await link(uows, links, measure.id, who.id, now)))
        assert response.status == status, who
        if status == 200:
            assert (await response.read()).startswith(PNG)
    outsiders_link = path(await link(uows, links, measure.id, outsider.id, now))
    async with uows() as uow:
        assert await uow.projects.mark_submitted(project.id, now=now)  # registered: anyone may see it
        await uow.commit()
    assert (await client.get(outsiders_link)).status == 200
    async with uows() as uow:  # returned for changes: a draft again, and the outsider's link stops working
        assert await uow.projects.mark_returned(project.id, comment="More", wizard_step=6, now=now)
        assert (await uow.projects.get(project.id)).status == ProjectStatus.DRAFT
        await uow.commit()
    assert (await client.get(outsiders_link)).status == 404


async def test_every_refused_chart_link_is_the_same_404_as_a_forged_one(client, uows, clock):
    lead, outsider, _, project, measure, empty = await people_and_draft(uows, clock)
    links, now = client.app[keys.LINKS], clock.now()
    forged = await snapshot(await client.get("/charts/not-a-token.png"))
    assert forged[0] == 404
    version = 1  # any: these are refused before the version is looked at
    soon = now + timedelta(days=1)
    refused = {
        "someone else's draft": await link(uows, links, measure.id, outsider.id, now),
        "a measure that does not exist": links.url(CHART, {"m": 999_999, "u": lead.id, "v": version}, expires_at=soon),
        "a measure with no data": await link(uows, links, empty.id, lead.id, now),
        "a person the bot does not know": links.url(
            CHART, {"m": measure.id, "u": 999_999, "v": version}, expires_at=soon
        ),
        "another page's token": links.url(SUMMARY, {"p": project.id}, expires_at=soon)
        .replace("/projects/summary/", "/charts/")
        .replace(".html", ".png"),
        "a link without an expiry": links.url(CHART, {"m": measure.id, "u": lead.id, "v": version}, expires_at=None),
        "a link without a person": links.url(CHART, {"m": measure.id, "v": version}, expires_at=soon),
        "an expired link": links.url(
            CHART, {"m": measure.id, "u": lead.id, "v": version}, expires_at=now - timedelta(seconds=1)
        ),
    }
    for why, url in refused.items():
        assert await snapshot(await client.get(path(url))) == forged, why
    # The same link for the lead works, so the refusals above are about the link, not the chart.
    assert (await client.get(path(await link(uows, links, measure.id, lead.id, now)))).status == 200


async def test_a_chart_link_expires_within_30_days(client, uows, clock):
    lead, *_, measure, _ = await people_and_draft(uows, clock)
    url = path(await link(uows, client.app[keys.LINKS], measure.id, lead.id, clock.now()))
    clock.advance(days=29)
    assert (await client.get(url)).status == 200
    clock.advance(days=1)
    assert (await client.get(url)).status == 404


async def test_the_address_changes_with_every_change_and_only_a_current_one_may_be_kept(client, uows, clock):
    lead, *_, measure, _ = await people_and_draft(uows, clock)
    links, now = client.app[keys.LINKS], clock.now()
    first = await link(uows, links, measure.id, lead.id, now)
    assert await link(uows, links, measure.id, lead.id, now + timedelta(minutes=5)) == first  # one address all day
    changes = [
        lambda repo: repo.add_point(measure.id, on=date(2026, 11, 1), value=2, now=now),  # a new point
        lambda repo: repo.add_point(measure.id, on=date(2026, 11, 1), value=3, now=now),  # a value overwritten
        lambda repo: repo.set_measure_chart(measure.id, chart="xmr", improvement="increase"),  # to XmR
        lambda repo: repo.set_measure_chart(measure.id, chart="xmr", improvement="decrease"),  # lower is better
        lambda repo: repo.set_fix_after(measure.id, 12),
        lambda repo: repo.add_rebase(measure.id, Rebase(date(2026, 10, 1), "New checks"), by=lead.id, now=now),
        lambda repo: repo.add_rebase(measure.id, Rebase(date(2026, 10, 1), "New night checks"), by=None, now=now),
    ]
    seen = [first]
    for change in changes:
        async with uows() as uow:
            await change(uow.projects)
            await uow.commit()
        seen.append(await link(uows, links, measure.id, lead.id, now))
    assert len(set(seen)) == len(seen), "every change gives the chart a new address"
    current = await client.get(path(seen[-1]))
    cache = current.headers["Cache-Control"]
    assert current.status == 200 and "immutable" in cache
    max_age = int(cache.split("max-age=")[1].split(",")[0])
    assert 29 * 86400 <= max_age <= 30 * 86400  # kept no longer than the link lives
    old = await client.get(path(first))  # an older card's address: today's chart, never kept
    assert old.status == 200 and old.headers["Cache-Control"] == "no-store"
    assert await old.read() == await current.read()


async def test_the_chart_page_draws_the_limits_the_team_set(client, uows, clock, monkeypatch):
    lead, *_, measure, _ = await people_and_draft(uows, clock)
    async with uows() as uow:
        for week in range(8, 16):
            day = date(2026, 9, 1) + timedelta(weeks=week)
            await uow.projects.add_point(measure.id, on=day, value=week % 3 + 4, now=clock.now())
        await uow.projects.set_measure_chart(measure.id, chart="xmr", improvement="decrease")
        await uow.projects.set_fix_after(measure.id, 12)
        await uow.projects.add_rebase(measure.id, Rebase(date(2026, 11, 10), "Night checks"), by=None, now=clock.now())
        await uow.commit()
    drawn = []

    def spy(measure, points, **options):
        drawn.append(options)
        return PNG

    monkeypatch.setattr(pages, "render_chart", spy)
    response = await client.get(path(await link(uows, client.app[keys.LINKS], measure.id, lead.id, clock.now())))
    assert response.status == 200 and await response.read() == PNG
    assert drawn[0]["fix_after"] == 12 and drawn[0]["rebases"] == (Rebase(date(2026, 11, 10), "Night checks"),)


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_sixty_simultaneous_requests_draw_a_chart_once(kind, tmp_path, content, monkeypatch, fresh_cache):
    engine, cleanup = await make_engine(kind, tmp_path)
    try:
        clock = FixedClock(datetime(2026, 11, 25, 10, tzinfo=UTC))
        app = create_app(Config(scheduler_enabled=False), engine=engine, content=content, clock=clock)
        uows = registry.uow_factory(engine)
        lead, *_, measure, _ = await people_and_draft(uows, clock)
        calls = []
        real = pages.render_chart

        def slow(*args, **kwargs):
            calls.append(1)
            time.sleep(0.3)  # long enough that all sixty requests arrive while it is being drawn
            return real(*args, **kwargs)

        monkeypatch.setattr(pages, "render_chart", slow)
        async with TestClient(TestServer(app)) as client:
            url = path(await link(uows, client.app[keys.LINKS], measure.id, lead.id, clock.now()))
            responses = await asyncio.gather(*(client.get(url) for _ in range(60)))
            bodies = {await r.read() for r in responses}
        assert [r.status for r in responses] == [200] * 60 and len(bodies) == 1 and bodies.pop().startswith(PNG)
        assert len(calls) == 1 and fresh_cache.drawn == 1
    finally:
        await cleanup()


async def test_waiting_requests_share_one_drawing_and_a_failed_one_is_not_kept():
    cache, calls = ChartCache(), []

    def draw():
        calls.append(1)
        time.sleep(0.05)
        return b"x" * 10

    images = await asyncio.gather(*(cache.get("k", draw) for _ in range(60)))
    assert images == [b"x" * 10] * 60 and len(calls) == 1 and cache.drawn == 1

    def broken():
        raise RuntimeError("matplotlib fell over")

    results = await asyncio.gather(*(cache.get("bad", broken) for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results) and "bad" not in cache
    assert await cache.get("bad", draw) == b"x" * 10  # drawn again next time


def test_the_cache_is_bounded_in_count_and_bytes_and_drops_the_least_recently_used():
    cache = ChartCache(max_items=3, max_bytes=1000)
    for key in "abc":
        cache.put(key, b"." * 100)
    asyncio.run(cache.get("a", lambda: b"never drawn"))  # "a" is used again: "b" is now the oldest
    cache.put("d", b"." * 100)
    assert len(cache) == 3 and "b" not in cache and all(k in cache for k in "acd")
    cache.put("e", b"." * 450)
    cache.put("f", b"." * 450)  # 100 + 100 + 450 + 450 > 1000: the oldest go until it fits
    assert cache.size <= 1000 and "e" in cache and "f" in cache and len(cache) <= 3
    cache.put("huge", b"." * 5000)
    assert "huge" not in cache and cache.size <= 1000


async def test_the_project_card_shows_a_new_picture_after_every_change(content):
    uow = FakeUnitOfWork()
    lead, coach = await onboarded_chats(content, uow, count=2)
    project = await approved(uow, content, await lead.user(), await coach.user())

    def image(card) -> str:
        return next(e for e in card["body"] if e.get("type") == "Image")["url"]

    card = (await lead.press("projects.open", project_id=project.id)).card
    for day, value in (("2026-11-01", "8"), ("2026-11-08", "6")):
        card = (
            await lead.press_button((await lead.press_button(card, "Add data")).card, "Save", on=day, value=value)
        ).card
    seen = [image(card)]
    card = (await lead.press_button(card, "Show as XmR chart")).card
    seen.append(image(card))
    card = (await lead.press_button(card, "Higher is better")).card
    seen.append(image(card))
    data = (await lead.press_button(card, "Add data")).card
    card = (await lead.press_button(data, "Save", on="2026-11-08", value="5")).card  # a value overwritten
    seen.append(image(card))
    assert len(set(seen)) == 4, seen
    assert image((await lead.press("projects.open", project_id=project.id)).card) == seen[-1]  # same data, same address

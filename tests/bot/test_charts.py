"""Measure charts: a PNG drawn with matplotlib from the measurement module, behind a signed link."""

from datetime import date, timedelta

import pytest

from bot import keys
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.projects.model import Measure
from dialogs.projects.charts import render_chart
from dialogs.projects.pages import SUMMARY, chart_url, report_url
from tests.fakes import teams_address

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def measure(uows, clock):
    async with uows() as uow:
        user = (await record_contact(uow, address=teams_address(1), now=clock.now())).user
        project = await uow.projects.create_draft(user.id, now=clock.now())
        await uow.projects.set_measures(project.id, [("outcome", "Falls at night", "Datix falls 20:00-08:00")])
        measure = (await uow.projects.get(project.id)).measures[0]
        for week, value in enumerate([8, 7, 9, 6, 5, 4, 4, 3]):
            await uow.projects.add_point(
                measure.id, on=date(2026, 9, 1) + timedelta(weeks=week), value=value, now=clock.now()
            )
        await uow.commit()
        return measure


async def test_chart_link_serves_a_small_png(client, measure):
    url = chart_url(client.app[keys.LINKS], measure.id, 8)
    response = await client.get(url.split("127.0.0.1:3978", 1)[1])
    assert response.status == 200 and response.headers["Content-Type"] == "image/png"
    body = await response.read()
    assert body.startswith(PNG) and len(body) < 60_000  # small enough for a Teams card


async def test_forged_chart_link_is_refused(client):
    assert (await client.get("/charts/not-a-token.png")).status == 404


@pytest.mark.parametrize("chart", ["run", "xmr"])
def test_both_chart_kinds_render(chart):
    measure = Measure(
        id=1, project_id=1, kind="outcome", name="Falls", definition="x", chart=chart, improvement="decrease"
    )
    points = [(date(2026, 1, 1) + timedelta(weeks=i), v) for i, v in enumerate([5, 6, 4, 5, 6, 2, 2, 2, 2, 2, 2, 2])]
    assert render_chart(measure, points).startswith(PNG)


async def test_summary_page_is_printable_html_behind_an_expiring_link(client, measure, uows, clock):
    async with uows() as uow:
        project_id = (await uow.projects.measure(measure.id)).project_id
        await uow.projects.add_pdsa(
            project_id,
            plan="Huddle at 20:00",
            prediction="Fewer falls <fast>",
            do=None,
            study="Falls fell",
            act="adopt",
            by=None,
            now=clock.now(),
        )
        await uow.commit()
    links = client.app[keys.LINKS]
    url = links.url(SUMMARY, {"p": project_id}, expires_at=clock.now() + timedelta(days=1))
    response = await client.get(url.split("127.0.0.1:3978", 1)[1])
    assert response.status == 200 and response.content_type == "text/html"
    html = await response.text()
    assert "Falls at night" in html and "/charts/" in html and "@media print" in html
    assert "Fewer falls &lt;fast&gt;" in html  # what people typed is escaped
    clock.advance(days=2)
    assert (await client.get(url.split("127.0.0.1:3978", 1)[1])).status == 404


async def test_report_downloads_are_for_admins_only(client, uows, clock):
    async with uows() as uow:
        staff = (await record_contact(uow, address=teams_address(7), now=clock.now())).user
        admin = (await record_contact(uow, address=teams_address(8), now=clock.now())).user
        await uow.users.grant_role(admin.id, Role.ADMIN, now=clock.now())
        await uow.commit()
    links = client.app[keys.LINKS]
    soon = clock.now() + timedelta(hours=1)

    def path(kind, user):
        return report_url(links, kind, user_id=user.id, expires_at=soon).split("127.0.0.1:3978", 1)[1]

    xlsx = await client.get(path("xlsx", admin))
    assert xlsx.status == 200 and "spreadsheetml" in xlsx.headers["Content-Type"]
    assert (await xlsx.read()).startswith(b"PK")  # a zip: the XLSX container
    csv_response = await client.get(path("csv", admin))
    assert csv_response.status == 200 and "attachment" in csv_response.headers["Content-Disposition"]
    assert (await client.get(path("csv", staff))).status == 403
    swapped = path("csv", admin).replace(".csv", ".xlsx")  # a CSV link cannot be used for another format
    assert (await client.get(swapped)).status == 404
    assert (
        await client.get(
            report_url(links, "csv", user_id=admin.id, expires_at=clock.now() - timedelta(seconds=1)).split(
                "127.0.0.1:3978", 1
            )[1]
        )
    ).status == 404

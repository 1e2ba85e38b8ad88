"""The dashboard page, its XLSX and the board summary behind short-lived signed links: for admins and programme
leads, the role checked again on every request; an expired, tampered or forwarded link shows a clear message and
nothing else; every value on the page is escaped."""

import io
import logging
from datetime import timedelta

from openpyxl import load_workbook

from bot import keys
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.measures.headcount import import_headcount
from dialogs.measures.pages import dashboard_url
from tests.fakes import teams_address
from tests.measures.data import HEADCOUNT_CSV, NOW, small_trust


async def trust_with_lead(uows, content, role=Role.LEAD):
    async with uows() as uow:
        await small_trust(uow, content)
        await import_headcount(uow, text=HEADCOUNT_CSV, content=content, now=NOW)
        lead = (await record_contact(uow, address=teams_address(80), now=NOW)).user
        staff = (await record_contact(uow, address=teams_address(81), now=NOW)).user
        await uow.users.grant_role(lead.id, role, now=NOW)
        await uow.commit()
    return lead, staff


def path(client, kind, user, expires):
    return dashboard_url(client.app[keys.LINKS], kind, user_id=user.id, expires_at=expires).split("127.0.0.1:3978", 1)[
        1
    ]


async def test_a_programme_lead_opens_the_dashboard_export_and_board_summary(client, uows, content, clock, caplog):
    lead, _ = await trust_with_lead(uows, content)
    soon = clock.now() + timedelta(minutes=15)
    with caplog.at_level(logging.INFO, logger="dialogs.measures.pages"):
        page = await client.get(path(client, "html", lead, soon))
        xlsx = await client.get(path(client, "xlsx", lead, soon))
        board = await client.get(path(client, "print", lead, soon))
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Cache-Control"] == "no-store"
    html = await page.text()
    for words in (
        "Programme measures",
        "Staff trained",
        "14 people in Oct 2026",
        "special cause: improvement",
        "will consistently miss the target",
        "Equity: reach against headcount",
        "9.5% of all staff trained",
        "Staff trained by site, legacy trust and staff group",
        "Southend University Hospital",
        "data:image/png;base64,",
        "Download XLSX",
        "Board summary (print)",
        "[c] hidden: fewer than 5 people",
    ):
        assert words in html, words
    assert "User " not in html  # no names
    assert xlsx.status == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(await xlsx.read()))
    assert book.sheetnames == [
        "Months",
        "Signals",
        "Staff trained",
        "Projects registered",
        "Project evaluations",
        "Self-efficacy change",
        "Equity",
    ]
    trained = {(r[0], r[1]): r for r in book["Staff trained"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert trained[("All", "All staff")][2:4] == (19, "[c]")
    assert trained[("All", "All staff")][5:] == (19, 200, "9.5%")
    assert trained[("Site", "Southend University Hospital")][2] == 7
    assert trained[("Staff group", "Medical and dental")][2] == "[c]"
    assert board.status == 200 and "board summary" in (await board.text())
    opened = [(r.user_id, r.kind) for r in caplog.records if r.getMessage() == "measures page opened"]
    assert opened == [(lead.id, "html"), (lead.id, "xlsx"), (lead.id, "print")]


async def test_expired_tampered_forwarded_or_revoked_links_show_nothing(client, uows, content, clock):
    lead, staff = await trust_with_lead(uows, content)
    soon = clock.now() + timedelta(minutes=15)
    expired = await client.get(path(client, "html", lead, clock.now() - timedelta(seconds=1)))
    assert expired.status == 404 and "not valid or has expired" in await expired.text()
    link = path(client, "html", lead, soon)
    token = link.split("/measures/", 1)[1].rsplit(".", 1)[0]
    tampered = link.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert (await client.get(tampered)).status == 404
    assert (await client.get(link.replace(".html", ".xlsx"))).status == 404  # one link, one kind
    assert (await client.get("/measures/forged.html")).status == 404
    forwarded = await client.get(path(client, "html", staff, soon))  # a link made out to a member of staff
    assert forwarded.status == 403 and "for QI admins and programme leads" in await forwarded.text()
    async with uows() as uow:
        await uow.users.revoke_role(lead.id, Role.LEAD)
        await uow.commit()
    refused = await client.get(link)
    assert refused.status == 403 and "Staff trained" not in await refused.text()


async def test_every_value_on_the_page_is_escaped(content):
    from dataclasses import replace

    from core.measures.dashboard import build_dashboard
    from dialogs.measures.html import board_html, dashboard_html
    from tests.fakes import FakeUnitOfWork

    measures = content.measures
    bad = replace(measures.measures[0], label="<script>alert(1)</script>", description='"><img src=x onerror=1>')
    evil = content.with_part("measures", replace(measures, measures=(bad,)))
    uow = FakeUnitOfWork()
    await small_trust(uow, content)
    dashboard = await build_dashboard(uow, content=evil, now=NOW)
    for html in (
        dashboard_html(dashboard, organisation="<b>Trust</b>", links={"<x>": 'https://a/"b'}).decode(),
        board_html(dashboard, organisation="<b>Trust</b>").decode(),
    ):
        assert "<script>" not in html and "<img src=x" not in html and "<b>Trust" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

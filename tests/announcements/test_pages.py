"""The per-person status file behind a signed link: CSV and XLSX for admins (checked again on each download),
refused to anyone else, a forged kind or an expired link is a 404, and each download is logged without names."""

import csv
import io
import logging
from datetime import timedelta

from openpyxl import load_workbook

from bot import keys
from core.announcements.compose import save_draft
from core.announcements.sending import send_announcement
from dialogs.announcements.pages import status_url
from tests.announcements.data import draft, staff


async def announced(uows, content, clock):
    async with uows() as uow:
        admin = await staff(uow, 80, roles=["admin"])
        lead = await staff(uow, 81, roles=["lead"])
        for n in range(1, 4):
            await staff(uow, n)
        await staff(uow, 9, installed=False)
        made = await save_draft(uow, content, author=admin, form_token="pagesform", draft=draft(), now=clock.now())
        await send_announcement(
            uow,
            content,
            user=admin,
            announcement_id=made,
            conversation_id="a:conv-80",
            card_activity=None,
            now=clock.now(),
        )
        await uow.commit()
    return admin, lead, made


def path(client, kind, user, made, expires):
    url = status_url(client.app[keys.LINKS], kind, user_id=user.id, announcement_id=made, expires_at=expires)
    return url.split("127.0.0.1:3978", 1)[1]


async def test_admins_download_the_status_of_each_person_and_each_download_is_logged(
    client, uows, content, clock, caplog
):
    admin, lead, made = await announced(uows, content, clock)
    soon = clock.now() + timedelta(minutes=15)
    with caplog.at_level(logging.INFO, logger="dialogs.announcements.pages"):
        got = await client.get(path(client, "csv", admin, made, soon))
        xlsx = await client.get(path(client, "xlsx", admin, made, soon))
    assert got.status == 200 and "attachment" in got.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO((await got.read()).decode("utf-8-sig"))))
    assert len(rows) == 6
    assert {r["status"] for r in rows} == {"waiting"} and {r["name"] for r in rows} >= {"User 1", "User 9"}
    assert {r["legacy_trust"] for r in rows} == {"Basildon and Thurrock University Hospitals"}
    book = load_workbook(io.BytesIO(await xlsx.read()))
    assert book["Status"].max_row == 7
    logged = [r for r in caplog.records if r.getMessage() == "announcement status downloaded"]
    assert len(logged) == 2 and all(r.user_id == admin.id and r.announcement_id == made for r in logged)
    assert not any("User " in r.getMessage() or "User " in str(r.__dict__) for r in caplog.records)


async def test_the_status_file_is_refused_to_a_lead_and_to_bad_or_expired_links(client, uows, content, clock):
    admin, lead, made = await announced(uows, content, clock)
    soon = clock.now() + timedelta(minutes=15)
    refused = await client.get(path(client, "csv", lead, made, soon))
    assert refused.status == 403
    expired = await client.get(path(client, "csv", admin, made, clock.now() - timedelta(seconds=1)))
    assert expired.status in (404, 410)
    swapped = path(client, "csv", admin, made, soon).replace(".csv", ".xlsx")
    assert (await client.get(swapped)).status == 404

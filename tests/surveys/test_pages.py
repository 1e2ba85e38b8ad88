"""The survey files behind signed links: the chart and the pseudonymous CSV and XLSX, for admins only (the role
is checked again on each download), each download logged without content, and no small group in a row."""

import csv
import io
import logging
from datetime import timedelta

from openpyxl import load_workbook

from bot import keys, registry
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.surveys.campaigns import survey_trigger
from dialogs.surveys.pages import file_url
from tests.fakes import teams_address
from tests.surveys.data import NOW, answer_all, person

PNG = b"\x89PNG\r\n\x1a\n"


async def answered(uows, content, count, *, site_of):
    pseudonyms = registry.messages(content, None)["surveys"].pseudonyms  # the key the app uses in this process
    async with uows() as uow:
        for n in range(1, count + 1):
            user = await person(uow, n, site=site_of(n))
            for trigger, value in (("learning_started", 2), ("learning_completed", 3)):
                await survey_trigger(uow, user_id=user.id, trigger=trigger, content=content, now=NOW)
                newest = (await uow.surveys.open_invitations(user.id, now=NOW))[0]
                await answer_all(uow, content, user, newest.id, value, pseudonyms)
        await uow.commit()


async def admin_and_staff(uows, clock):
    async with uows() as uow:
        staff = (await record_contact(uow, address=teams_address(70), now=clock.now())).user
        admin = (await record_contact(uow, address=teams_address(80), now=clock.now())).user
        await uow.users.grant_role(admin.id, Role.ADMIN, now=clock.now())
        await uow.commit()
    return admin, staff


def path(client, kind, user, expires):
    return file_url(client.app[keys.LINKS], kind, user_id=user.id, expires_at=expires).split("127.0.0.1:3978", 1)[1]


async def test_admins_download_the_chart_and_pseudonymous_responses_and_each_download_is_logged(
    client, uows, content, clock, caplog
):
    await answered(uows, content, 6, site_of=lambda n: "basildon" if n <= 5 else "southend")
    admin, staff = await admin_and_staff(uows, clock)
    soon = clock.now() + timedelta(hours=1)
    with caplog.at_level(logging.INFO, logger="dialogs.surveys.pages"):
        png = await client.get(path(client, "png", admin, soon))
        csv_response = await client.get(path(client, "csv", admin, soon))
        xlsx = await client.get(path(client, "xlsx", admin, soon))
    assert png.status == 200 and (await png.read()).startswith(PNG)
    assert csv_response.status == 200 and "attachment" in csv_response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO((await csv_response.read()).decode("utf-8-sig"))))
    assert {r["wave"] for r in rows} == {"before", "after"} and {r["item"] for r in rows} >= {
        "smart_aim",
        "lead_change",
    }
    assert len({r["respondent"] for r in rows}) == 6 and all(len(r["respondent"]) == 16 for r in rows)
    # five at Basildon are shown; the one at Southend is not (fewer than 5 in the wave)
    assert {r["site"] for r in rows} == {"basildon", "[c]"} and {r["legacy_trust"] for r in rows} == {
        "Basildon and Thurrock University Hospitals",
        "[c]",
    }
    assert not any("User " in value for r in rows for value in r.values())  # no names
    assert xlsx.status == 200
    book = load_workbook(io.BytesIO(await xlsx.read()))
    assert book["qi_self_efficacy"].max_row == 13  # a header and 12 responses (6 before, 6 after)
    downloads = [r for r in caplog.records if r.getMessage() == "survey file downloaded"]
    assert [(r.user_id, r.kind) for r in downloads] == [(admin.id, "png"), (admin.id, "csv"), (admin.id, "xlsx")]


async def test_a_download_rechecks_the_admin_role_and_the_link(client, uows, content, clock, caplog):
    admin, staff = await admin_and_staff(uows, clock)
    soon = clock.now() + timedelta(hours=1)
    with caplog.at_level(logging.INFO, logger="dialogs.surveys.pages"):
        assert (await client.get(path(client, "csv", staff, soon))).status == 403
    assert any(r.getMessage() == "survey file refused" for r in caplog.records)
    link = path(client, "csv", admin, soon)
    async with uows() as uow:
        await uow.users.revoke_role(admin.id, Role.ADMIN)
        await uow.commit()
    assert (await client.get(link)).status == 403  # no longer an admin: the old link stops working
    assert (await client.get(link.replace(".csv", ".xlsx"))).status == 404  # one link, one format
    assert (await client.get(path(client, "csv", admin, clock.now() - timedelta(seconds=1)))).status == 404
    assert (await client.get("/surveys/files/forged.csv")).status == 404

"""The event pages through the real app on SQLite: a date's calendar file, the facilitator's check-in screen and
the admins' attendee exports (the role checked again on every download, and every download logged)."""

import base64
import csv
import io
import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from sqlalchemy import select

from bot import keys
from core.events.model import RegistrationStatus
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from dialogs.events.pages import CALENDAR, CHECKIN_SCREEN, export_url
from storage.events.tables import event_export_log
from tests.events.data import add_event
from tests.fakes import teams_address


@pytest.fixture
async def world(uows, clock):
    """aad-1 is an admin (the app's configuration), user 2 a facilitator, user 3 staff with a place."""
    async with uows() as uow:
        people = [(await record_contact(uow, address=teams_address(n), now=clock.now())).user for n in (1, 2, 3)]
        for user in people:
            await uow.users.save_profile(
                user.id, site="basildon", staff_group="ahp", experience="none", now=clock.now()
            )
        await uow.users.grant_role(people[1].id, Role.FACILITATOR, now=clock.now())
        starts = clock.now() + timedelta(minutes=20)
        event_id = await add_event(
            uow, starts_at=starts, dates=2, online_url="https://teams.example/join", closes_at=starts
        )
        registration = await uow.events.add_registration(
            event_id=event_id,
            user_id=people[2].id,
            status=RegistrationStatus.CONFIRMED,
            answers={"dietary": "Vegan", "access": "Step-free", "manager_agreement": "yes"},
            now=clock.now(),
        )
        await uow.commit()
        return people, await uow.events.get_event(event_id), registration


def path(client, url: str) -> str:
    return url.split("127.0.0.1:3978", 1)[1]


async def test_each_date_has_its_own_calendar_file(client, world):
    _, event, registration = world
    links = client.app[keys.LINKS]
    second = event.dates[1]
    response = await client.get(
        path(client, links.url(CALENDAR, {"r": registration.id, "d": second.id}, expires_at=second.ends_at))
    )
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/calendar")
    [item] = Calendar.from_ical(await response.read()).walk("VEVENT")
    assert item.decoded("dtstart") == second.starts_at and item.decoded("dtend") == second.ends_at
    assert str(item["summary"]) == "QSIR Fundamentals (day 2 of 2)"
    assert str(item["uid"]) == f"event-{registration.id}-date-{second.id}@qi-companion"
    assert "https://teams.example/join" in str(item["description"])


async def test_the_check_in_screen_shows_a_qr_code_to_the_faculty_only(client, world):
    (admin, facilitator, staff), event, _ = world
    links = client.app[keys.LINKS]
    d = event.dates[0]

    def screen(user):
        return path(client, links.url(CHECKIN_SCREEN, {"u": user.id, "v": event.id, "d": d.id}, expires_at=d.ends_at))

    response = await client.get(screen(facilitator))
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/html")
    html = await response.text()
    assert "http-equiv='refresh'" in html and "QSIR Fundamentals" in html
    png = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert (await client.get(screen(staff))).status == 403
    assert (await client.get(screen(admin))).status == 200  # admins by configuration (QIBOT_ADMINS)


async def test_exports_are_for_admins_and_every_download_is_logged(client, world, sqlite_engine, clock):
    (admin, facilitator, staff), event, _ = world
    links = client.app[keys.LINKS]
    expires = clock.now() + timedelta(hours=1)
    response = await client.get(
        path(client, export_url(links, "csv", user_id=admin.id, event_id=event.id, expires_at=expires))
    )
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Name", "Site", "Staff group", "Place"] and rows[1][:7] == [
        "User 3", "Basildon University Hospital", "Allied health professionals", "booked", "Vegan", "Step-free", "yes"
    ]  # fmt: skip
    response = await client.get(
        path(client, export_url(links, "xlsx", user_id=admin.id, event_id=event.id, expires_at=expires))
    )
    sheet = load_workbook(io.BytesIO(await response.read())).active
    assert sheet["A2"].value == "User 3" and sheet["E2"].value == "Vegan"
    refused = export_url(links, "csv", user_id=facilitator.id, event_id=event.id, expires_at=expires)
    assert (await client.get(path(client, refused))).status == 403  # the role is checked again: not an admin
    forged = export_url(links, "csv", user_id=admin.id, event_id=event.id, expires_at=expires).replace(".csv", ".xlsx")
    assert (await client.get(path(client, forged))).status == 404  # a link for CSV does not give XLSX
    clock.set(expires + timedelta(seconds=1))
    late = export_url(links, "csv", user_id=admin.id, event_id=event.id, expires_at=expires)
    assert (await client.get(path(client, late))).status == 404
    async with sqlite_engine.connect() as conn:
        logged = (await conn.execute(select(event_export_log))).mappings().all()
    assert [(r["user_id"], r["event_id"], r["kind"]) for r in logged] == [
        (admin.id, event.id, "csv"),
        (admin.id, event.id, "xlsx"),
    ]

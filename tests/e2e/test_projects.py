"""End to end in the Microsoft 365 Agents Playground: register a QI project, get it approved and chart its data.

The bot's database has the demo data (`qibot demo load`: coaches at each site), and the playground user is a QI
admin (`QIBOT_ADMINS`). Onboard at Basildon, `register project`, fill the five wizard steps (Basildon's demo coach
as the coach, the better direction of each measure chosen), check the review card (with a demo project shown as
similar) and submit; open the project from `my projects`: its lead, though an admin, is not offered Approve
(nobody approves their own project). The coach approves it: as no second person can sign in to the playground,
the test posts the approval card's action as the coach (another `from`) straight to the bot's /api/messages, as
Teams would. Then add three weekly data points to the outcome measure and check the run chart image loads, with
its reading under it.
Screenshots of each step go to test-artifacts/e2e/projects-NN-step.png."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import ARTIFACTS, Chat, Playground, open_chat

pytestmark = pytest.mark.e2e

BASILDON = "Basildon University Hospital"
COACH = "Amira Shah"  # content/demo.yaml: Basildon's coach; the other sites' coaches must not be offered
COACH_TEAMS_ID = "demo-coach-basildon"  # her Teams user id in content/demo.yaml
OTHER_COACHES = ("Tom Okafor", "Priya Natarajan")
FIND_A_COACH = "Please find me a coach"
TITLE = "Fewer night-time falls on Ward 9"
PROBLEM = "Patients on Ward 9 fall at night, mostly on the way to the toilet; eight falls a month."
SIMILAR = "Fewer falls at night on Ward 7"  # a demo project at Basildon (content/demo.yaml), shown as similar
DIVISION = "Medicine and emergency care"
STRATEGIC_AIM = "Safe, high-quality care"
TEAM = "Sam Lee - ward manager\nAlex Khan - physiotherapist\nJo Bloggs - patient representative"
SPONSOR = "Dr Ruth Green, deputy chief nurse"
# The measures card has five slots, each a heading with "<slot>: name" and "<slot>: operational definition" boxes.
SLOTS = ("Outcome measure", "Process measure 1", "Process measure 2 (optional)", "Process measure 3 (optional)")
SLOTS += ("Balancing measure",)


class Measure(NamedTuple):
    slot: str
    kind: str
    name: str
    definition: str


OUTCOME = Measure(
    "Outcome measure", "outcome", "Falls at night", "Falls between 22:00 and 07:00 on Ward 9 (Datix), a week."
)
MEASURES = (
    OUTCOME,
    Measure("Process measure 1", "process", "Intentional rounding done", "Share of night rounds signed off."),
    Measure("Balancing measure", "balancing", "Night staff interruptions", "Times a night nurse is called away."),
)
VALUES = (8, 6, 5)  # falls a week, oldest first


async def test_register_approve_and_chart_a_project_in_the_playground(
    projects_playground: Playground, tmp_path: Path
) -> None:
    async with open_chat("projects-") as chat:
        await _register_approve_and_chart(chat, projects_playground, tmp_path / "e2e.db")


async def _register_approve_and_chart(chat: Chat, playground: Playground, database: Path) -> None:
    page = chat.page
    today = date.today()

    # Install and onboard at Basildon.
    await page.goto(playground.url)
    welcome = await chat.card_saying(0, "Welcome to QI Companion", "Your site")
    await chat.choose(welcome, "Your site", BASILDON)
    await chat.choose(welcome, "Your staff group", "Nursing and midwifery (registered)")
    await chat.choose(welcome, "Your QI experience", "QSIR Fundamentals")
    await welcome.get_by_role("button", name="Save and start").click()
    saved = await chat.card_saying(0, "Thanks, you are all set.", BASILDON)
    await chat.shot("onboarded", saved)

    # Step 1, the basics: the site comes from the profile.
    await chat.say("register project")
    wizard = await chat.card_saying(1, "Register a QI project · step 1 of 5", "The basics")
    await expect(wizard.get_by_role("combobox", name="Site")).to_have_value(BASILDON)
    await chat.shot("step1", wizard)
    await wizard.get_by_role("textbox", name="Title").fill(TITLE)
    await wizard.get_by_role("textbox", name=re.compile("The problem")).fill(PROBLEM)
    await chat.choose(wizard, "Division or specialty", DIVISION)
    await chat.choose(wizard, "Trust strategic aim it supports", STRATEGIC_AIM)
    await chat.shot("step1-filled", wizard)
    await wizard.get_by_role("button", name="Save and continue").click()

    # Step 2, the aim: a SMART aim with a date in the future.
    wizard = await chat.card_saying(1, "step 2 of 5", "Your aim")
    await wizard.get_by_role("textbox", name="What will improve?").fill("Reduce falls at night")
    await wizard.get_by_role("textbox", name="For whom?").fill("patients on Ward 9")
    await wizard.get_by_role("textbox", name=re.compile(r"^How much\?")).fill("from 8 to 4 a month")
    aim_by = today + timedelta(days=180)
    await wizard.get_by_label(re.compile(r"^By when\?")).fill(aim_by.isoformat())
    await chat.shot("step2-filled", wizard)
    await wizard.get_by_role("button", name="Save and continue").click()

    # Step 3, team and coach: Basildon's demo coach is in the list.
    wizard = await chat.card_saying(1, "step 3 of 5", "Team and coach")
    await wizard.get_by_role("textbox", name=re.compile("Team: one person a line")).fill(TEAM)
    await wizard.get_by_role("textbox", name=re.compile("Sponsor")).fill(SPONSOR)
    await wizard.get_by_role("combobox", name="QI coach").click()
    await expect(page.get_by_role("option", name=FIND_A_COACH)).to_be_visible()
    for other in OTHER_COACHES:
        await expect(page.get_by_role("option", name=other)).to_have_count(0)
    await chat.shot("step3-coaches", wizard)
    await page.keyboard.press("Escape")
    await chat.choose(wizard, "QI coach", COACH)
    await chat.shot("step3-filled", wizard)
    await wizard.get_by_role("button", name="Save and continue").click()

    # Step 4, measures: five slots of name and definition; the two optional process measures stay empty.
    wizard = await chat.card_saying(1, "step 4 of 5", "Measures", *SLOTS)
    # Each box is labelled with its slot ("Outcome measure: name"), so a screen reader can tell them apart.
    for slot in SLOTS:
        short = slot.replace(" (optional)", "")
        await expect(wizard.get_by_role("textbox", name=re.compile(rf"^{re.escape(short)}: name"))).to_have_count(1)
    for measure in MEASURES:
        await wizard.get_by_role("textbox", name=re.compile(rf"^{re.escape(measure.slot)}: name")).fill(measure.name)
        await wizard.get_by_role(
            "textbox", name=re.compile(rf"^{re.escape(measure.slot)}: operational definition")
        ).fill(measure.definition)
    # Which way is better is asked for each measure, never assumed: the outcome's is suggested from the aim
    # ("Reduce ..."), the others are chosen (the five slots' radios in order).
    await expect(wizard.get_by_role("radio", name="Lower is better").nth(0)).to_be_checked()
    await expect(wizard).to_contain_text("Suggested from your aim ('Reduce falls at night'): lower is better.")
    await expect(wizard.get_by_role("radio", name="Higher is better").nth(1)).not_to_be_checked()
    await wizard.get_by_role("radio", name="Higher is better").nth(1).check()  # process measure 1
    await wizard.get_by_role("radio", name="Lower is better").nth(4).check()  # fewer interruptions is better
    await chat.shot("step4-filled-top", wizard, align="start")
    await chat.shot("step4-filled-end", wizard, align="end")
    await wizard.get_by_role("button", name="Save and continue").click()

    # Step 5, QI, audit or research: three Yes/No questions; all No is quality improvement.
    wizard = await chat.card_saying(1, "step 5 of 5", "QI, audit or research?")
    await expect(wizard.get_by_role("radio", name="No")).to_have_count(3)
    for index in range(3):
        await wizard.get_by_role("radio", name="No").nth(index).check()
    await chat.shot("step5-filled", wizard)
    await wizard.get_by_role("button", name="Save and continue").click()

    # The review card: what was entered (the aim as one sentence), and "Submit for approval".
    aim = f"Reduce falls at night for patients on Ward 9 from 8 to 4 a month by {aim_by.day} {aim_by:%B %Y}"
    review = await chat.card_saying(1, "check and submit", TITLE, aim, BASILDON, DIVISION, "Alex Wilber", COACH)
    await expect(review).to_contain_text(re.compile(r"Status\s*Draft"))
    await expect(review).to_contain_text(re.compile(r"Type\s*Quality improvement"))
    for measure in MEASURES:
        await expect(review).to_contain_text(f"{measure.name} ({measure.kind})")
    await expect(review).to_contain_text(re.compile(rf"Similar projects you may want to talk to\s*{SIMILAR}"))
    await chat.shot("review", review)
    await review.get_by_role("button", name="Submit for approval").click()
    submitted = await chat.card_saying(1, "Submitted. Your coach will review it.", TITLE, "Submitted")
    await chat.shot("submitted", submitted)

    # `my projects` lists it; Open shows the project, without Approve: the lead is an admin, but nobody approves
    # their own project.
    await chat.say("my projects")
    mine = await chat.card_saying(2, "My QI projects", TITLE, "submitted")
    await chat.shot("my-projects", mine)
    await mine.get_by_role("button", name="Open").click()
    project = await chat.card_saying(2, TITLE)
    await expect(project).to_contain_text(re.compile(r"Status\s*Submitted"))
    await expect(project.get_by_role("button", name="Approve")).to_have_count(0)
    await chat.shot("project-submitted", project)

    # The coach approves it: the approval card's action, sent as her to the bot, as Teams would send it.
    approval = await page.request.post(
        f"{playground.bot_url}/api/messages",
        headers={"Content-Type": "application/json"},
        data=json.dumps(
            _card_action(playground, COACH_TEAMS_ID, COACH, "projects.approve", _project_id(database, TITLE))
        ),
    )
    assert approval.status == 200, (approval.status, await approval.text())
    replaced = json.dumps((await approval.json())["value"])
    assert "Approved; the lead has been told." in replaced and "Status" in replaced, replaced[:500]

    # The lead opens it again from `my projects`: approved, and data can be added.
    await chat.say("my projects")
    mine = await chat.card_saying(3, "My QI projects", TITLE, "approved")
    await mine.get_by_role("button", name="Open").click()
    project = await chat.card_saying(3, TITLE)
    await expect(project).to_contain_text(re.compile(r"Status\s*Approved"))
    await expect(project).to_contain_text("Good luck, keep the data weekly.")  # the coach's comment
    await expect(project.get_by_role("button", name="Add data")).to_be_visible()
    await chat.shot("approved", project)

    # Three data points for the outcome measure, on the same weekday in each of the three weeks before today.
    days = [today - timedelta(weeks=weeks_ago) for weeks_ago in (3, 2, 1)]
    for index, (on, value) in enumerate(zip(days, VALUES, strict=True)):
        await project.get_by_role("button", name="Add data").click()
        form = await chat.card_saying(3, f"Add data: {TITLE}")
        await chat.choose(form, "Measure", f"{OUTCOME.name} (outcome)")
        await form.get_by_label("Date").fill(on.isoformat())
        await form.get_by_role("spinbutton", name="Value").fill(str(value))
        if index == 0:
            await chat.shot("add-data", form)
        await form.get_by_role("button", name="Save").click()
        project = await chat.card_saying(3, "Data point saved.", TITLE)
        await expect(project).to_contain_text(re.compile(r"Status\s*Active"))  # the first data point made it active
    assert _points(database, TITLE) == [(on, float(value)) for on, value in zip(days, VALUES, strict=True)]

    # The chart: an image from the bot's /charts/ endpoint that really loaded, with its reading under it.
    chart = project.get_by_role("img", name=f"{OUTCOME.name}: chart of 3 points")
    await expect(chart).to_have_attribute("src", re.compile(rf"^{re.escape(playground.bot_url)}/charts/.+\.png$"))
    await expect(chart).to_be_visible()
    await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await chart.element_handle())
    png = await page.request.get(await chart.get_attribute("src") or "")
    assert (png.status, png.headers["content-type"]) == (200, "image/png"), (png.status, png.headers)
    (ARTIFACTS / "projects-chart.png").write_bytes(await png.body())  # to look at it at full size
    reading = project.get_by_text(re.compile(r"^Run chart \(IHI rules\): median 6\b"))
    await expect(reading).to_be_visible()
    image, words = await chart.bounding_box(), await reading.bounding_box()
    assert image and words and words["y"] >= image["y"] + image["height"], (image, words)  # under the chart
    await expect(project.get_by_role("img")).to_have_count(1)  # no chart for the measures without data
    await chat.shot("chart", project, align="start")  # taller than the chat pane: the notice, facts and chart
    await chat.shot("chart-end", project, align="end")


def _card_action(playground: Playground, teams_id: str, name: str, verb: str, project_id: int) -> dict:
    """An Adaptive Card action (adaptiveCard/action invoke) from another Teams user, in their own chat."""
    return {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "id": f"e2e-{verb}",
        "channelId": "msteams",
        "serviceUrl": playground.url.rstrip("/"),
        "from": {"id": teams_id, "name": name},
        "recipient": {"id": "e2e-bot", "name": "QI Companion"},
        "conversation": {"id": f"e2e-personal-{teams_id}", "conversationType": "personal"},
        "value": {
            "action": {
                "type": "Action.Execute",
                "verb": verb,
                "data": {"project_id": project_id, "comment": "Good luck, keep the data weekly."},
            }
        },
    }


def _project_id(database: Path, title: str) -> int:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        (found,) = db.execute("SELECT id FROM projects WHERE title = ?", (title,)).fetchone()
    return found


def _points(database: Path, title: str) -> list[tuple[date, float]]:
    """(date, value) of the data points of the project called `title`, oldest first, read straight from the bot's
    SQLite."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        rows = db.execute(
            "SELECT p.on_date, p.value FROM measure_points p JOIN project_measures m ON m.id = p.measure_id "
            "JOIN projects ON projects.id = m.project_id WHERE projects.title = ? ORDER BY p.on_date",
            (title,),
        ).fetchall()
    return [(date.fromisoformat(on), value) for on, value in rows]

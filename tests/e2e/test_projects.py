"""End to end in the Microsoft 365 Agents Playground: register a QI project, get it approved and chart its data.

The bot's database has the demo data (`qibot demo load`: coaches at each site), and the playground user is a QI
admin (`QIBOT_ADMINS`), as no coach can sign in to the playground. Onboard at Basildon, `register project`, fill
the five wizard steps (Basildon's demo coach as the coach), check the review card and submit; open the project
from `my projects` and approve it; add three weekly data points to the outcome measure and check the run chart
image loads. Screenshots of each step go to test-artifacts/e2e/projects-NN-step.png."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import Chat, Playground, open_chat

pytestmark = pytest.mark.e2e

BASILDON = "Basildon University Hospital"
COACH = "Amira Shah"  # content/demo.yaml: Basildon's coach
TITLE = "Fewer falls at night on Ward 7"
PROBLEM = "Patients on Ward 7 fall at night, mostly on the way to the toilet; eight falls a month."
DIVISION = "Medicine and emergency care"
STRATEGIC_AIM = "Safe, high-quality care"
TEAM = "Sam Lee - ward manager\nAlex Khan - physiotherapist\nJo Bloggs - patient representative"
SPONSOR = "Dr Ruth Green, deputy chief nurse"
MEASURES = {  # slot on the measures card -> (name, operational definition)
    "Outcome measure": ("Falls at night", "Falls between 22:00 and 07:00 on Ward 7 from Datix, counted weekly."),
    "Process measure 1": ("Intentional rounding done", "Share of hourly night rounds signed off on the chart."),
    "Balancing measure": ("Night staff interruptions", "Times a night nurse is called away from a task, a week."),
}
VALUES = (8, 6, 5)  # falls a week, oldest first


async def test_register_approve_and_chart_a_project_in_the_playground(projects_playground: Playground) -> None:
    async with open_chat("projects-") as chat:
        await _register_approve_and_chart(chat, projects_playground)


async def _register_approve_and_chart(chat: Chat, playground: Playground) -> None:
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
    await wizard.get_by_role("textbox", name="For whom?").fill("patients on Ward 7")
    await wizard.get_by_role("textbox", name="How much?").fill("from 8 to 4 a month")
    aim_by = today + timedelta(days=180)
    await wizard.get_by_label("By when?").fill(aim_by.isoformat())
    await chat.shot("step2-filled", wizard)
    await wizard.get_by_role("button", name="Save and continue").click()

    # Step 3, team and coach: Basildon's demo coach is in the list.
    wizard = await chat.card_saying(1, "step 3 of 5", "Team and coach")
    await wizard.get_by_role("textbox", name=re.compile("Team: one person a line")).fill(TEAM)
    await wizard.get_by_role("textbox", name=re.compile("Sponsor")).fill(SPONSOR)
    await chat.choose(wizard, "QI coach", COACH)
    await chat.shot("step3-filled", wizard)
    await wizard.get_by_role("button", name="Save and continue").click()

    # Step 4, measures: five slots of name and definition; the two optional process measures stay empty.
    wizard = await chat.card_saying(1, "step 4 of 5", "Measures", *MEASURES)
    names = wizard.get_by_role("textbox", name="Name", exact=True)
    definitions = wizard.get_by_role("textbox", name="Operational definition", exact=True)
    await expect(names).to_have_count(5)
    for slot, (name, definition) in zip((0, 1, 4), MEASURES.values(), strict=True):
        await names.nth(slot).fill(name)
        await definitions.nth(slot).fill(definition)
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

    # The review card: everything entered, and "Submit for approval".
    review = await chat.card_saying(
        1,
        "check and submit",
        TITLE,
        BASILDON,
        DIVISION,
        COACH,
        "Quality improvement",
        *(f"{name} ({kind})" for name, kind in zip([n for n, _ in MEASURES.values()], ("outcome", "process", "balancing"))),
    )
    await chat.shot("review", review)
    await review.get_by_role("button", name="Submit for approval").click()
    submitted = await chat.card_saying(1, "Submitted. Your coach will review it.", TITLE, "Submitted")
    await chat.shot("submitted", submitted)

    # `my projects` lists it; Open shows the project with Approve (the playground user is an admin).
    await chat.say("my projects")
    mine = await chat.card_saying(2, "My QI projects", TITLE, "submitted")
    await chat.shot("my-projects", mine)
    await mine.get_by_role("button", name="Open").click()
    project = await chat.card_saying(2, TITLE, "Status", "Submitted")
    await chat.shot("project-submitted", project)
    await project.get_by_role("button", name="Approve").click()
    form = await chat.card_saying(2, f"Approve: {TITLE}", PROBLEM)
    await form.get_by_role("textbox", name=re.compile("Comment for the lead")).fill("Good luck, keep the data weekly.")
    await chat.shot("approve-form", form)
    await form.get_by_role("button", name="Approve").click()
    project = await chat.card_saying(2, "Approved; the lead has been told.", TITLE, "Approved")
    await expect(project.get_by_role("button", name="Add data")).to_be_visible()
    await chat.shot("approved", project)

    # Three weekly data points for the outcome measure, all in the past.
    outcome = MEASURES["Outcome measure"][0]
    for week, value in enumerate(VALUES):
        await project.get_by_role("button", name="Add data").click()
        form = await chat.card_saying(2, f"Add data: {TITLE}")
        await chat.choose(form, "Measure", f"{outcome} (outcome)")
        on = today - timedelta(weeks=len(VALUES) - week)
        await form.get_by_label("Date").fill(on.isoformat())
        await form.get_by_role("spinbutton", name="Value").fill(str(value))
        if week == 0:
            await chat.shot("add-data", form)
        await form.get_by_role("button", name="Save").click()
        project = await chat.card_saying(2, "Data point saved.", TITLE)

    # The chart: an image from the bot's /charts/ endpoint that loaded, and its run-chart reading below it.
    chart = project.get_by_role("img", name=re.compile(f"{outcome}: chart of 3 points"))
    await expect(chart).to_have_attribute("src", re.compile(rf"^{re.escape(playground.bot_url)}/charts/.+\.png$"))
    await expect(chart).to_be_visible()
    image = await chart.element_handle()
    await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image)  # it really loaded
    natural = await chart.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    shown = await chart.bounding_box()
    print("chart natural", natural, "shown", shown)
    await expect(project).to_contain_text("Run chart (IHI rules): median 6.")
    await chat.shot("chart", project, align="end")

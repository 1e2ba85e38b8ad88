"""The dashboard page in headless Chromium at phone (390 x 844) and laptop (1366 x 768) widths, served by the
app on a random port: nothing wider than the screen, every chart drawn, the tables readable by scrolling inside
their box. Screenshots go to test-artifacts/measures/ to be looked at."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from bot import keys
from tests.measures.test_pages import path, trust_with_lead

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "measures"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
WIDTHS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}


@pytest.mark.parametrize("screen", WIDTHS)
async def test_the_dashboard_fits_a_phone_and_a_laptop(client, uows, content, clock, screen):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lead, _ = await trust_with_lead(uows, content)
    soon = clock.now() + timedelta(minutes=15)
    url = str(client.make_url(path(client, "html", lead, soon)))
    assert client.app[keys.LINKS]  # the app's own signed links
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page(viewport=WIDTHS[screen])
            response = await page.goto(url)
            assert response.status == 200
            await page.screenshot(path=ARTIFACTS / f"dashboard-{screen}.png")
            await page.screenshot(path=ARTIFACTS / f"dashboard-{screen}-full.png", full_page=True)
            width = WIDTHS[screen]["width"]
            assert await page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways page scroll
            charts = page.locator("img.chart")
            assert await charts.count() == 4
            for i in range(4):
                box = await charts.nth(i).bounding_box()
                assert box["width"] <= width and box["height"] > 100
                assert await charts.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
            headline = page.locator("#staff_trained .big")
            assert await headline.inner_text() == "14 people in Oct 2026"
            font = await headline.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
            assert font >= 16  # legible on a phone
            await page.locator("#equity").scroll_into_view_if_needed()
            await page.screenshot(path=ARTIFACTS / f"dashboard-{screen}-equity.png")
            board = await browser.new_page(viewport=WIDTHS[screen])
            await board.goto(str(client.make_url(path(client, "print", lead, soon))))
            await board.screenshot(path=ARTIFACTS / f"board-{screen}.png", full_page=True)
            await board.emulate_media(media="print")
            await board.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
            await board.screenshot(path=ARTIFACTS / f"board-{screen}-print.png")
            pdf = await board.pdf(format="A4", landscape=True, print_background=True)
            (ARTIFACTS / f"board-{screen}.pdf").write_bytes(pdf)
            assert pdf.startswith(b"%PDF")
            assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # the board summary prints on one page
        finally:
            await browser.close()

"""Fixtures and helpers for the end-to-end tests: the bot and the Microsoft 365 Agents Playground as real
processes, and headless Chromium driving the playground's Personal Chat (`Chat`, `open_chat`)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Locator, Page, async_playwright, expect

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
PLAYGROUND = ROOT / "node_modules" / ".bin" / "agentsplayground"
CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT = 60.0
TIMEOUT = 30_000  # ms, for each browser step; generous for a busy 2-core machine
BROWSER_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]


def free_ports(count: int) -> list[int]:
    """Distinct free TCP ports on 127.0.0.1 (all held open until chosen, so no duplicates)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Service:
    """A child process in its own process group, with stdout and stderr in one log file."""

    def __init__(
        self, name: str, command: list[str], env: dict[str, str], cwd: Path = ROOT, log_prefix: str = ""
    ) -> None:
        self.name = name
        self.log = ARTIFACTS / f"{log_prefix}{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def wait_until(self, ready, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():
            if self.process.poll() is not None:
                code = self.process.returncode
                pytest.fail(f"{self.name} exited ({code}) before {what}:\n{_tail(self.log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"{self.name}: no {what} within {START_TIMEOUT:.0f}s:\n{_tail(self.log)}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Terminate the whole process group (children too), killing it if it does not stop in 10 s."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
        self.process.wait()


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass(frozen=True)
class Playground:
    url: str  # the playground's page
    bot_url: str  # the bot's own base URL (http://127.0.0.1:port)


def _cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        pytest.fail(f"qibot {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


@contextmanager
def running_playground(
    tmp_path: Path,
    *,
    demo: bool = False,
    log_prefix: str = "",
    env: dict[str, str] | None = None,
    scheduler: bool = False,
) -> Iterator[Playground]:
    """Start the bot on a fresh SQLite database (with `qibot demo load` first if `demo`) and the Agents
    Playground against it, with `env` added to the bot's environment (e.g. QIBOT_ADMINS). Both are stopped
    (whole process group) on exit, pass or fail."""
    if not (shutil.which("node") and shutil.which("npx")):
        require_or_skip("Node.js (node, npx) not found")
    if not PLAYGROUND.exists():
        require_or_skip(f"{PLAYGROUND.relative_to(ROOT)} missing (run npm ci)")
    if not CHROMIUM.exists():
        require_or_skip(f"{CHROMIUM} not found")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bot_port, playground_port = free_ports(2)
    env = {
        **os.environ,
        **(env or {}),  # the caller's additions; the settings below win
        "MicrosoftAppId": "",  # development mode, whatever a local .env says
        "QIBOT_HOST": "127.0.0.1",
        "QIBOT_PORT": str(bot_port),
        "QIBOT_PUBLIC_URL": "",  # links (calendar files) point at this bot, whatever a local .env says
        "QIBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/e2e.db",
        "QIBOT_SCHEDULER": "on" if scheduler else "off",  # on: proactive messages (the outbox) are delivered
        "TEAMSAPPTESTER_BROWSER": "none",
    }
    _cli(env, "db", "upgrade")
    if demo:
        _cli(env, "demo", "load")  # demo coaches, clinic sessions for the weeks ahead, some nearly-full bookings
    bot_url = f"http://127.0.0.1:{bot_port}"
    services: list[Service] = []
    try:
        bot = Service("bot", [sys.executable, "-m", "bot.cli", "serve"], env, log_prefix=log_prefix)
        services.append(bot)
        bot.wait_until(lambda: _healthy(f"{bot_url}/healthz"), "GET /healthz 200")
        playground = Service(
            "playground",
            [
                str(PLAYGROUND),
                "-e",
                f"{bot_url}/api/messages",
                "-c",
                "msteams",
                "--dt",
                "-p",
                str(playground_port),
            ],
            env,
            cwd=ARTIFACTS,  # it writes devTools/m365agentsplayground.log into its working directory
            log_prefix=log_prefix,
        )
        services.append(playground)
        playground.wait_until(lambda: "Listening on" in playground.log.read_text(errors="replace"), '"Listening on"')
        yield Playground(url=f"http://127.0.0.1:{playground_port}/", bot_url=bot_url)
    finally:
        for service in reversed(services):
            service.stop()


@pytest.fixture
def playground_url(tmp_path) -> Iterator[str]:
    """The bot on a fresh, empty SQLite database and the Agents Playground against it: the playground's URL."""
    with running_playground(tmp_path) as playground:
        yield playground.url


@pytest.fixture
def clinics_playground(tmp_path) -> Iterator[Playground]:
    """Like `playground_url`, but the database has the demo data: coaches and clinic sessions at each site for
    the weeks ahead, the first ones nearly full. Logs go to clinics-bot.log and clinics-playground.log."""
    with running_playground(tmp_path, demo=True, log_prefix="clinics-") as playground:
        yield playground


# The AAD object id of the playground's signed-in user, "Alex Wilber" (Teams user id "user-id-0"), as the Agents
# Playground sends it in every activity's `from.aadObjectId`.
PLAYGROUND_USER_AAD_ID = "00000000-0000-0000-0000-0000000000020"


@pytest.fixture
def projects_playground(tmp_path) -> Iterator[Playground]:
    """Like `clinics_playground` (the demo data), and the playground user is a QI admin (`QIBOT_ADMINS` holds
    their AAD object id), to show that even an admin does not approve their own project. Logs go to
    projects-bot.log and projects-playground.log."""
    admins = {"QIBOT_ADMINS": PLAYGROUND_USER_AAD_ID}
    with running_playground(tmp_path, demo=True, log_prefix="projects-", env=admins) as playground:
        yield playground


# --- the browser side ------------------------------------------------------------------------------------------------


class Chat:
    """The playground's Personal Chat as a user sees it. Screenshots go to test-artifacts/e2e/{prefix}NN-name.png."""

    def __init__(self, page: Page, prefix: str = "") -> None:
        self.page = page
        self.prefix = prefix
        self.cards = page.locator(".ac-adaptiveCard")
        self.compose = page.locator('[contenteditable="true"][role="textbox"]')
        self.steps = 0

    async def as_phone(self) -> None:
        """Cards at a phone's width (about 320 px)."""
        width = f"{PHONE_CARD_PX}px !important"
        await self.page.add_style_tag(content=f".ac-adaptiveCard {{ width: {width}; max-width: {width}; }}")

    async def say(self, text: str) -> None:
        await self.compose.click()
        await self.compose.fill(text)
        await self.page.get_by_role("button", name="Send Message").click()

    async def choose(self, card: Locator, label: str, option: str) -> None:
        box = card.get_by_role("combobox", name=label)
        await box.click()
        await self.page.get_by_role("option", name=option, exact=True).click()
        await expect(box).to_have_value(option)

    async def card_saying(self, index: int, *texts: str, total: int | None = None) -> Locator:
        """Wait until there are `total` cards (default index + 1: the card at `index` is the newest) and the one
        at `index` shows all of `texts`."""
        await expect(self.cards).to_have_count(index + 1 if total is None else total)
        card = self.cards.nth(index)
        for text in texts:
            await expect(card).to_contain_text(text)
        return card

    async def shot(
        self, name: str, card: Locator | None = None, *, align: Literal["start", "end"] | None = None
    ) -> None:
        """Screenshot the page with `card` scrolled into view; for a card taller than the chat pane, `align`
        says which edge of it to line up with the pane's ("start": its top, "end": its bottom)."""
        self.steps += 1
        if card is not None and align:
            await card.evaluate("(card, block) => card.scrollIntoView({block})", align)
        elif card is not None:
            await card.scroll_into_view_if_needed()
        await self.page.screenshot(path=ARTIFACTS / f"{self.prefix}{self.steps:02d}-{name}.png")


# The Playground's own layout is not responsive (below about 1,100 px its log panel covers the chat), so "phone
# size" is the card at the width Teams gives it on a 390 px phone, about 320 px (`Chat.as_phone`), in a window
# as tall as a phone's.
PHONE = {"width": 1280, "height": 844}
PHONE_CARD_PX = 320
LAPTOP = {"width": 1280, "height": 900}


@asynccontextmanager
async def open_chat(prefix: str = "", *, viewport: dict[str, int] = LAPTOP) -> AsyncIterator[Chat]:
    """Headless Chromium on a 1280x900 page (or `viewport`), as a `Chat`. Old {prefix}NN-*.png screenshots are
    removed first; on exit, pass or fail, the last state is saved as {prefix}last.png and {prefix}page.html."""
    for old in ARTIFACTS.glob(f"{prefix}[0-9][0-9]-*.png"):
        old.unlink()
    expect.set_options(timeout=TIMEOUT)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        page = await browser.new_page(viewport=viewport)
        page.set_default_timeout(TIMEOUT)
        try:
            yield Chat(page, prefix)
        finally:  # the last state, for debugging a failure
            with suppress(PlaywrightError):
                await page.screenshot(path=ARTIFACTS / f"{prefix}last.png")
                (ARTIFACTS / f"{prefix}page.html").write_text(await page.content())
            await browser.close()

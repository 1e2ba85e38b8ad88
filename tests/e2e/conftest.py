"""Fixtures for the end-to-end test: the bot and the Microsoft 365 Agents Playground as real processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import require_or_skip

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
PLAYGROUND = ROOT / "node_modules" / ".bin" / "agentsplayground"
CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT = 60.0


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

    def __init__(self, name: str, command: list[str], env: dict[str, str], cwd: Path = ROOT) -> None:
        self.name = name
        self.log = ARTIFACTS / f"{name}.log"
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


@pytest.fixture
def playground_url(tmp_path) -> Iterator[str]:
    """Start the bot on a fresh SQLite database and the Agents Playground against it; yield the
    playground's URL. Both are stopped (whole process group) at teardown, pass or fail."""
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
        "MicrosoftAppId": "",  # development mode, whatever a local .env says
        "QIBOT_HOST": "127.0.0.1",
        "QIBOT_PORT": str(bot_port),
        "QIBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/e2e.db",
        "QIBOT_SCHEDULER": "off",
        "TEAMSAPPTESTER_BROWSER": "none",
    }
    upgrade = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if upgrade.returncode:
        pytest.fail(f"qibot db upgrade failed:\n{upgrade.stdout}{upgrade.stderr}")
    services: list[Service] = []
    try:
        bot = Service("bot", [sys.executable, "-m", "bot.cli", "serve"], env)
        services.append(bot)
        bot.wait_until(lambda: _healthy(f"http://127.0.0.1:{bot_port}/healthz"), "GET /healthz 200")
        playground = Service(
            "playground",
            [
                str(PLAYGROUND),
                "-e",
                f"http://127.0.0.1:{bot_port}/api/messages",
                "-c",
                "msteams",
                "--dt",
                "-p",
                str(playground_port),
            ],
            env,
            cwd=ARTIFACTS,  # it writes devTools/m365agentsplayground.log into its working directory
        )
        services.append(playground)
        playground.wait_until(lambda: "Listening on" in playground.log.read_text(errors="replace"), '"Listening on"')
        yield f"http://127.0.0.1:{playground_port}/"
    finally:
        for service in reversed(services):
            service.stop()

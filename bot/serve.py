"""Running the bot: `qibot serve` (after checking the database is migrated) and `qibot dev` (what `make run`
does: migrate, load the demo data, start the Agents Playground beside the bot, stop both on Ctrl-C)."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from aiohttp import web

from bot.config import Config

log = logging.getLogger("qibot")
ROOT = Path(__file__).resolve().parent.parent
PLAYGROUND_PORT = 56150


GC_THRESHOLD = (10_000, 10, 10)  # CPython's default is (700, 10, 10)


async def settle_heap(_app: web.Application | None = None) -> None:
    """Once started, the modules, content, SDK and SQLAlchemy objects (about 240,000) live as long as the process.
    Frozen, the collector stops re-scanning them in each full collection (about 150 ms of CPU every ~700 turns,
    a stall for every turn in flight); only objects alive now are frozen, later garbage is collected as before.
    A turn leaves a few hundred objects for the collector (requests sessions, coroutines, SQLAlchemy results): with
    the default threshold each turn or two triggers a young collection, and those promote the objects of the turns
    still in flight. A young generation of 10,000 is collected every ~25 turns instead, for a few MB at most."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def _serve(config: Config) -> None:
    from bot.app import create_app

    app = create_app(config)
    app.on_startup.append(settle_heap)  # the serving process only: a test process would keep its garbage
    web.run_app(app, host=config.host, port=config.port, print=None, access_log=None, handle_signals=True)


def cmd_serve(config: Config, _args) -> int:
    from bot.cli import _with_engine  # noqa: PLC0415 (the CLI imports this module)
    from storage.migrate import current_revision, head_revision

    try:
        current = asyncio.run(_with_engine(config, current_revision))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database stops the start the same way
        print(f"qibot: cannot reach the database ({type(exc).__name__}); check QIBOT_DATABASE_URL", file=sys.stderr)
        return 1
    if current != head_revision():
        print(
            f"qibot: the database is at migration {current or 'none'} and this version needs {head_revision()}: "
            "run `qibot db upgrade` first",
            file=sys.stderr,
        )
        return 1
    log.info("QI Companion starting on http://%s:%s/api/messages", config.host, config.port)
    _serve(config)
    return 0


def _start_playground(config: Config) -> subprocess.Popen | None:
    npx = shutil.which("npx")
    if npx is None:
        print("npx not found: not starting the Microsoft 365 Agents Playground (install Node.js to get it)")
        return None
    local = ROOT / "node_modules" / ".bin" / "agentsplayground"
    command = [str(local)] if local.exists() else [npx, "--yes", "@microsoft/m365agentsplayground"]
    command += [
        "-e",
        f"http://{config.host}:{config.port}/api/messages",
        "-c",
        "msteams",
        "--dt",
        "-p",
        str(PLAYGROUND_PORT),
    ]
    env = {**os.environ, "TEAMSAPPTESTER_BROWSER": "none"}
    # It writes devTools/m365agentsplayground.log into its working directory: keep that out of the clone.
    workdir = ROOT / "var"
    workdir.mkdir(exist_ok=True)
    process = subprocess.Popen(
        command,
        env=env,
        cwd=workdir,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent,
    )
    print(f"Microsoft 365 Agents Playground: http://localhost:{PLAYGROUND_PORT} (Teams emulator, headless)")
    return process


def _die_with_parent() -> None:
    """Linux: the playground gets SIGTERM if this process dies without cleaning up (even on SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except OSError:
        pass


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def cmd_dev(config: Config, args) -> int:
    from bot.cli import cmd_db_upgrade, cmd_demo_load  # noqa: PLC0415 (the CLI imports this module)

    cmd_db_upgrade(config, args)
    cmd_demo_load(config, args)
    playground = _start_playground(config)
    print(f"QI Companion: http://{config.host}:{config.port}/api/messages (development mode). Ctrl-C stops.")
    # A closed terminal (SIGHUP) shuts down like Ctrl-C, so the playground is stopped too.
    signal.signal(signal.SIGHUP, lambda *_: os.kill(os.getpid(), signal.SIGTERM))
    try:
        _serve(config)
    finally:
        _stop(playground)
    return 0

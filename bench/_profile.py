"""Read a server's cProfile stats (bench/turns.py --profile) as figures per turn: where the CPU goes."""

from __future__ import annotations

import pstats
import signal
import time
from pathlib import Path

# (label, file suffix, function name): the costs issue 16 names, and the steps of a turn around them.
KNOWN = [
    ("whole request (aiohttp handler)", "aiohttp/web_protocol.py", "_handle_request"),
    ("our /api/messages handler", "bot/http.py", "messages"),
    ("echo bot: CloudAdapter.process", "botbuilder/integration/aiohttp/cloud_adapter.py", "process"),
    ("Activity().deserialize (inbound)", "msrest/serialization.py", "__call__"),
    ("CloudAdapter.process_activity", "botbuilder/core/cloud_adapter_base.py", "process_activity"),
    ("QiBot.on_turn", "bot/teams.py", "on_turn"),
    ("record the contact", "core/kernel/contacts.py", "record_contact"),
    ("router.route (the dialog)", "dialogs/kit/router.py", "route"),
    ("TurnContext.send_activities", "botbuilder/core/turn_context.py", "send_activities"),
    ("copy.deepcopy", "copy.py", "deepcopy"),
    ("msrest Serializer.body (outbound)", "msrest/serialization.py", "body"),
    ("msrest serialize_object (card walk)", "msrest/serialization.py", "serialize_object"),
    ("msrest Serializer._serialize", "msrest/serialization.py", "_serialize"),
    ("ConnectorClient construction", "botframework/connector/connector_client.py", "__init__"),
    ("HTTP send to the connector", "msrest/async_client.py", "async_send"),
    ("unit of work commit", "storage/uow.py", "commit"),
    ("SQL execute (all statements)", "sqlalchemy/ext/asyncio/engine.py", "execute"),
]


def _entries(stats: pstats.Stats):
    for (filename, _line, name), (primitive, calls, tottime, cumtime, _callers) in stats.stats.items():
        yield filename, name, primitive, calls, tottime, cumtime


def summary(path: Path, *, turns: int, top: int = 20) -> str:
    stats = pstats.Stats(str(path))
    entries = list(_entries(stats))
    total = sum(e[4] for e in entries)
    lines = [
        f"profile {path.name}: {total / turns * 1000:.2f} ms of profiled CPU per turn over {turns} turns "
        "(cProfile adds overhead to every call; compare shares, not absolute figures, with the bench)"
    ]
    lines.append("  known steps (cumulative ms per turn, calls per turn):")
    for label, suffix, name in KNOWN:
        found = [e for e in entries if e[0].endswith(suffix) and e[1] == name]
        if not found:
            continue
        cum = sum(e[5] for e in found)
        calls = sum(e[3] for e in found)
        lines.append(f"    {label:40s} {cum / turns * 1000:7.2f} ms  {calls / turns:7.1f} calls")
    lines.append(f"  top {top} functions by own time (ms per turn, calls per turn):")
    for filename, name, _primitive, calls, tottime, _cum in sorted(entries, key=lambda e: -e[4])[:top]:
        short = "/".join(Path(filename).parts[-2:]) if "/" in filename else filename
        lines.append(f"    {tottime / turns * 1000:6.3f} ms {calls / turns:7.1f}  {short}:{name}")
    return "\n".join(lines)


def profile_on_signals(loop, path: str) -> None:
    """SIGUSR1 starts cProfile in this server process, SIGUSR2 stops it and writes the stats to `path`. It times
    the event loop's thread in CPU time (not wall time, which a busy machine inflates at random); the aiosqlite
    and executor threads are not profiled."""
    import cProfile

    profiler = cProfile.Profile(time.thread_time)

    def stop() -> None:
        profiler.disable()
        profiler.dump_stats(path)

    loop.add_signal_handler(signal.SIGUSR1, profiler.enable)
    loop.add_signal_handler(signal.SIGUSR2, stop)

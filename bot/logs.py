"""Structured logging: one JSON object a line in production, with a correlation id per activity.

Logs hold no personal data and stay small, whatever a request carries:
- an exception is written as its type and where it was raised (file, line, function), never its message, which
  can quote a request's text, a name or a database row;
- the message is cut at MAX_MESSAGE characters, each extra value at MAX_VALUE, and a whole line at MAX_LINE, so a
  request cannot write megabytes of log;
- the text format escapes line breaks, so nothing can forge a second log line.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import traceback
from datetime import UTC, datetime

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="-")

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

MAX_MESSAGE = 500
MAX_VALUE = 200
MAX_LINE = 2048
MAX_FRAMES = 12


def _cut(value: object, limit: int) -> str:
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string must not lose the line
        message = str(record.msg)
    return _cut(message, MAX_MESSAGE)


def _extras(record: logging.LogRecord) -> dict[str, str | int | float | bool | None]:
    extras: dict[str, str | int | float | bool | None] = {}
    for key, value in vars(record).items():
        if key in _STANDARD or key.startswith("_"):
            continue
        if value is None or isinstance(value, bool | int | float):
            extras[_cut(key, 40)] = value
        else:
            extras[_cut(key, 40)] = _cut(value, MAX_VALUE)
    return extras


def describe_exception(exc_info) -> str:
    """`RuntimeError at dialogs/router.py:120 in route <- bot/teams.py:90 in _dialog_turn ...`: the types of the
    exception and its causes, and the innermost frames; never the messages."""
    _, exc, _ = exc_info
    parts: list[str] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen and len(parts) < 4:
        seen.add(id(exc))
        frames = traceback.extract_tb(exc.__traceback__)[-MAX_FRAMES:]
        where = " <- ".join(f"{_short_path(f.filename)}:{f.lineno} in {f.name}" for f in reversed(frames))
        parts.append(f"{type(exc).__module__}.{type(exc).__qualname__}" + (f" at {where}" if where else ""))
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return " | caused by ".join(parts)


def _short_path(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    return "/".join(parts[-2:])


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": _cut(record.name, 80),
            "msg": _message(record),
            "correlation_id": _cut(correlation_id.get(), 64),
        }
        entry.update({k: v for k, v in _extras(record).items() if k not in entry})
        if record.exc_info:
            entry["exc"] = describe_exception(record.exc_info)
        line = json.dumps(entry, default=str)
        for _ in range(8):  # still one valid JSON object: shorten the longest field and try again
            if len(line) <= MAX_LINE:
                return line
            longest = max((k for k in entry if isinstance(entry[k], str) and k != "ts"), key=lambda k: len(entry[k]))
            value = entry[longest]
            entry[longest] = _cut(value, max(16, len(value) - (len(line) - MAX_LINE) - 16))
            line = json.dumps(entry, default=str)
        if len(line) <= MAX_LINE:
            return line
        keep = ("ts", "level", "logger", "msg", "correlation_id")
        return json.dumps({**{k: entry[k] for k in keep}, "msg": _cut(entry["msg"], 200), "truncated": True})


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = (
            f"{datetime.now():%H:%M:%S} {record.levelname:<7} [{_cut(correlation_id.get(), 64)}] "
            f"{_cut(record.name, 80)}: {_message(record)}"
        )
        extra = _extras(record)
        if extra:
            line += " " + " ".join(f"{k}={v}" for k, v in extra.items())
        if record.exc_info:
            line += " exc=" + describe_exception(record.exc_info)
        line = line.replace("\r", "\\r").replace("\n", "\\n")
        line = line.encode("utf-8", "backslashreplace").decode("utf-8")  # a lone surrogate cannot break the stream
        return _cut(line, MAX_LINE)


def configure_logging(fmt: str = "text", level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in (
        "aiohttp.access",
        "msrest",
        "apscheduler.executors.default",
        "sqlalchemy.engine",
        "alembic",
        "apscheduler.scheduler",
        "aiosqlite",
        "asyncio",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)

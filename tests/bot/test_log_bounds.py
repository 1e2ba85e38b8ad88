"""Log lines carry no exception messages (they can quote a person's text) and stay small, whatever is logged."""

import json
import logging
import sys

import pytest

from bot.logs import MAX_LINE, JsonFormatter, TextFormatter

SECRET = "Zebulon Markerface said MARKER-7f3a"


def _record(msg="turn failed", *args, exc=False, **extra) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            try:
                int(SECRET)
            except ValueError as inner:
                raise RuntimeError(f"while reading {SECRET}") from inner
        except RuntimeError:
            exc_info = sys.exc_info()
    record = logging.LogRecord("bot.teams", logging.ERROR, __file__, 10, msg, args or None, exc_info)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()], ids=["json", "text"])
def test_an_exception_is_its_types_and_places_never_its_message(formatter):
    line = formatter.format(_record(exc=True))
    assert SECRET not in line and "Markerface" not in line
    assert "builtins.RuntimeError at bot/test_log_bounds.py:" in line and "in _record" in line
    assert "caused by builtins.ValueError" in line
    assert "\n" not in line


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()], ids=["json", "text"])
@pytest.mark.parametrize(
    "record",
    [
        _record("x" * 1_000_000),
        _record("%s", "y" * 1_000_000),
        _record("ok", text="z" * 1_000_000, other=["w" * 100_000]),
        _record("ok", **{f"k{i}": "v" * 150 for i in range(300)}),
        _record("ok", exc=True, detail="d" * 5000),
    ],
    ids=["message", "args", "extras", "many extras", "exception"],
)
def test_lines_are_bounded_and_json_stays_json(formatter, record):
    line = formatter.format(record)
    assert len(line) <= MAX_LINE
    if isinstance(formatter, JsonFormatter):
        entry = json.loads(line)
        assert entry["level"] == "ERROR" and entry["logger"] == "bot.teams"


def test_text_lines_cannot_forge_a_second_line_or_break_on_a_lone_surrogate():
    line = TextFormatter().format(_record("user said %s", "hi\nERROR fake line\r\ud800"))
    assert "\n" not in line and "\r" not in line
    line.encode("utf-8")  # would raise on a lone surrogate
    assert "hi\\nERROR fake line" in line


def test_json_lines_escape_a_lone_surrogate():
    line = JsonFormatter().format(_record("bad %s", "\ud800"))
    line.encode("utf-8")
    assert json.loads(line)["msg"] == "bad \ud800"

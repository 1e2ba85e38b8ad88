"""Production logs: one JSON object a line, with the activity's correlation id and no stack trace to users."""

import json
import logging

from bot.logs import JsonFormatter, correlation_id


def test_json_lines_carry_the_correlation_id_and_extras():
    record = logging.LogRecord("bot.http", logging.WARNING, __file__, 1, "tenant not allowed", None, None)
    record.tenant = "t-1"
    token = correlation_id.set("1700000000123")
    try:
        line = JsonFormatter().format(record)
    finally:
        correlation_id.reset(token)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["msg"] == "tenant not allowed" and entry["level"] == "WARNING"
    assert entry["correlation_id"] == "1700000000123" and entry["tenant"] == "t-1"

"""Fixtures of the project tests: the app over SQLite for the pages behind signed links (charts, summary, exports)."""

from tests.bot.conftest import client, settings, uows  # noqa: F401  (the same app fixtures as the HTTP tests)

"""The bot starts without the heavy libraries (matplotlib, scipy, openpyxl: about 175 MB of the 250 MB memory
target, issue 16): each is loaded where a chart, a statistic or an XLSX is first made."""

import subprocess
import sys

HEAVY = ("matplotlib", "scipy", "openpyxl")

START = """
import sys
from bot.app import create_app
from bot.config import Config
from storage.db import create_engine

url = "sqlite+aiosqlite:///{path}"
create_app(Config(database_url=url, scheduler_enabled=False), engine=create_engine(url))
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""


def test_the_composed_app_loads_no_chart_statistics_or_spreadsheet_library(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", START.format(heavy=HEAVY, path=tmp_path / "bot.db")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1:] in ([""], []), done.stdout

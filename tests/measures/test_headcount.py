"""`qibot headcount import FILE.csv`: counts by month, site and staff group, checked whole; a bad line is named
and refuses the file, so nothing changes."""

import asyncio
import logging
from datetime import date

import pytest

from bot import registry
from bot.cli import main
from core.measures.headcount import HeadcountFileError, import_headcount, parse_headcount
from storage.db import create_engine
from tests.measures.data import HEADCOUNT_CSV, NOW

GOOD = HEADCOUNT_CSV


def test_ids_and_labels_are_read(content):
    rows = parse_headcount(GOOD, content.organisation)
    assert len(rows) == 5
    assert rows[3].site == "broomfield" and rows[3].staff_group == "ahp" and rows[3].month == date(2026, 10, 1)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("month,site,headcount\n2026-10,southend,4\n", "line 1: missing column 'staff_group'"),
        ("month,site,staff_group,headcount,name\n2026-10,southend,ahp,4,Ann\n", "line 1: unexpected column 'name'"),
        (GOOD + "2026-11,southend,ahp,-3\n", "line 7: headcount -3 is negative"),
        (GOOD + "2026-11,harlow,ahp,3\n", "line 7: unknown site 'harlow'"),
        (GOOD + "2026-11,southend,porters,3\n", "line 7: unknown staff group 'porters'"),
        (GOOD + "2026-10,southend,nursing_midwifery,41\n", "line 7: duplicates line 2"),
        (GOOD + "Oct 2026,southend,ahp,3\n", "line 7: month 'Oct 2026' is not YYYY-MM"),
        (GOOD + "2026-11,southend,ahp,three\n", "line 7: headcount 'three' is not a whole number"),
        (GOOD + "2026-11,southend\n", "line 7: 2 values where the header has 4"),
        ("month,site,staff_group,headcount\n", "no rows"),
    ],
)
def test_a_bad_file_names_its_line(content, text, says):
    with pytest.raises(HeadcountFileError) as refused:
        parse_headcount(text, content.organisation)
    assert says in refused.value.message
    assert refused.value.message.startswith("The headcount file was not imported; nothing changed.")


async def test_a_refused_file_changes_nothing_and_a_new_extract_replaces_its_months(uow, content):
    await import_headcount(uow, text=GOOD, content=content, now=NOW)
    before = await uow.measures.latest_headcount(on_or_before=date(2026, 12, 1))
    with pytest.raises(HeadcountFileError):
        await import_headcount(uow, text=GOOD.replace("40", "-40"), content=content, now=NOW)
    assert await uow.measures.latest_headcount(on_or_before=date(2026, 12, 1)) == before
    summary = await import_headcount(
        uow, text="month,site,staff_group,headcount\n2026-10,southend,ahp,7\n", content=content, now=NOW
    )
    assert summary.rows == 1 and summary.staff == 7
    assert (await uow.measures.latest_headcount(on_or_before=date(2026, 12, 1)))[1] == {("southend", "ahp"): 7}


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QIBOT_DATABASE_URL", url)
    for name in ("MicrosoftAppId", "QIBOT_HOST"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield url
    root.handlers[:] = handlers
    root.setLevel(level)


def stored(url):
    async def work():
        engine = create_engine(url)
        try:
            async with registry.uow_factory(engine)() as uow:
                return await uow.measures.latest_headcount(on_or_before=date(2030, 1, 1))
        finally:
            await engine.dispose()

    return asyncio.run(work())


def test_the_cli_imports_a_good_file_and_refuses_a_bad_one_whole(cli_db, tmp_path, capsys):
    assert main(["db", "upgrade"]) == 0
    good = tmp_path / "headcount.csv"
    good.write_text(GOOD)
    capsys.readouterr()
    assert main(["headcount", "import", str(good)]) == 0
    assert "headcount imported: 5 rows for 2026-10; 200 staff in 2026-10" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD.replace("2026-10", "2026-11") + "2026-11,southend,ahp,-1\n2026-11,nowhere,ahp,2\n")
    assert main(["headcount", "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "line 7: headcount -1 is negative" in err and "line 8: unknown site 'nowhere'" in err
    month, counts = stored(cli_db)
    assert month == date(2026, 10, 1) and sum(counts.values()) == 200  # the good rows of the bad file were not kept
    assert main(["headcount", "import", str(tmp_path / "missing.csv")]) == 1
    assert "cannot read" in capsys.readouterr().err

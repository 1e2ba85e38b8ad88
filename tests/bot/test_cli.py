"""`qibot` as an operator uses it: migrate, load demo data twice, grant and revoke roles."""

import asyncio

import pytest

from bot import registry
from bot.cli import main
from core.kernel.model import Role
from storage.db import create_engine


async def roles_of(url, teams_id):
    engine = create_engine(url)
    try:
        async with registry.uow_factory(engine)() as uow:
            return (await uow.users.by_teams_id(teams_id)).roles
    finally:
        await engine.dispose()


def run(argv):
    return main(argv)


async def test_upgrade_demo_and_roles(cli_db, capsys):
    # main() runs its own event loop (asyncio.run), so it runs in a thread here.
    assert await asyncio.to_thread(run, ["db", "upgrade"]) == 0
    assert await asyncio.to_thread(run, ["demo", "load"]) == 0
    assert await asyncio.to_thread(run, ["demo", "load"]) == 0
    out = capsys.readouterr().out
    assert "demo data loaded (12 new people)" in out and "demo data loaded (0 new people)" in out
    assert await roles_of(cli_db, "demo-coach-basildon") == {Role.STAFF, Role.COACH}

    assert await asyncio.to_thread(run, ["roles", "grant", "demo-coach-basildon", "admin"]) == 0
    assert await roles_of(cli_db, "demo-coach-basildon") == {Role.STAFF, Role.COACH, Role.ADMIN}
    assert await asyncio.to_thread(run, ["roles", "revoke", "demo-coach-basildon", "coach"]) == 0
    assert await roles_of(cli_db, "demo-coach-basildon") == {Role.STAFF, Role.ADMIN}

    assert await asyncio.to_thread(run, ["roles", "grant", "nobody-here", "coach"]) == 1
    assert await asyncio.to_thread(run, ["roles", "grant", "demo-admin", "overlord"]) == 1
    err = capsys.readouterr().err
    assert "No user 'nobody-here'" in err and "Unknown role 'overlord'" in err


def test_bad_configuration_is_a_clear_message_not_a_trace(cli_db, monkeypatch, capsys):
    monkeypatch.setenv("QIBOT_HOST", "0.0.0.0")
    with pytest.raises(SystemExit) as exit_:
        main(["db", "upgrade"])
    assert exit_.value.code == 2
    assert "configuration problem" in capsys.readouterr().err


async def test_learning_report_prints_questions_and_completions(cli_db, capsys):
    assert await asyncio.to_thread(run, ["db", "upgrade"]) == 0
    assert await asyncio.to_thread(run, ["learning", "report"]) == 0
    out = capsys.readouterr().out
    assert "Questions (share answered correctly, answers, people):" in out
    assert "mfi-q1" in out or "Most missed" in out
    assert "QI foundations completed, by site:" in out and "[c] hidden: fewer than 5 people" in out


async def test_projects_report_writes_exports(cli_db, capsys, tmp_path):
    assert await asyncio.to_thread(run, ["db", "upgrade"]) == 0
    out_csv, out_xlsx = tmp_path / "p.csv", tmp_path / "p.xlsx"
    assert await asyncio.to_thread(run, ["projects", "report", "--csv", str(out_csv), "--xlsx", str(out_xlsx)]) == 0
    assert "QI projects registered per month:" in capsys.readouterr().out
    assert out_csv.read_bytes().startswith(
        b"\xef\xbb\xbfProject number,Title,Site"
    ) and out_xlsx.read_bytes().startswith(b"PK")


def test_serve_refuses_a_database_that_is_not_migrated_and_says_what_to_run(cli_db, capsys, monkeypatch):
    from bot import serve

    served = []
    monkeypatch.setattr(serve, "_serve", served.append)
    assert run(["serve"]) == 1
    assert "run `qibot db upgrade` first" in capsys.readouterr().err and served == []
    assert run(["db", "upgrade"]) == 0
    assert run(["serve"]) == 0 and len(served) == 1


def test_ctrl_c_during_start_up_ends_with_one_line_and_no_traceback(cli_db, capsys, monkeypatch):
    from bot import serve

    def interrupted(_config):
        raise KeyboardInterrupt

    assert run(["db", "upgrade"]) == 0
    monkeypatch.setattr(serve, "_serve", interrupted)
    assert run(["serve"]) == 130
    err = capsys.readouterr().err
    assert err.strip().endswith("qibot: stopped") and "Traceback" not in err

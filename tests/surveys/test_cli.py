"""`qibot surveys trigger` and `qibot surveys tick`, as an operator (or a test of the whole bot) uses them."""

import asyncio
from datetime import UTC, datetime

from bot import registry
from bot.cli import main
from storage.db import create_engine
from tests.surveys.data import person


async def in_db(url, work):
    engine = create_engine(url)
    try:
        async with registry.uow_factory(engine)() as uow:
            result = await work(uow)
            await uow.commit()
            return result
    finally:
        await engine.dispose()


def test_trigger_invites_once_and_tick_sends(cli_db, capsys):
    assert main(["db", "upgrade"]) == 0
    user = asyncio.run(in_db(cli_db, lambda uow: person(uow, 1)))
    capsys.readouterr()
    assert main(["surveys", "trigger", "aad-1", "learning_started"]) == 0
    assert "invited by learning_before" in capsys.readouterr().out
    assert main(["surveys", "trigger", "aad-1", "learning_started"]) == 0
    assert "nothing new" in capsys.readouterr().out
    assert main(["surveys", "trigger", "aad-1", "graduation"]) == 1
    assert "Unknown trigger 'graduation'" in capsys.readouterr().err
    assert main(["surveys", "trigger", "nobody", "learning_started"]) == 1
    assert main(["surveys", "tick"]) == 0
    assert "surveys.invitations: 1" in capsys.readouterr().out

    async def sent(uow):
        return [i.sent_at for i in await uow.surveys.open_invitations(user.id, now=datetime.now(UTC))]

    times = asyncio.run(in_db(cli_db, sent))
    assert len(times) == 1 and times[0] is not None

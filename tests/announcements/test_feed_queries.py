"""A tick hands a slice of N copies to the nudge gate in a fixed number of statements, not several per copy: on
SQLite, with one connection, the dispatcher waits for as long as the tick holds it (README, "Announcements at
scale"). Counted at the driver, on both databases, for the same announcement to 6 and to 150 people."""

import pytest
from sqlalchemy import event

from bot import registry
from core.announcements.compose import save_draft
from core.announcements.delivery import deliver_announcements
from core.announcements.sending import send_announcement
from core.kernel.model import Preferences
from tests.announcements.data import NOW, draft, staff
from tests.conftest import make_engine
from tests.dialogs.harness import FakeLinks


async def statements_of_the_first_tick(kind: str, tmp_path, content, people: int) -> tuple[int, dict[str, int]]:
    """An announcement to everyone: the author and `people` staff (one opted out of news, one without the app),
    sent; the statements its first tick runs, and the progress counts after it."""
    tmp_path.mkdir()
    engine, cleanup = await make_engine(kind, tmp_path)
    try:
        uows = registry.uow_factory(engine)
        async with uows() as uow:
            author = await staff(uow, 1, roles=["admin"])
            for n in range(2, 2 + people):
                await staff(uow, n, installed=n != 3)
            await uow.preferences.save(
                Preferences(user_id=(await staff(uow, 2)).id, opted_out=frozenset({"news"})), now=NOW
            )
            made = await save_draft(uow, content, author=author, form_token="f", draft=draft(), now=NOW)
            await send_announcement(
                uow,
                content,
                user=author,
                announcement_id=made,
                conversation_id="a:conv-1",
                card_activity="act",
                now=NOW,
            )
            await uow.commit()
        count = 0

        def counted(*_):
            nonlocal count
            count += 1

        messages = registry.messages(content, FakeLinks())["announcements"]
        event.listen(engine.sync_engine, "before_cursor_execute", counted)
        async with uows() as uow:
            report = await deliver_announcements(uow, content=content, messages=messages, now=NOW)
            await uow.commit()
        event.remove(engine.sync_engine, "before_cursor_execute", counted)
        async with uows() as uow:
            progress = await uow.announcements.progress(made)
        assert report["queued"] == people - 1
        return count, progress
    finally:
        await cleanup()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_a_slice_of_copies_costs_the_same_statements_whatever_its_size(kind, tmp_path, content):
    small, small_progress = await statements_of_the_first_tick(kind, tmp_path / "small", content, 6)
    large, large_progress = await statements_of_the_first_tick(kind, tmp_path / "large", content, 150)
    assert small_progress == {"queued": 5, "opted_out": 1, "not_installed": 1}
    assert large_progress == {"queued": 149, "opted_out": 1, "not_installed": 1}
    assert large == small, f"{small} statements for 6 copies, {large} for 150"
    assert large <= 30

"""`qibot serve` freezes the heap it has once started and collects young objects less often (issue 16: full
collections re-scanned ~240,000 start-up objects, ~150 ms of CPU every few hundred turns), and only the serving
process does."""

from __future__ import annotations

import gc

from aiohttp import web

from bot import serve
from bot.config import Config


def test_serve_freezes_the_heap_once_the_app_has_started(monkeypatch, tmp_path):
    started = []
    monkeypatch.setattr(web, "run_app", lambda app, **_kw: started.append(app))
    serve._serve(Config(database_url=f"sqlite+aiosqlite:///{tmp_path}/q.db", scheduler_enabled=False))
    (app,) = started
    assert app.on_startup[-1] is serve.settle_heap  # after the app's own start-up (the scheduler)


async def test_freezing_keeps_what_is_alive_and_collects_later_garbage():
    alive = {"kept": [1, 2]}
    threshold = gc.get_threshold()
    try:
        await serve.settle_heap()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == serve.GC_THRESHOLD
        cycle: list = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1  # a cycle made after the freeze is still collected
        assert alive == {"kept": [1, 2]}
    finally:
        gc.unfreeze()  # this test process must not keep its garbage
        gc.set_threshold(*threshold)

"""content/forum.yaml and content/faq.yaml: checked at start-up, a broken file names the file and problem; the
England and Wales bank holidays for 2026-2027; the manifest asks for the channel-message consent; and the
`qibot forum faq-import / faq-export` commands."""

import asyncio
import json
import logging
import shutil
import zipfile
from datetime import date

import pytest

from bot import registry
from bot.cli import main
from manifest.build import build_package
from storage.content import DEFAULT_CONTENT_DIR, ContentError
from storage.db import create_engine
from storage.forum.content import read_faq_file


def test_the_forum_content(content):
    forum = content.forum
    assert [t.id for t in forum.topics][:3] == ["aims", "measurement", "pdsa"]
    assert (forum.answer_within, forum.then_everyone_after, forum.question_characters) == (2, 1, 1000)
    assert date(2026, 12, 28) in forum.bank_holidays and date(2027, 3, 29) in forum.bank_holidays
    assert len([d for d in forum.bank_holidays if d.year == 2026]) == 8
    assert all(d.weekday() < 5 for d in forum.bank_holidays), "substitute days are weekdays"
    assert len(read_faq_file(DEFAULT_CONTENT_DIR / "faq.yaml")) >= 8


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


@pytest.mark.parametrize(
    ("file", "old", "new", "problem"),
    [
        ("forum.yaml", '  - "2026-01-01"', '  - "2026-02-30"', "bank_holidays/0: '2026-02-30' is not a date"),
        ("forum.yaml", "answer_within: 2", "answer_within: 0", "sla/answer_within"),
        ("faq.yaml", "topic: measurement", "topic: gossip", "unknown topic 'gossip'"),
        ("faq.yaml", "slug: smart-aim", "slug: run-chart-or-spc", "duplicate slug 'run-chart-or-spc'"),
    ],
)
def test_a_broken_file_stops_start_up_with_the_problem(content_copy, file, old, new, problem):
    path = content_copy / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as error:
        registry.load_content(content_copy)
    assert file in str(error.value) and problem in str(error.value)


def test_the_manifest_asks_for_channel_messages_without_a_mention(tmp_path):
    env = {
        "QIBOT_TEAMS_APP_ID": "6f4a2c1e-1b2d-4e8f-9a0b-1c2d3e4f5a6b",
        "MicrosoftAppId": "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a",
        "QIBOT_PUBLIC_HOST": "qibot.example.nhs.uk",
    }
    manifest = json.loads(zipfile.ZipFile(build_package(env, tmp_path / "app.zip")).read("manifest.json"))
    assert {"name": "ChannelMessage.Read.Group", "type": "Application"} in manifest["authorization"]["permissions"][
        "resourceSpecific"
    ]
    assert manifest["webApplicationInfo"]["id"] == env["MicrosoftAppId"]
    assert "team" in manifest["bots"][0]["scopes"]


@pytest.fixture
def keep_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_faq_import_and_export_from_the_command_line(tmp_path, monkeypatch, capsys, keep_logging):
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QIBOT_DATABASE_URL", url)
    monkeypatch.delenv("MicrosoftAppId", raising=False)
    assert main(["db", "upgrade"]) == 0
    seed = DEFAULT_CONTENT_DIR / "faq.yaml"
    assert main(["forum", "faq-import", str(seed)]) == 0
    assert main(["forum", "faq-import", str(seed)]) == 0
    out = tmp_path / "exported.yaml"
    assert main(["forum", "faq-export", str(out)]) == 0
    printed = capsys.readouterr().out
    count = len(read_faq_file(seed))
    assert f"{count} added, 0 updated" in printed and f"0 added, {count} updated" in printed
    assert read_faq_file(out, DEFAULT_CONTENT_DIR) == read_faq_file(seed)
    broken = tmp_path / "broken.yaml"
    broken.write_text("entries:\n  - slug: x\n")
    assert main(["forum", "faq-import", str(broken)]) == 1
    assert "broken.yaml" in capsys.readouterr().err

    async def count_rows():
        engine = create_engine(url)
        try:
            async with registry.uow_factory(engine)() as uow:
                return len(await uow.forum.faq_entries())
        finally:
            await engine.dispose()

    assert asyncio.run(count_rows()) == count


async def test_demo_load_seeds_the_faq_once(sqlite_engine, content):
    from storage.demo import load_demo
    from tests.forum.data import NOW

    for _ in range(2):
        async with registry.uow_factory(sqlite_engine)() as uow:
            await load_demo(uow, content, now=NOW)
    async with registry.uow_factory(sqlite_engine)() as uow:
        assert len(await uow.forum.faq_entries()) == len(read_faq_file(DEFAULT_CONTENT_DIR / "faq.yaml"))

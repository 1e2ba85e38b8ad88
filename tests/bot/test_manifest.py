"""The Teams app package: schema-valid manifest, ids from the environment, router-made commands, icons."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from PIL import Image

from bot import registry
from bot.cli import main
from core.kernel.model import Role
from dialogs.kit.feature import Command, FeatureRouter
from manifest.build import build_package, render_manifest
from manifest.commands import MAX_COMMANDS, command_lists

SCHEMA = Path(__file__).resolve().parent.parent / "fixtures" / "MicrosoftTeams.v1.24.schema.json"
TEAMS_APP_ID = "6f1c2d3e-4a5b-4c6d-8e7f-901234567890"
BOT_APP_ID = "0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"
ENV = {"QIBOT_TEAMS_APP_ID": TEAMS_APP_ID, "MicrosoftAppId": BOT_APP_ID, "QIBOT_PUBLIC_HOST": "qibot.example.nhs.uk"}


async def _noop(turn):  # handler for made-up commands; never run
    raise AssertionError


def _command(name: str, title: str | None = None, description: str = "Does a thing") -> Command:
    return Command(name, title or name.capitalize(), description, _noop)


def _package(tmp_path: Path, env: dict[str, str] = ENV) -> zipfile.ZipFile:
    return zipfile.ZipFile(build_package(env, tmp_path / "nested" / "build" / "appPackage.zip"))


def _pixels(image: Image.Image) -> list[tuple[int, int, int, int]]:
    data = image.convert("RGBA").tobytes()
    return [tuple(data[i : i + 4]) for i in range(0, len(data), 4)]


# --- the manifest -------------------------------------------------------------------------------------------


def test_the_built_manifest_is_valid_against_the_official_schema(tmp_path):
    # No check_schema: the schema's patterns are ECMAScript (\p{L}), which Python's re cannot compile.
    validator = Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    manifest = json.loads(_package(tmp_path).read("manifest.json"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(manifest)]
    assert errors == []
    assert manifest["manifestVersion"] == "1.24"  # `const` is not draft-04, so the validator skips it


def test_ids_domain_and_defaults_come_from_the_environment():
    manifest = render_manifest(ENV)
    assert manifest["id"] == TEAMS_APP_ID
    assert manifest["bots"][0]["botId"] == BOT_APP_ID
    assert manifest["validDomains"] == ["qibot.example.nhs.uk"]
    assert manifest["version"] == "1.0.0"
    assert manifest["name"]["short"] == "QI Companion"
    assert all(url.startswith("https://") for key, url in manifest["developer"].items() if key != "name")
    assert "{{" not in json.dumps(manifest)


def test_optional_settings_are_used_when_given():
    manifest = render_manifest(
        {
            **ENV,
            "QIBOT_APP_VERSION": "2.3.4",
            "QIBOT_DEVELOPER_NAME": "Example Trust",
            "QIBOT_WEBSITE_URL": "https://qi.example.nhs.uk/",
            "QIBOT_PRIVACY_URL": "https://qi.example.nhs.uk/privacy",
        }
    )
    assert manifest["version"] == "2.3.4"
    assert manifest["developer"] == {
        "name": "Example Trust",
        "websiteUrl": "https://qi.example.nhs.uk/",
        "privacyUrl": "https://qi.example.nhs.uk/privacy",
        "termsOfUseUrl": "https://qi.example.nhs.uk/",
    }
    assert render_manifest({k: v for k, v in ENV.items() if k != "QIBOT_PUBLIC_HOST"})["validDomains"] == []


def test_the_bot_works_in_personal_team_and_group_chat_scopes():
    (bot,) = render_manifest(ENV)["bots"]
    assert bot["scopes"] == ["personal", "team", "groupChat"]
    assert bot["supportsFiles"] is True and bot["isNotificationOnly"] is False


@pytest.mark.parametrize("name", ["QIBOT_TEAMS_APP_ID", "MicrosoftAppId"])
@pytest.mark.parametrize("value", [None, "", "not-a-guid", "6f1c2d3e4a5b4c6d8e7f901234567890"])
def test_a_missing_or_malformed_id_names_the_variable(name, value):
    env = {k: v for k, v in ENV.items() if k != name}
    if value is not None:
        env[name] = value
    with pytest.raises(ValueError, match=name):
        render_manifest(env)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("QIBOT_APP_VERSION", "1.0"),
        ("QIBOT_PUBLIC_HOST", "https://qibot.example.nhs.uk/api/messages"),
        ("QIBOT_WEBSITE_URL", "http://www.example.nhs.uk/"),
        ("QIBOT_PRIVACY_URL", "privacy"),
        ("QIBOT_TERMS_URL", "ftp://example.nhs.uk/terms"),
        ("QIBOT_DEVELOPER_NAME", "Mid and South Essex NHS Foundation Trust"),
    ],
)
def test_a_bad_optional_setting_names_the_variable(name, value):
    with pytest.raises(ValueError, match=name):
        render_manifest({**ENV, name: value})


# --- commands -----------------------------------------------------------------------------------------------


def _entries(commands) -> list[dict[str, str]]:
    return [{"title": c.title, "description": c.description} for c in commands]


def test_command_lists_are_the_routers_commands():
    everyone = [
        c
        for c in registry.router().commands
        if (c.in_menu or c.name == "help") and c.role is Role.STAFF and c.in_manifest
    ]
    assert render_manifest(ENV)["bots"][0]["commandLists"] == [
        {"scopes": ["personal"], "commands": _entries(everyone)},
        {"scopes": ["team", "groupChat"], "commands": _entries(c for c in everyone if c.in_group_chats)},
    ]
    personal = [c["title"] for c in command_lists()[0]["commands"]]
    assert "Help" in personal and "Profile" in personal
    assert "Admin" not in personal  # role-only commands stay in the menu of those who hold the role


def test_a_new_router_command_appears_in_the_manifest(monkeypatch):
    extra = FeatureRouter("events")
    extra.command("events", title="Events", description="Sign up for QI events")(_noop)
    few = tuple(c for c in registry.CAPABILITIES if c.name in ("profile", "help"))
    monkeypatch.setattr(registry, "CAPABILITIES", (*few, registry.Capability("events", router=extra)))
    personal = render_manifest(ENV)["bots"][0]["commandLists"][0]["commands"]
    assert {"title": "Events", "description": "Sign up for QI events"} in personal


def test_too_many_commands_fail_clearly():
    commands = [_command(f"thing{i}") for i in range(MAX_COMMANDS + 1)]
    with pytest.raises(ValueError, match="allows 10"):
        command_lists(commands)
    assert len(command_lists(commands[:MAX_COMMANDS])[0]["commands"]) == MAX_COMMANDS


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        (_command("x" * 33), "title"),
        (_command("report", description="d" * 129), "description"),
        (_command("report", title="See reports"), "does not recognise"),
    ],
)
def test_a_command_teams_would_reject_or_mangle_fails_clearly(command, problem):
    with pytest.raises(ValueError, match=problem):
        command_lists([command])


# --- the package --------------------------------------------------------------------------------------------


def test_the_package_holds_exactly_the_manifest_and_two_icons(tmp_path):
    package = _package(tmp_path)
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
    assert json.loads(package.read("manifest.json")) == render_manifest(ENV)


def test_the_same_inputs_build_the_same_bytes(tmp_path):
    first = build_package(ENV, tmp_path / "a.zip").read_bytes()
    assert build_package(ENV, tmp_path / "b.zip").read_bytes() == first


def test_icons_have_the_sizes_and_colours_teams_requires(tmp_path):
    package = _package(tmp_path)
    color = Image.open(io.BytesIO(package.read("color.png")))
    outline = Image.open(io.BytesIO(package.read("outline.png")))
    assert (color.format, color.size) == ("PNG", (192, 192))
    assert (outline.format, outline.size, outline.mode) == ("PNG", (32, 32), "RGBA")
    pixels = _pixels(outline)
    assert all(a == 0 or (r, g, b) == (255, 255, 255) for r, g, b, a in pixels), "outline must be white only"
    assert any(a == 0 for *_, a in pixels) and any(a == 255 for *_, a in pixels)


# --- the command line ---------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch, tmp_path):
    """Only the ids: building the package must not need the bot's secret (no MicrosoftAppPassword or tenant).
    Run in an empty folder (no .env) and put the root logger back afterwards."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "QIBOT_HOST",
        "MicrosoftAppType",
        "QIBOT_LOG_FORMAT",
        "QIBOT_PUBLIC_HOST",
        "MicrosoftAppPassword",
        "MicrosoftAppTenantId",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield tmp_path
    root.handlers[:] = handlers
    root.setLevel(level)


def test_qibot_manifest_build_writes_the_package(cli_env, capsys):
    assert main(["manifest", "build"]) == 0
    package = cli_env / "build" / "appPackage.zip"
    assert "wrote build/appPackage.zip" in capsys.readouterr().out
    assert json.loads(zipfile.ZipFile(package).read("manifest.json"))["id"] == TEAMS_APP_ID


def test_qibot_manifest_build_reads_ids_from_dot_env(cli_env, monkeypatch):
    monkeypatch.delenv("QIBOT_TEAMS_APP_ID")
    (cli_env / ".env").write_text(f"QIBOT_TEAMS_APP_ID={TEAMS_APP_ID}\n")
    assert main(["manifest", "build"]) == 0


def test_qibot_manifest_build_reports_a_bad_id(cli_env, monkeypatch, capsys):
    monkeypatch.setenv("QIBOT_TEAMS_APP_ID", "nope")
    assert main(["manifest", "build", "--output", "out/app.zip"]) == 1
    assert "QIBOT_TEAMS_APP_ID" in capsys.readouterr().err
    assert not (cli_env / "out" / "app.zip").exists()

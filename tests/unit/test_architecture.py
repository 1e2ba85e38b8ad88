"""The dependency rule (DESIGN.md): bot -> dialogs -> core <- storage, scheduler -> core.

Each package is imported in a fresh interpreter and the test fails if a forbidden module got loaded.
"""

import json
import subprocess
import sys

import pytest

FORBIDDEN = {
    "core": ("botbuilder", "botframework", "sqlalchemy", "aiohttp", "dialogs", "storage", "bot", "scheduler"),
    "dialogs": ("botbuilder", "botframework", "sqlalchemy", "aiohttp", "storage", "bot", "scheduler"),
    "storage": ("botbuilder", "botframework", "aiohttp", "dialogs", "bot", "scheduler"),
    "scheduler": ("botbuilder", "botframework", "sqlalchemy", "dialogs", "bot", "storage"),
}
MODULES = {
    "core": [
        "core.model",
        "core.ports",
        "core.delivery",
        "core.working_hours",
        "core.content",
        "core.services.contacts",
        "core.services.nudges",
        "core.services.preferences",
        "core.services.profile",
        "core.services.roles",
        "core.kernel.suppression",
    ],
    "dialogs": ["dialogs.router"],
    "storage": ["storage.uow", "storage.content", "storage.migrate", "storage.demo", "storage.leader"],
    "scheduler": ["scheduler.dispatcher", "scheduler.runner", "scheduler.ticks"],
}


def loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_the_design_allows(package):
    leaked = loaded_after_import(MODULES[package]) & set(FORBIDDEN[package])
    assert not leaked, f"{package} pulls in {sorted(leaked)}"


def test_the_check_would_notice_a_leak():
    assert "botbuilder" in loaded_after_import(["bot.teams"])

"""The dependency rule (DESIGN.md): bot -> dialogs -> core <- storage, scheduler -> core; and the capability rule:
the shared places iterate over the registry and never name a capability.

Each package's modules are found on disk and imported in a fresh interpreter; the test fails if a forbidden
module got loaded.
"""

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import registry

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "core": ("botbuilder", "botframework", "sqlalchemy", "aiohttp", "dialogs", "storage", "bot", "scheduler"),
    "dialogs": ("botbuilder", "botframework", "sqlalchemy", "aiohttp", "storage", "bot", "scheduler"),
    "storage": ("botbuilder", "botframework", "aiohttp", "dialogs", "bot", "scheduler"),
    "scheduler": ("botbuilder", "botframework", "sqlalchemy", "dialogs", "bot", "storage"),
}
# The places that must iterate over the registry instead of naming capabilities (DESIGN.md, "Adding a capability").
SHARED_PLACES = (
    "bot/app.py",
    "bot/teams.py",
    "bot/http.py",
    "storage/uow.py",
    "storage/tables.py",
    "dialogs/kit/router.py",
    "dialogs/kit/types.py",
    "scheduler/ticks.py",
    "scheduler/runner.py",
    "manifest/commands.py",
    "tests/fakes.py",
    "core/kernel/ports.py",
    "core/kernel/content.py",
    "core/kernel/model.py",
)


def modules_of(package: str) -> list[str]:
    found = [package]
    for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
        if ".migrations" not in info.name:
            found.append(info.name)
    return sorted(found)


def loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return set(json.loads(out))


def test_every_capability_module_is_found():
    found = modules_of("core") + modules_of("dialogs") + modules_of("storage")
    for capability in registry.CAPABILITIES:
        assert f"dialogs.{capability.name}" in found, f"{capability.name} has no home in dialogs/"
    assert "core.measurement" in found and "core.clinics.services" in found and "storage.projects.repository" in found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_the_design_allows(package):
    leaked = loaded_after_import(modules_of(package)) & set(FORBIDDEN[package])
    assert not leaked, f"{package} pulls in {sorted(leaked)}"


def test_the_check_would_notice_a_leak():
    assert "botbuilder" in loaded_after_import(["bot.teams"])


def names_in(path: Path) -> set[str]:
    """Identifiers, attribute names, imported module parts and string constants of a module."""
    tree = ast.parse(path.read_text())
    seen: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            seen.add(node.id)
        elif isinstance(node, ast.Attribute):
            seen.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and node.module:
            seen.update(node.module.split("."))
            seen.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            seen.update(part for alias in node.names for part in alias.name.split("."))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            seen.update(node.value.replace(".", " ").split())
    return seen


@pytest.mark.parametrize("place", SHARED_PLACES)
def test_shared_places_name_no_capability(place):
    # The kernel pieces (onboarding, profile, preferences, admin, help) work on kernel data; the capabilities with
    # their own repository are the ones shared code must never name.
    named = {c.name for c in registry.CAPABILITIES if c.repository is not None}
    mentioned = names_in(ROOT / place) & named
    assert not mentioned, f"{place} names {sorted(mentioned)}: iterate over bot.registry.CAPABILITIES instead"


def test_the_name_check_would_notice(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from storage.clinics.repository import X\nuow.projects.get(1)\n")
    assert {"clinics", "projects"} <= names_in(sample)


def defined_functions(path: Path) -> set[str]:
    return {
        node.name
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_a_person_is_told_something_through_one_kernel_function():
    """Every message to a person goes through core.kernel.nudges.notify (address, opt-outs, quiet hours, budget,
    dedupe): no capability calls the gate's internals or keeps its own copy of the helper."""
    gate = ROOT / "core" / "kernel" / "nudges.py"
    offenders = []
    for package in ("core", "dialogs", "scheduler", "bot"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == gate:
                continue
            if "enqueue_nudge" in names_in(path) or {"notify", "tell"} & defined_functions(path):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"use core.kernel.nudges.notify in {offenders}"


def repository_calls(path: Path) -> list[str]:
    """`<something>.uow.<repository>` in a module: a dialog reaching past the services (commit/rollback aside)."""
    return [
        f"line {node.lineno}: uow.{node.attr}"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "uow"
        and node.attr not in ("commit", "rollback")
    ]


@pytest.mark.parametrize("path", sorted((ROOT / "dialogs").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_dialogs_make_no_repository_calls(path):
    """Rules live in services: a dialog (or an HTTP page it serves) passes the unit of work on, never queries it."""
    assert repository_calls(path) == []


def test_the_repository_check_would_notice(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("await request.uow.users.get(1)\nawait turn.uow.commit()\nawait service.open(turn.uow)\n")
    assert repository_calls(sample) == ["line 1: uow.users"]

"""The project dialogs keep to the layout rules: card verbs are the registered Action objects, rules stay in the
services (no repository calls, no private service functions), and no module is over about 400 lines."""

import ast
import inspect
from pathlib import Path

import pytest

from core.projects.ports import ProjectRepository
from storage.projects.repository import SqlProjectRepository
from tests.projects.fakes import FakeProjects

ROOT = Path(__file__).resolve().parents[2]
DIALOGS = sorted((ROOT / "dialogs" / "projects").glob("*.py"))
HOMES = [*DIALOGS, *sorted((ROOT / "core" / "projects").glob("*.py")), *(ROOT / "storage" / "projects").glob("*.py")]


def problems(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "execute":
            if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
                found.append(f"line {node.lineno}: a string verb {node.args[1].value!r}")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) and node.value.attr == "uow":
            found.append(f"line {node.lineno}: a repository call uow.{node.attr}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if isinstance(node.value, ast.Name) and node.value.id in ("service", "svc", "services"):
                found.append(f"line {node.lineno}: a private service function {node.attr}")
    return found


@pytest.mark.parametrize("path", DIALOGS, ids=lambda p: p.name)
def test_dialogs_use_action_objects_and_services_only(path):
    assert problems(path.read_text()) == []


def test_the_check_would_notice():
    sample = 'cards.execute("Go", "projects.open")\nturn.uow.projects.get(1)\nservice._draft(uow)\n'
    assert len(problems(sample)) == 3


@pytest.mark.parametrize("path", HOMES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_no_module_is_over_about_400_lines(path):
    assert len(path.read_text().splitlines()) <= 400


def protocol_methods(protocol) -> dict[str, list[str]]:
    return {
        name: list(inspect.signature(member).parameters)
        for name, member in vars(protocol).items()
        if callable(member) and not name.startswith("_")
    }


@pytest.mark.parametrize("implementation", [FakeProjects, SqlProjectRepository], ids=["fake", "sql"])
def test_both_registers_implement_every_method_of_the_port(implementation):
    wanted = protocol_methods(ProjectRepository)
    assert len(wanted) >= 30
    for name, parameters in wanted.items():
        assert hasattr(implementation, name), name
        assert list(inspect.signature(getattr(implementation, name)).parameters) == parameters, name

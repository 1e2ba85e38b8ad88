"""Build the Teams app package: the template filled from the environment, the router's commands, two icons.

The template's `{{NAME}}` placeholders are replaced in the parsed JSON (not the text), so a value can never
break the JSON. The zip entries carry a fixed timestamp, so the same inputs give the same bytes.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from manifest.commands import command_lists
from manifest.env import read_values

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "manifest.template.json"
ICONS = ("color.png", "outline.png")
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def _fill(node: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(item, values) for item in node]
    if isinstance(node, str):
        return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), node)
    return node


def render_manifest(environ: Mapping[str, str]) -> dict[str, Any]:
    """The manifest.json content; raises ValueError naming the setting to fix."""
    values = read_values(environ)
    manifest = _fill(json.loads(TEMPLATE.read_text(encoding="utf-8")), values)
    manifest["validDomains"] = values["validDomains"]
    manifest["bots"][0]["commandLists"] = command_lists()
    return manifest


def build_package(environ: Mapping[str, str], output: Path) -> Path:
    """Write the app package (manifest.json, color.png, outline.png at the root) to `output`."""
    manifest = json.dumps(render_manifest(environ), indent=2, ensure_ascii=False) + "\n"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w") as package:
        package.writestr(_entry("manifest.json"), manifest)
        for icon in ICONS:
            package.writestr(_entry(icon), (HERE / icon).read_bytes())
    return output


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16  # readable when unzipped (a bare ZipInfo has no permissions)
    return info

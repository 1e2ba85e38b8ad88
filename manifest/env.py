"""The environment variables the app package needs, checked so a bad value fails the build, not the upload.

The table in manifest/README.md lists the same variables; keep the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

DEFAULTS = {
    "QIBOT_APP_VERSION": "1.0.0",
    "QIBOT_DEVELOPER_NAME": "Mid and South Essex NHS FT",
    "QIBOT_WEBSITE_URL": "https://www.mse.nhs.uk/",
}
# Privacy and terms pages default to the website, so setting one URL is enough to get a valid package.
URL_VARIABLES = ("QIBOT_WEBSITE_URL", "QIBOT_PRIVACY_URL", "QIBOT_TERMS_URL")

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
HOST = re.compile(r"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
URL = re.compile(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$")
MAX_DEVELOPER_NAME = 32


def _get(environ: Mapping[str, str], name: str) -> str:
    return (environ.get(name) or "").strip() or DEFAULTS.get(name, "")


def _guid(environ: Mapping[str, str], name: str, what: str) -> str:
    value = _get(environ, name)
    if not value:
        raise ValueError(f"{name} is not set: it must be {what}, a GUID like 00000000-0000-0000-0000-000000000000")
    if not GUID.match(value):
        raise ValueError(f"{name} must be a GUID like 00000000-0000-0000-0000-000000000000, not {value!r}")
    return value


def _host(environ: Mapping[str, str]) -> list[str]:
    value = _get(environ, "QIBOT_PUBLIC_HOST")
    if not value:
        return []
    if not HOST.match(value):
        raise ValueError(
            f"QIBOT_PUBLIC_HOST must be a host name like qibot.example.nhs.uk (no https:// and no path), not {value!r}"
        )
    return [value.lower()]


def read_values(environ: Mapping[str, str]) -> dict[str, str | list[str]]:
    """Every placeholder's value, plus `validDomains`; raises ValueError naming the variable to fix."""
    values: dict[str, str | list[str]] = {
        "QIBOT_TEAMS_APP_ID": _guid(environ, "QIBOT_TEAMS_APP_ID", "the Teams app id"),
        "MicrosoftAppId": _guid(environ, "MicrosoftAppId", "the bot's Azure app (client) id"),
        "validDomains": _host(environ),
    }
    version = _get(environ, "QIBOT_APP_VERSION")
    if not SEMVER.match(version):
        raise ValueError(
            f"QIBOT_APP_VERSION must be a version like 1.2.3 (Teams needs a higher one for "
            f"every upload), not {version!r}"
        )
    values["QIBOT_APP_VERSION"] = version
    developer = _get(environ, "QIBOT_DEVELOPER_NAME")
    if len(developer) > MAX_DEVELOPER_NAME:
        raise ValueError(f"QIBOT_DEVELOPER_NAME is {len(developer)} characters; Teams allows {MAX_DEVELOPER_NAME}")
    values["QIBOT_DEVELOPER_NAME"] = developer
    website = _get(environ, "QIBOT_WEBSITE_URL")
    for name in URL_VARIABLES:
        url = _get(environ, name) or website
        if not URL.match(url):
            raise ValueError(f"{name} must be an https:// web address, not {url!r}")
        values[name] = url
    return values

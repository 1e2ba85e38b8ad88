"""The environment configuration (12-factor), read once.

The SDK's own names and the QIBOT_* variables. A person's message preferences are the `preferences` capability.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/qibot.db"
BOT_FRAMEWORK_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
APP_TYPES = ("SingleTenant", "MultiTenant", "UserAssignedMSI")
# Development only (production requires QIBOT_SURVEY_KEY): survey pseudonyms match within one process.
_DEVELOPMENT_SURVEY_KEY = secrets.token_urlsafe(32)


class ConfigError(Exception):
    """The configuration cannot work; the message says which variable to fix."""


def _csv(value: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (value or "").split(",") if part.strip())


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be more than 0")
    return value


@dataclass(frozen=True)
class Config:
    app_id: str = ""
    app_password: str = field(default="", repr=False)
    app_type: str = "SingleTenant"
    app_tenant_id: str = ""
    host: str = "127.0.0.1"
    port: int = 3978
    database_url: str = DEFAULT_DATABASE_URL
    allowed_tenants: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    content_dir: Path | None = None
    send_rate: float = 48.0  # the ceiling: Teams allows about 50/s per app per tenant; 429s lower it for a while
    conversation_rate: float = 7.0
    send_lease_seconds: float = 300.0  # how long a claimed outbox row is held before another replica may retry it
    send_max_attempts: int = 6
    scheduler_enabled: bool = True
    log_format: str = "text"
    log_level: str = "INFO"
    public_url: str = ""  # where Teams users reach the bot's own pages (calendar files); default: host and port
    link_secret: str = field(default="", repr=False)
    survey_key: str = field(default="", repr=False)  # keys the survey pseudonyms (HMAC); never in the database
    openid_metadata_url: str = BOT_FRAMEWORK_OPENID_METADATA_URL  # where the channel's signing keys are listed
    openid_timeout: float = 5.0  # seconds for fetching the metadata and the keys
    # Graph proactive install of the app for announcement recipients who do not have it (off unless configured).
    graph_install: bool = False
    graph_app_id: str = ""  # the app's id in the organisation's Teams app catalog (teamsApp id, not the bot id)
    graph_client_id: str = ""  # default: MicrosoftAppId
    graph_client_secret: str = field(default="", repr=False)  # default: MicrosoftAppPassword
    graph_tenant_id: str = ""  # default: MicrosoftAppTenantId
    graph_url: str = "https://graph.microsoft.com/v1.0"
    graph_login_url: str = "https://login.microsoftonline.com"

    @property
    def graph_client(self) -> str:
        return self.graph_client_id or self.app_id

    @property
    def graph_secret(self) -> str:
        return self.graph_client_secret or self.app_password

    @property
    def graph_tenant(self) -> str:
        return self.graph_tenant_id or self.app_tenant_id

    @property
    def production(self) -> bool:
        return bool(self.app_id)

    @property
    def survey_pseudonym_key(self) -> str:
        return self.survey_key or _DEVELOPMENT_SURVEY_KEY

    @property
    def base_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"

    # Names the SDK's ConfigurationBotFrameworkAuthentication reads.
    @property
    def APP_ID(self) -> str:  # noqa: N802
        return self.app_id

    @property
    def APP_PASSWORD(self) -> str:  # noqa: N802
        return self.app_password

    @property
    def APP_TYPE(self) -> str:  # noqa: N802
        return self.app_type

    @property
    def APP_TENANTID(self) -> str:  # noqa: N802
        return self.app_tenant_id

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, env_file: str | Path | None = ".env") -> Config:
        env: dict[str, str] = {}
        if env_file and Path(env_file).is_file():
            env.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        env.update(os.environ if environ is None else environ)
        app_id = env.get("MicrosoftAppId", "").strip()
        settings = cls(
            app_id=app_id,
            app_password=env.get("MicrosoftAppPassword", ""),
            app_type=env.get("MicrosoftAppType", "").strip() or "SingleTenant",
            app_tenant_id=env.get("MicrosoftAppTenantId", "").strip(),
            host=env.get("QIBOT_HOST", "127.0.0.1").strip(),
            port=_int(env, "QIBOT_PORT", 3978, minimum=1),
            database_url=env.get("QIBOT_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
            allowed_tenants=_csv(env.get("QIBOT_ALLOWED_TENANTS")),
            admins=_csv(env.get("QIBOT_ADMINS")),
            content_dir=Path(env["QIBOT_CONTENT_DIR"]) if env.get("QIBOT_CONTENT_DIR") else None,
            send_rate=_float(env, "QIBOT_SEND_RATE", 48.0),
            conversation_rate=_float(env, "QIBOT_CONVERSATION_RATE", 7.0),
            send_lease_seconds=_float(env, "QIBOT_SEND_LEASE_SECONDS", 300.0),
            send_max_attempts=_int(env, "QIBOT_SEND_MAX_ATTEMPTS", 6, minimum=1),
            scheduler_enabled=env.get("QIBOT_SCHEDULER", "on").strip().lower() not in ("off", "0", "false", "no"),
            log_format=env.get("QIBOT_LOG_FORMAT", "json" if app_id else "text").strip().lower(),
            log_level=env.get("QIBOT_LOG_LEVEL", "INFO").strip().upper(),
            public_url=env.get("QIBOT_PUBLIC_URL", "").strip().rstrip("/"),
            link_secret=env.get("QIBOT_LINK_SECRET", ""),
            survey_key=env.get("QIBOT_SURVEY_KEY", ""),
            openid_metadata_url=env.get("QIBOT_OPENID_METADATA_URL", "").strip() or BOT_FRAMEWORK_OPENID_METADATA_URL,
            openid_timeout=_float(env, "QIBOT_OPENID_TIMEOUT", 5.0),
            graph_install=env.get("QIBOT_GRAPH_INSTALL", "off").strip().lower() in ("on", "1", "true", "yes"),
            graph_app_id=env.get("QIBOT_GRAPH_APP_ID", "").strip(),
            graph_client_id=env.get("QIBOT_GRAPH_CLIENT_ID", "").strip(),
            graph_client_secret=env.get("QIBOT_GRAPH_CLIENT_SECRET", ""),
            graph_tenant_id=env.get("QIBOT_GRAPH_TENANT_ID", "").strip(),
            graph_url=env.get("QIBOT_GRAPH_URL", "").strip() or "https://graph.microsoft.com/v1.0",
            graph_login_url=env.get("QIBOT_GRAPH_LOGIN_URL", "").strip() or "https://login.microsoftonline.com",
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.production:
            missing = [
                name
                for name, value in (
                    ("MicrosoftAppPassword", self.app_password),
                    ("MicrosoftAppTenantId", self.app_tenant_id),
                )
                if not value and not (name == "MicrosoftAppPassword" and self.app_type == "UserAssignedMSI")
            ]
            if missing:
                raise ConfigError("Production mode (MicrosoftAppId is set) also needs " + ", ".join(missing))
            if len(self.link_secret) < 32:
                raise ConfigError("Production mode needs QIBOT_LINK_SECRET (at least 32 characters) to sign links")
            if len(self.survey_key) < 32:
                raise ConfigError("Production mode needs QIBOT_SURVEY_KEY (at least 32 characters) to key pseudonyms")
            if not self.public_url.startswith("https://"):
                raise ConfigError("Production mode needs QIBOT_PUBLIC_URL, the bot's public https:// address")
            if not self.openid_metadata_url.startswith("https://"):
                raise ConfigError("QIBOT_OPENID_METADATA_URL must be an https:// address in production")
            if self.app_type not in APP_TYPES:
                raise ConfigError(f"MicrosoftAppType must be one of {', '.join(APP_TYPES)}, not {self.app_type!r}")
        elif not _is_loopback(self.host):
            raise ConfigError(
                f"Development mode (no MicrosoftAppId) has no authentication, so it only binds to loopback; "
                f"QIBOT_HOST={self.host!r} is not. Set MicrosoftAppId and friends to serve other hosts."
            )
        if self.graph_install:
            missing = [
                name
                for name, value in (
                    ("QIBOT_GRAPH_APP_ID", self.graph_app_id),
                    ("QIBOT_GRAPH_CLIENT_ID or MicrosoftAppId", self.graph_client),
                    ("QIBOT_GRAPH_CLIENT_SECRET or MicrosoftAppPassword", self.graph_secret),
                    ("QIBOT_GRAPH_TENANT_ID or MicrosoftAppTenantId", self.graph_tenant),
                )
                if not value
            ]
            if missing:
                raise ConfigError("QIBOT_GRAPH_INSTALL=on also needs " + ", ".join(missing))
            if self.production and not (
                self.graph_url.startswith("https://") and self.graph_login_url.startswith("https://")
            ):
                raise ConfigError("QIBOT_GRAPH_URL and QIBOT_GRAPH_LOGIN_URL must be https:// addresses in production")
        if self.log_format not in ("json", "text"):
            raise ConfigError("QIBOT_LOG_FORMAT must be json or text")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

"""Proactive installation of the app for a person through Microsoft Graph (behind QIBOT_GRAPH_INSTALL).

POST /users/{id}/teamwork/installedApps with the app's catalog id, as the bot's own identity (client credentials;
the app needs the application permission TeamsAppInstallation.ReadWriteForUser.All, admin-consented). Teams then
sends the bot a conversationUpdate for the new personal chat, which stores the person's conversation address.

201 installed; 409 already installed (success too); 403 (no consent, or the app is blocked by policy) and 404 (no
such user) are recorded as refused and never tried again; anything else is an error the caller may retry.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import quote

import aiohttp

from bot.config import Config
from core.announcements.model import InstallStatus

log = logging.getLogger(__name__)

SCOPE = "https://graph.microsoft.com/.default"


class GraphInstaller:
    def __init__(self, config: Config, *, timeout: float = 10.0) -> None:
        self.graph_url = config.graph_url.rstrip("/")
        self.token_url = f"{config.graph_login_url.rstrip('/')}/{config.graph_tenant}/oauth2/v2.0/token"
        self.client_id = config.graph_client
        self.client_secret = config.graph_secret
        self.catalog_app_id = config.graph_app_id
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._token: tuple[str, float] | None = None  # (access token, monotonic expiry)

    async def _access_token(self, session: aiohttp.ClientSession) -> str:
        if self._token and self._token[1] > time.monotonic():
            return self._token[0]
        form = {
            "grant_type": "client_credentials",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "scope": SCOPE,
        }
        async with session.post(self.token_url, data=form) as response:
            if response.status != 200:
                raise RuntimeError(f"token endpoint answered {response.status}")
            body = await response.json()
        expires_in = float(body.get("expires_in", 3600))
        self._token = (body["access_token"], time.monotonic() + max(0.0, expires_in - 60))
        return self._token[0]

    async def install(self, aad_object_id: str) -> str:
        url = f"{self.graph_url}/users/{quote(aad_object_id, safe='')}/teamwork/installedApps"
        body = {"teamsApp@odata.bind": f"{self.graph_url}/appCatalogs/teamsApps/{quote(self.catalog_app_id, safe='')}"}
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as session:
                token = await self._access_token(session)
                headers = {"Authorization": f"Bearer {token}"}
                async with session.post(url, json=body, headers=headers) as response:
                    status = response.status
        except Exception as exc:  # noqa: BLE001 - a timeout, a refused connection, a bad token answer: try later
            log.warning("graph install failed", extra={"error": type(exc).__name__})
            return InstallStatus.ERROR.value
        if status in (201, 409):
            return InstallStatus.INSTALLED.value
        if status in (403, 404):
            log.warning("graph install refused", extra={"status": status})
            return InstallStatus.REFUSED.value
        if status == 401:
            self._token = None
        log.warning("graph install error", extra={"status": status})
        return InstallStatus.ERROR.value


def installer_for(config: Config) -> GraphInstaller | None:
    return GraphInstaller(config) if config.graph_install else None

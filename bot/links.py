"""Signed, expiring links to the pages capabilities serve (itsdangerous). Unguessable: the ids are signed with a
server secret and a salt per page, and a link stops working when its expiry has passed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from core.kernel.pages import Page


class SignedLinks:
    def __init__(self, base_url: str, secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._secret = secret

    def _serializer(self, page: Page) -> URLSafeSerializer:
        return URLSafeSerializer(self._secret, salt=f"qibot.{page.name}")

    def url(self, page: Page, claims: Mapping[str, int], *, expires_at: datetime | None, **params: str) -> str:
        """A link to `page` carrying `claims`; `params` fill the rest of its path (e.g. kind="csv")."""
        token = self.token(page, claims, expires_at=expires_at)
        return self.base_url + page.path.format(token=token, **params)

    def token(self, page: Page, claims: Mapping[str, int], *, expires_at: datetime | None) -> str:
        """The signed token alone (salted for `page`), for a code that travels outside a URL of ours."""
        payload: dict[str, Any] = dict(claims)
        if expires_at is not None:
            payload["e"] = int(expires_at.timestamp())
        return self._serializer(page).dumps(payload)

    def read(self, page: Page, token: str, *, now: datetime) -> dict[str, Any] | None:
        """The claims, or None if the token is forged, damaged, for another page, malformed or expired."""
        try:
            data = self._serializer(page).loads(token)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        if not all(type(data.get(key)) is int for key in page.claims):
            return None
        expiry = data.get("e")
        if expiry is not None and (type(expiry) is not int or datetime.fromtimestamp(expiry, UTC) < now):
            return None
        return data

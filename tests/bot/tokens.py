"""A local stand-in for the Bot Framework's OpenID metadata and signing keys, and tokens signed with its keys."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from dataclasses import dataclass, field

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

APP_ID = "00000000-0000-0000-0000-000000000001"
ISSUER = "https://api.botframework.com"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


_TRUSTED = _new_key()
_OTHER = _new_key()


def b64(raw: bytes | str) -> str:
    data = raw.encode() if isinstance(raw, str) else raw
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class KeyServer:
    """Serves /openid (metadata pointing at /keys) and /keys. mode: "ok", "down" (500) or "slow" (hangs)."""

    mode: str = "ok"
    hits: int = 0
    kids: dict[str, list[str] | None] = field(default_factory=lambda: {"k1": ["msteams", "webchat"], "k2": ["webchat"]})
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def metadata_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/openid"

    async def _metadata(self, _request: web.Request) -> web.Response:
        self.hits += 1
        if self.mode == "down":
            return web.json_response({"error": "down"}, status=500)
        if self.mode == "slow":
            await asyncio.sleep(60)
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"http://127.0.0.1:{self.port}/keys"})

    async def _keys(self, _request: web.Request) -> web.Response:
        keys = []
        for kid, endorsements in self.kids.items():
            jwk = jwt.algorithms.RSAAlgorithm.to_jwk(_TRUSTED.public_key(), as_dict=True)
            jwk.update(kid=kid, use="sig")
            if endorsements is not None:
                jwk["endorsements"] = endorsements
            keys.append(jwk)
        return web.json_response({"keys": keys})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/openid", self._metadata)
        app.router.add_get("/keys", self._keys)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def claims(service_url: str, **changes) -> dict:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": APP_ID, "exp": now + 3600, "nbf": now - 60, "serviceurl": service_url}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def token(payload: dict, *, kid: str | None = "k1", algorithm: str = "RS256", key=None) -> str:
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(payload, key or _TRUSTED, algorithm=algorithm, headers=headers)


def forged_with_other_key(payload: dict) -> str:
    return token(payload, key=_OTHER)


def unsigned(payload: dict) -> str:
    return f"{b64(json.dumps({'alg': 'none', 'typ': 'JWT', 'kid': 'k1'}))}.{b64(json.dumps(payload))}."


def tampered(payload: dict) -> str:
    """A genuine signature over other claims: the payload says a different audience than the one signed."""
    header, _, signature = token(payload).split(".")
    return f"{header}.{b64(json.dumps({**payload, 'aud': 'someone-else'}))}.{signature}"


def raw_parts(header: str, payload: str) -> str:
    return f"{b64(header)}.{b64(payload)}.{b64(b'signature')}"

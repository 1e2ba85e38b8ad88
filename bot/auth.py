"""Authenticates what the Bot Framework channel service (Teams) posts to /api/messages, in production mode.

Our own check of the channel's JWT, following the Bot Framework's rules for channel tokens (the same rules as
botframework-connector's ChannelValidation and JwtTokenExtractor): issuer https://api.botframework.com, audience
the bot's app id, a key from the Bot Framework OpenID metadata that is endorsed for the activity's channelId,
RS256/384/512 only, an expiry, 5 minutes of clock skew, and the token's serviceurl claim equal to the activity's
serviceUrl. Every failure is an AuthFailed with a short reason (a 401), never an unexpected exception.

The SDK fetches the signing keys with a blocking HTTP call inside the event loop and no timeout. Here they are
fetched with aiohttp under a timeout, cached for a day, refreshed at most every few minutes for an unknown key
id, and one fetch is shared by every request waiting for it. When they cannot be fetched, KeysUnavailable (a
503); keys fetched earlier stay in use while a refresh fails. The SDK then gets an already-validated identity.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
import jwt
from botbuilder.schema import Activity, CallerIdConstants
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication, ClaimsIdentity

from bot.config import BOT_FRAMEWORK_OPENID_METADATA_URL

log = logging.getLogger(__name__)

CHANNEL_ISSUER = "https://api.botframework.com"
ALGORITHMS = ("RS256", "RS384", "RS512")
CLOCK_SKEW_SECONDS = 5 * 60
MAX_TOKEN_CHARS = 6000  # Bot Framework tokens are about 1.5 KB; aiohttp refuses headers over 8 KB
MAX_DOCUMENT_BYTES = 1024 * 1024


class AuthFailed(Exception):
    """The request is not authenticated; `reason` is short and never echoes what the caller sent."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class KeysUnavailable(Exception):
    """The signing keys could not be fetched, so no token can be checked just now."""


@dataclass(frozen=True)
class SigningKey:
    key: object
    endorsements: tuple[str, ...] | None  # None: the key lists no endorsements


class SigningKeys:
    """The Bot Framework's signing keys: OpenID metadata -> jwks_uri -> keys, fetched off the request path."""

    def __init__(
        self,
        metadata_url: str = BOT_FRAMEWORK_OPENID_METADATA_URL,
        *,
        timeout: float = 5.0,
        max_age: float = 24 * 3600,
        unknown_key_refresh: float = 300,
        retry_after_failure: float = 10,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.metadata_url = metadata_url
        self.timeout = timeout
        self.max_age = max_age
        self.unknown_key_refresh = unknown_key_refresh
        self.retry_after_failure = retry_after_failure
        self._now = monotonic
        self._keys: dict[str, SigningKey] | None = None
        self._fetched_at = float("-inf")
        self._failed_at = float("-inf")
        self._fetch: asyncio.Task | None = None

    async def get(self, kid: str) -> SigningKey | None:
        """The key with this id, or None when the Bot Framework does not list it."""
        now = self._now()
        if self._keys is None or now - self._fetched_at > self.max_age:
            await self._refresh()
        elif kid not in self._keys and now - self._fetched_at > self.unknown_key_refresh:
            await self._refresh()  # keys roll over; at most one refetch every few minutes for unknown ids
        return (self._keys or {}).get(kid)

    async def _refresh(self) -> None:
        if self._fetch is None:
            if self._now() - self._failed_at < self.retry_after_failure:  # do not hammer a failing endpoint
                if self._keys is None:
                    raise KeysUnavailable("the last fetch failed moments ago")
                return
            self._fetch = asyncio.ensure_future(self._fetch_keys())
            self._fetch.add_done_callback(self._fetched)
        try:
            # Every request waiting for keys shares one fetch; one caller giving up does not cancel it.
            await asyncio.shield(self._fetch)
        except Exception:  # noqa: BLE001 - logged once in _fetched; stale keys beat none
            if self._keys is None:
                raise KeysUnavailable("could not fetch the signing keys") from None

    def _fetched(self, task: asyncio.Task) -> None:
        self._fetch = None
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self._failed_at = self._now()
            log.warning("could not fetch the Bot Framework signing keys", extra={"error": type(error).__name__})
            return
        self._keys, self._fetched_at = task.result(), self._now()

    async def _fetch_keys(self) -> dict[str, SigningKey]:
        async with asyncio.timeout(self.timeout), aiohttp.ClientSession() as session:
            metadata = await _get_json(session, self.metadata_url)
            jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
            schemes = ("https://",) if self.metadata_url.startswith("https://") else ("https://", "http://")
            if not isinstance(jwks_uri, str) or not jwks_uri.startswith(schemes):
                raise ValueError("the OpenID metadata has no jwks_uri")
            document = await _get_json(session, jwks_uri)
        listed = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(listed, list):
            raise ValueError("the key set has no keys")
        keys: dict[str, SigningKey] = {}
        for entry in listed:
            parsed = _parse_key(entry)
            if parsed is not None:
                keys[entry["kid"]] = parsed
        return keys


async def _get_json(session: aiohttp.ClientSession, url: str):
    async with session.get(url) as response:
        response.raise_for_status()
        body = await response.content.read(MAX_DOCUMENT_BYTES + 1)
        if len(body) > MAX_DOCUMENT_BYTES:
            raise ValueError("document too large")
        return json.loads(body)


def _parse_key(entry) -> SigningKey | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str) or entry.get("kty") != "RSA":
        return None
    try:
        key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(entry))
    except (jwt.InvalidKeyError, ValueError, TypeError, KeyError):
        return None
    endorsements = entry.get("endorsements")
    if isinstance(endorsements, list):
        return SigningKey(key, tuple(e for e in endorsements if isinstance(e, str)))
    return SigningKey(key, None)


class ChannelTokenValidator:
    def __init__(self, app_id: str, keys: SigningKeys, *, leeway: int = CLOCK_SKEW_SECONDS) -> None:
        self.app_id = app_id
        self.keys = keys
        self.leeway = leeway

    async def validate(self, authorization: str | None, *, channel_id: str | None, service_url: str | None) -> dict:
        """The token's claims; AuthFailed or KeysUnavailable otherwise."""
        token = _bearer_token(authorization)
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except (jwt.InvalidTokenError, ValueError, TypeError):
            raise AuthFailed("the token is not a JWT") from None
        if not isinstance(unverified, dict):
            raise AuthFailed("the token is not a JWT")
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise AuthFailed("the token's signing algorithm is not allowed")
        if not unverified.get("iss"):
            raise AuthFailed("the token has no issuer")
        if unverified["iss"] != CHANNEL_ISSUER:
            raise AuthFailed("the token's issuer is not trusted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthFailed("the token has no key id")
        signing = await self.keys.get(kid)
        if signing is None:
            raise AuthFailed("the token's signing key is unknown")
        if channel_id and signing.endorsements is not None and channel_id not in signing.endorsements:
            raise AuthFailed("the signing key is not endorsed for this channel")
        claims = self._verified_claims(token, signing, algorithm)
        if service_url is not None and claims.get("serviceurl") != service_url:
            raise AuthFailed("the token is not for this serviceUrl")
        return claims

    def _verified_claims(self, token: str, signing: SigningKey, algorithm: str) -> dict:
        try:
            return jwt.decode(
                token,
                signing.key,
                algorithms=[algorithm],
                audience=self.app_id,
                issuer=CHANNEL_ISSUER,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthFailed("the token has expired") from None
        except jwt.ImmatureSignatureError:
            raise AuthFailed("the token is not valid yet") from None
        except jwt.InvalidSignatureError:
            raise AuthFailed("the token's signature is invalid") from None
        except jwt.MissingRequiredClaimError as missing:
            raise AuthFailed(f"the token has no {missing.claim} claim") from None
        except jwt.InvalidAudienceError:
            raise AuthFailed("the token is not for this bot (audience)") from None
        except jwt.InvalidIssuerError:
            raise AuthFailed("the token's issuer is not trusted") from None
        except (jwt.InvalidTokenError, ValueError, TypeError):
            raise AuthFailed("the token is invalid") from None


def _bearer_token(authorization: str | None) -> str:
    if not authorization or not authorization.strip():
        raise AuthFailed("no Authorization header")
    parts = authorization.split(" ")
    if len(parts) != 2 or parts[0].lower() != "bearer" or not parts[1]:
        raise AuthFailed("the Authorization header must be 'Bearer <token>'")
    if len(parts[1]) > MAX_TOKEN_CHARS:
        raise AuthFailed("the token is too long")
    return parts[1]


class RequestAuthenticator:
    """Turns the Authorization header into what CloudAdapter.process_activity needs, before the body is read as
    an Activity. In development mode (no validator) every request is anonymous, as the SDK makes it."""

    def __init__(self, sdk: BotFrameworkAuthentication, validator: ChannelTokenValidator | None) -> None:
        self.sdk = sdk
        self.validator = validator

    async def authenticate(
        self, authorization: str | None, *, channel_id: str | None, service_url: str | None
    ) -> AuthenticateRequestResult:
        if self.validator is None:
            return await self.sdk.authenticate_request(Activity(channel_id=channel_id, service_url=service_url), "")
        claims = await self.validator.validate(authorization, channel_id=channel_id, service_url=service_url)
        identity = ClaimsIdentity(claims, True, "Bearer")
        result = AuthenticateRequestResult()
        result.claims_identity = identity
        result.audience = self.sdk.get_originating_audience()
        result.caller_id = CallerIdConstants.public_azure_channel
        result.connector_factory = self.sdk.create_connector_factory(identity)
        return result

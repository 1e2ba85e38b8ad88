"""Per-person pseudonyms: a keyed hash (HMAC-SHA256) of the person's id. The key comes from configuration
(QIBOT_SURVEY_KEY), never from the database, so the response tables, which hold only the pseudonym, cannot be
joined back to people by someone who has the database alone. The same person always gets the same pseudonym
while the key stays the same, which is how before and after answers are matched.

Changing the key breaks the matching of answers given before the change with answers given after it."""

from __future__ import annotations

import hashlib
import hmac

DOMAIN = b"qibot.surveys.v1:"  # separates these hashes from any other use of the same key


class Pseudonyms:
    def __init__(self, key: bytes | str) -> None:
        key = key.encode("utf-8") if isinstance(key, str) else key
        if len(key) < 16:
            raise ValueError("the survey key must be at least 16 bytes")
        self._key = key

    def of(self, user_id: int) -> str:
        """64 hex characters, the same for the same person and key."""
        return hmac.new(self._key, DOMAIN + str(int(user_id)).encode("ascii"), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:  # never the key
        return "Pseudonyms(<key>)"

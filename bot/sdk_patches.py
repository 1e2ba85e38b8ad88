"""A performance fix for botbuilder's msrest dependency (end of life, so it will not be fixed upstream).

Every ConnectorClient (one per turn and one per proactive send) builds msrest's ClientRetryPolicy, which
computes `[i for i in range(999) if i not in self.safe_codes]` against a 501-item *list*: about half a
million comparisons, 3-7 ms of CPU each time, measured as 40-70 % of a turn's CPU (bench/RESULTS.md). Making
`safe_codes` a frozenset gives the same retry codes in microseconds. tests/bot/test_sdk_patches.py checks that
the resulting policy is unchanged.
"""

from __future__ import annotations

from msrest.universal_http.requests import ClientRetryPolicy


def apply() -> None:
    if not isinstance(ClientRetryPolicy.safe_codes, frozenset):
        ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)

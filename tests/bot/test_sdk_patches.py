"""The msrest speed-up changes nothing but the speed: the retry policy is the same."""

import subprocess
import sys

CODE = """
from msrest.universal_http.requests import ClientRetryPolicy
{patch}
policy = ClientRetryPolicy().policy
print(sorted(policy.status_forcelist), sorted(policy.allowed_methods if hasattr(policy, 'allowed_methods') else []))
"""


def run(patch: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", CODE.format(patch=patch)], capture_output=True, text=True, check=True
    ).stdout


def test_the_patched_policy_retries_the_same_status_codes():
    original = run("")
    patched = run("from bot import sdk_patches; sdk_patches.apply()")
    assert original == patched and "408" in original and "500" in original and "404," not in original

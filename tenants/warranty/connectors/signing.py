"""HMAC-SHA256 signatures of the HTTP connector, both ways: dealernet signs what it
posts to a manufacturer, a manufacturer signs the callbacks it sends back, with the
same shared secret (``warranty_policy.signing_secret``) and the same headers.

The signed text is ``<timestamp>.<raw body>``: binding the timestamp into the MAC lets
the receiver refuse old requests (a replay window) without trusting a header that an
eavesdropper could change. Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from enum import Enum

IDEMPOTENCY_HEADER = "Idempotency-Key"
TIMESTAMP_HEADER = "X-Dealernet-Timestamp"
"""Unix time in whole seconds when the request was signed."""
SIGNATURE_HEADER = "X-Dealernet-Signature"
"""``sha256=<lowercase hex HMAC-SHA256 of "<timestamp>.<body>">``."""
REPLAY_WINDOW_SECONDS = 300
"""How far a signed timestamp may be from the receiver's clock, either way."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """The timestamp and signature headers for ``body``, signed now."""
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(secret, timestamp, body)}


class SignatureProblem(Enum):
    MISSING = "missing"
    MALFORMED_TIMESTAMP = "malformed_timestamp"
    STALE = "stale"
    MISMATCH = "mismatch"


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    window: int = REPLAY_WINDOW_SECONDS,
) -> SignatureProblem | None:
    """None when ``body`` was signed with ``secret`` within the window; else why not.
    ``headers`` must look names up case-insensitively (as HTTP headers do)."""
    timestamp = headers.get(TIMESTAMP_HEADER)
    sent = headers.get(SIGNATURE_HEADER)
    if not timestamp or not sent or not secret:
        return SignatureProblem.MISSING
    if not timestamp.isdigit():
        return SignatureProblem.MALFORMED_TIMESTAMP
    if abs((time.time() if now is None else now) - int(timestamp)) > window:
        return SignatureProblem.STALE
    if not hmac.compare_digest(sent.encode(), signature(secret, timestamp, body).encode()):
        return SignatureProblem.MISMATCH
    return None

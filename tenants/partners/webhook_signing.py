"""Signatures of webhook posts, as the Standard Webhooks specification has them.

Headers: ``webhook-id`` (the event's ID: the same on every retry and replay, so the
receiver can drop repeats), ``webhook-timestamp`` (seconds since the epoch, when this
attempt was signed: a receiver refuses stale ones, which stops replays by a third
party) and ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``,
keyed with the base64-decoded part of the ``whsec_`` secret. Several signatures are
separated by spaces; after a secret rotation we sign with the new and the previous
secret for a grace period, so a receiver can switch keys without losing events.

Implemented here rather than taken from the ``standardwebhooks`` package: signing is
a few lines, and the tests verify our posts with that package, an implementation
that shares no code with this one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_hint(secret: str) -> str:
    """Enough of a secret for a person to tell two apart, not enough to use."""
    return f"{SECRET_PREFIX}…{secret[-4:]}"


def _key(secret: str) -> bytes:
    raw = secret.removeprefix(SECRET_PREFIX)
    return base64.b64decode(raw + "=" * (-len(raw) % 4))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    secrets_: Iterable[str], message_id: str, body: bytes, *, timestamp: int | None = None
) -> dict[str, str]:
    """The three headers of one attempt, signed with each of ``secrets_`` (current first)."""
    at = int(time.time()) if timestamp is None else timestamp
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(at),
        SIGNATURE_HEADER: " ".join(sign(s, message_id, at, body) for s in secrets_),
    }

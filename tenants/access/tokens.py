"""Opaque secrets: only their SHA-256 is stored, so a database leak yields no usable token.

The secrets are 256-bit random values, so a fast hash is enough (no password stretching).
"""

from __future__ import annotations

import hashlib
import secrets


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()

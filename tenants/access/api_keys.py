"""Partner API keys: bound to one dealer and one role, shown once, stored hashed.

A key reads ``dnk_<prefix>_<secret>``; the prefix finds the row, the secret's hash
must match. Revoked keys stop working at once.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from tenants.access.tokens import digest, new_secret
from tenants.audit.recorder import record
from tenants.database import current_transaction, network_transaction

KEY_PREFIX = "dnk_"


@dataclass(frozen=True)
class ApiKeyIdentity:
    id: int
    dealer_id: int
    role: str
    persisted_only: bool = False
    """The key may only run the registered operations (api/persisted_queries.py)."""


@dataclass(frozen=True)
class IssuedKey:
    id: int
    prefix: str
    secret: str
    """The full key; shown to the person once and never stored."""


def parse(raw: str) -> tuple[str, str] | None:
    if not raw.startswith(KEY_PREFIX):
        return None
    prefix, sep, secret = raw[len(KEY_PREFIX) :].partition("_")
    if not sep or not prefix or not secret:
        return None
    return prefix, secret


async def issue(*, dealer_id: int, name: str, role: str) -> IssuedKey:
    """Create a key inside the caller's tenant transaction (audited)."""
    tx = current_transaction()
    if tx is None:
        raise RuntimeError("api_keys.issue must run inside a tenant transaction")
    prefix = secrets.token_hex(5)
    secret = new_secret()
    key_id: int = await tx.connection.fetchval(
        "insert into api_key (dealer_id, name, prefix, secret_hash, role, created_by)"
        " values ($1, $2, $3, $4, $5, $6) returning id",
        dealer_id,
        name.strip(),
        prefix,
        digest(secret),
        role,
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="api_key.issue",
        object_type="api_key",
        object_id=key_id,
        after={"name": name.strip(), "role": role, "prefix": prefix},
    )
    return IssuedKey(key_id, prefix, f"{KEY_PREFIX}{prefix}_{secret}")


async def revoke(*, dealer_id: int, key_id: int) -> bool:
    tx = current_transaction()
    if tx is None:
        raise RuntimeError("api_keys.revoke must run inside a tenant transaction")
    row = await tx.connection.fetchrow(
        "update api_key set revoked_at = now(), revoked_by = $3"
        " where id = $1 and dealer_id = $2 and revoked_at is null returning name, role, prefix",
        key_id,
        dealer_id,
        tx.scope.user_id,
    )
    if row is None:
        return False
    await record(
        dealer_id=dealer_id,
        action="api_key.revoke",
        object_type="api_key",
        object_id=key_id,
        before=dict(row),
        after={**dict(row), "revoked": True},
    )
    return True


async def set_persisted_only(*, dealer_id: int, key_id: int, persisted_only: bool) -> bool:
    """Switch a key's persisted-only mode inside the caller's tenant transaction (audited)."""
    tx = current_transaction()
    if tx is None:
        raise RuntimeError("api_keys.set_persisted_only must run inside a tenant transaction")
    before = await tx.connection.fetchval(
        "select persisted_only from api_key where id = $1 and dealer_id = $2 for update",
        key_id,
        dealer_id,
    )
    if before is None:
        return False
    await tx.connection.execute(
        "update api_key set persisted_only = $3 where id = $1 and dealer_id = $2",
        key_id,
        dealer_id,
        persisted_only,
    )
    await record(
        dealer_id=dealer_id,
        action="api_key.set_persisted_only",
        object_type="api_key",
        object_id=key_id,
        before={"persisted_only": before},
        after={"persisted_only": persisted_only},
    )
    return True


async def authenticate(raw: str) -> ApiKeyIdentity | None:
    parsed = parse(raw)
    if parsed is None:
        return None
    prefix, secret = parsed
    async with network_transaction(fresh=True) as tx:
        row = await tx.connection.fetchrow("select * from dealernet_api_key_by_prefix($1)", prefix)
        if row is None or row["revoked_at"] is not None:
            return None
        if not hmac.compare_digest(bytes(row["secret_hash"]), digest(secret)):
            return None
        await tx.connection.execute("select dealernet_touch_api_key($1)", row["id"])
    return ApiKeyIdentity(row["id"], row["dealer_id"], row["role"], row["persisted_only"])

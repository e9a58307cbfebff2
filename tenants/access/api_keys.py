"""Partner API keys: bound to one dealer, shown once, stored hashed.

A key reads ``dnk_<prefix>_<secret>``; the prefix finds the row, the secret's hash
must match. Revoked keys stop working at once. A key acts either in one catalog role
(the older keys) or for a partner application (``tenants/partners``), whose consented
scopes then decide what it may do; a disabled application's keys stop working at once.
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
    role: str | None
    """The catalog role of a role-bound key; None for an application's key."""
    persisted_only: bool = False
    """The key may only run the registered operations (api/persisted_queries.py)."""
    partner_app_id: int | None = None
    scopes: frozenset[str] | None = None
    """The application's consented scopes (policies/scopes.py); None for a role key."""


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


async def issue(
    *, dealer_id: int, name: str, role: str | None, partner_app_id: int | None = None
) -> IssuedKey:
    """Create a key inside the caller's tenant transaction (audited): in a role, or for
    a partner application (``role=None``)."""
    tx = current_transaction()
    if tx is None:
        raise RuntimeError("api_keys.issue must run inside a tenant transaction")
    prefix = secrets.token_hex(5)
    secret = new_secret()
    key_id: int = await tx.connection.fetchval(
        "insert into api_key (dealer_id, name, prefix, secret_hash, role, created_by,"
        " partner_app_id) values ($1, $2, $3, $4, $5, $6, $7) returning id",
        dealer_id,
        name.strip(),
        prefix,
        digest(secret),
        role,
        tx.scope.user_id,
        partner_app_id,
    )
    after: dict[str, object] = {"name": name.strip(), "role": role, "prefix": prefix}
    if partner_app_id is not None:
        after["partner_app_id"] = partner_app_id
    await record(
        dealer_id=dealer_id,
        action="api_key.issue",
        object_type="api_key",
        object_id=key_id,
        after=after,
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
        if row is None or row["revoked_at"] is not None or row["app_disabled"]:
            return None
        if not hmac.compare_digest(bytes(row["secret_hash"]), digest(secret)):
            return None
        await tx.connection.execute("select dealernet_touch_api_key($1)", row["id"])
    app_id = row["partner_app_id"]
    return ApiKeyIdentity(
        row["id"],
        row["dealer_id"],
        row["role"],
        row["persisted_only"],
        partner_app_id=app_id,
        scopes=frozenset(row["app_scopes"] or ()) if app_id is not None else None,
    )

"""Partner applications: a dealer registers an insurer's, supplier's or manufacturer's
system, consents to scopes, disables it, and issues or revokes its keys.

Every function runs inside the caller's tenant transaction (one per mutation) and
writes an audit entry beside its change. Consent is checked against the acting
person's own permissions (``consent.check_grant``). Disabling an application stops
its keys at their next request (authentication reads the application's state), and
a revoked key stops at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import asyncpg

from tenants.access import api_keys
from tenants.access.api_keys import IssuedKey
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction, current_transaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.partners.consent import Allowed, check_grant, normalized
from tenants.partners.errors import PartnerAppDisabled, PartnerAppNameTaken

KINDS = ("insurer", "supplier", "manufacturer", "other")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class NewApp:
    name: str
    kind: str
    contact_email: str = ""
    description: str = ""
    scopes: tuple[str, ...] = ()


def _tx() -> ActiveTransaction:
    tx = current_transaction()
    if tx is None:
        raise RuntimeError("partner apps change only inside a tenant transaction")
    return tx


def _validated(new: NewApp) -> NewApp:
    name = new.name.strip()
    if not 1 <= len(name) <= 120:
        raise RuleViolation("name", "name_length", "Name is required (at most 120 characters)")
    if new.kind not in KINDS:
        raise RuleViolation("kind", "kind_known", f"Kind must be one of {', '.join(KINDS)}")
    email = new.contact_email.strip()
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        raise RuleViolation("contactEmail", "email_format", "Contact email is not an address")
    description = new.description.strip()
    if len(description) > 2000:
        raise RuleViolation("description", "description_length", "At most 2000 characters")
    return NewApp(name, new.kind, email, description, tuple(new.scopes))


async def _locked(tx: ActiveTransaction, dealer_id: int, app_id: int) -> asyncpg.Record:
    row = await tx.connection.fetchrow(
        "select * from partner_app where dealer_id = $1 and id = $2 for update", dealer_id, app_id
    )
    if row is None:
        raise RecordNotFound("Partner application")
    return row


async def register(*, dealer_id: int, new: NewApp, allowed: Allowed) -> asyncpg.Record:
    """Create an application with its first scopes (each one the person could grant)."""
    tx = _tx()
    app = _validated(new)
    scopes = normalized(app.scopes)
    check_grant(scopes, allowed)
    taken = await tx.connection.fetchval(
        "select 1 from partner_app where dealer_id = $1 and lower(name) = lower($2)",
        dealer_id,
        app.name,
    )
    if taken:
        raise PartnerAppNameTaken(app.name)
    row = await tx.connection.fetchrow(
        "insert into partner_app (dealer_id, name, kind, contact_email, description, scopes,"
        " created_by) values ($1, $2, $3, $4, $5, $6, $7) returning *",
        dealer_id,
        app.name,
        app.kind,
        app.contact_email,
        app.description,
        scopes,
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="partner_app.register",
        object_type="partner_app",
        object_id=row["id"],
        after=_audited(row),
    )
    return row


async def update_scopes(
    *, dealer_id: int, app_id: int, scopes: Iterable[str], allowed: Allowed
) -> asyncpg.Record:
    """Replace the consented scopes; the keys act by the new set from their next request."""
    tx = _tx()
    before = await _locked(tx, dealer_id, app_id)
    wanted = normalized(scopes)
    check_grant(set(wanted) - set(before["scopes"]), allowed)
    row = await tx.connection.fetchrow(
        "update partner_app set scopes = $3, updated_at = now()"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        app_id,
        wanted,
    )
    assert row is not None
    if list(before["scopes"]) != wanted:
        await record(
            dealer_id=dealer_id,
            action="partner_app.update_scopes",
            object_type="partner_app",
            object_id=app_id,
            before={"scopes": list(before["scopes"])},
            after={"scopes": wanted},
        )
    return row


async def set_disabled(*, dealer_id: int, app_id: int, disabled: bool) -> asyncpg.Record:
    """Disable (its keys stop at once) or enable an application again."""
    tx = _tx()
    before = await _locked(tx, dealer_id, app_id)
    if (before["disabled_at"] is not None) == disabled:
        return before
    row = await tx.connection.fetchrow(
        "update partner_app set disabled_at = case when $3 then now() end, updated_at = now()"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        app_id,
        disabled,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="partner_app.disable" if disabled else "partner_app.enable",
        object_type="partner_app",
        object_id=app_id,
        before={"disabled": not disabled},
        after={"disabled": disabled},
    )
    return row


async def issue_key(
    *, dealer_id: int, app_id: int, name: str, allowed: Allowed | None = None
) -> IssuedKey:
    """A new key for an enabled application; the secret is returned once, never stored.

    Whoever holds the secret acts with all of the application's scopes, so the person
    issuing it must be able to grant each of them (SCOPE_NOT_GRANTABLE): otherwise a
    colleague with ``api_key:manage`` could take a key for what a better-placed manager
    consented to. ``allowed=None`` only for code acting for no person (seeding)."""
    tx = _tx()
    app = await _locked(tx, dealer_id, app_id)
    if app["disabled_at"] is not None:
        raise PartnerAppDisabled()
    if allowed is not None:
        check_grant(app["scopes"], allowed)
    label = name.strip() or f"{app['name']} key"
    if len(label) > 120:
        raise RuleViolation("name", "name_length", "Key name is at most 120 characters")
    return await api_keys.issue(dealer_id=dealer_id, name=label, role=None, partner_app_id=app_id)


async def revoke_key(*, dealer_id: int, app_id: int, key_id: int) -> None:
    """Revoke one of the application's keys (NOT_FOUND for another app's or a revoked key)."""
    tx = _tx()
    owner = await tx.connection.fetchval(
        "select partner_app_id from api_key where dealer_id = $1 and id = $2", dealer_id, key_id
    )
    if owner != app_id or not await api_keys.revoke(dealer_id=dealer_id, key_id=key_id):
        raise RecordNotFound("Active key of this application")


def _audited(row: Any) -> dict[str, Any]:
    return {
        "name": row["name"],
        "kind": row["kind"],
        "contact_email": row["contact_email"],
        "scopes": list(row["scopes"]),
    }

"""Dealer overrides of the role catalog: the only way policy changes, always audited.

A dealer adapts the catalog for its own roles: grant or withdraw a permission
(``permission``), give or take away a work queue (``duty``) or change an
authority limit (``limit``). Changes run in the caller's tenant transaction so
the override, the revocation it replaces and the audit entry commit together;
the table's trigger then NOTIFYs every ``PolicyStore`` to reload.

Region and manufacturer roles are the manufacturer's, so a dealer cannot override
them; API keys never change policy.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from policies.catalog import (
    DEALER_ROLES,
    DUTIES,
    DUTY_ACTION,
    LIMITS,
    OBJECTS,
    PERMISSIONS,
    ROLES,
)
from policies.errors import PolicyDenied, PolicyInputError
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction, current_transaction

if TYPE_CHECKING:
    from policies.store import PolicyStore

KINDS = ("permission", "duty", "limit")
EFFECTS = ("allow", "deny")
MAX_AMOUNT = Decimal("999999999999.99")
"""What ``numeric(14, 2)`` holds."""
MAX_REASON = 1000


def validate_override(
    *,
    role: str,
    kind: str,
    object: str,
    action: str = "",
    effect: str = "allow",
    amount: Decimal | int | str | None = None,
    reason: str,
) -> tuple[str, str, str, Decimal | None, str]:
    """Check an override against the catalogs; return (object, action, effect, amount, reason)
    as stored. Raises ``PolicyInputError`` naming the offending argument."""
    if role not in ROLES:
        raise PolicyInputError("role", f"unknown role {role!r}")
    if role not in DEALER_ROLES:
        raise PolicyInputError(
            "role", f"{role} is a {ROLES[role].scope} role, set by the manufacturer, not a dealer"
        )
    if kind not in KINDS:
        raise PolicyInputError("kind", f"kind must be one of {', '.join(KINDS)}")
    if effect not in EFFECTS:
        raise PolicyInputError("effect", "effect must be allow or deny")
    reason = (reason or "").strip()
    if not reason:
        raise PolicyInputError("reason", "a policy change needs a reason")
    if len(reason) > MAX_REASON:
        raise PolicyInputError("reason", f"at most {MAX_REASON} characters")

    if kind == "permission":
        if object not in OBJECTS:
            raise PolicyInputError("object", f"unknown object {object!r}")
        if (object, action) not in PERMISSIONS:
            known = sorted(a for o, a in PERMISSIONS if o == object)
            raise PolicyInputError(
                "action", f"{object} has no action {action!r}; known: {', '.join(known)}"
            )
        if (role, object, action, effect) == ("service_manager", "policy", "manage", "deny"):
            raise PolicyInputError(
                "effect", "denying policy:manage to the service manager locks the dealer out"
            )
    elif kind == "duty":
        if object not in DUTIES:
            raise PolicyInputError("object", f"unknown duty {object!r}")
        if action not in ("", DUTY_ACTION):
            raise PolicyInputError("action", f"a duty takes no action (or {DUTY_ACTION!r})")
        action = DUTY_ACTION
    else:
        if object not in LIMITS:
            raise PolicyInputError("object", f"unknown limit {object!r}")
        if action:
            raise PolicyInputError("action", "a limit takes no action")
        if effect != "allow":
            raise PolicyInputError(
                "effect", "a limit is replaced by an amount; an amount of 0 withdraws it"
            )
        return object, "", effect, _amount(amount), reason

    if amount is not None:
        raise PolicyInputError("amount", "only limits take an amount")
    return object, action, effect, None, reason


def _amount(amount: Decimal | int | str | None) -> Decimal:
    if amount is None:
        raise PolicyInputError("amount", "a limit needs an amount in CNY")
    if isinstance(amount, float):
        raise PolicyInputError("amount", "give the amount as a decimal, not a float")
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise PolicyInputError("amount", f"not an amount: {amount!r}") from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise PolicyInputError("amount", f"the amount must be between 0 and {MAX_AMOUNT}")
    if value != value.quantize(Decimal("0.01")):
        raise PolicyInputError("amount", "at most two decimal places (fen)")
    return value.quantize(Decimal("0.01"))


def _actor(dealer_id: int, store: PolicyStore | None) -> tuple[ActiveTransaction, int]:
    """The enclosing transaction and the person acting; refuses keys and foreign dealers."""
    tx = current_transaction()
    if tx is None:
        raise RuntimeError("policy overrides must run inside a tenant transaction")
    if tx.scope.api_key_id is not None:
        raise PolicyDenied("policy", "manage", "API keys may not change policies")
    if tx.scope.user_id is None:
        raise PolicyDenied("policy", "manage", "a policy change needs a signed-in person")
    if dealer_id not in tx.scope.dealer_ids:
        raise PolicyDenied("policy", "manage", f"dealer {dealer_id} is not in this scope")
    if store is not None:
        from policies.store import Subject

        store.require(Subject.user(tx.scope.user_id), dealer_id, "policy", "manage")
    return tx, tx.scope.user_id


async def set_override(
    *,
    dealer_id: int,
    role: str,
    kind: str,
    object: str,
    action: str = "",
    effect: str = "allow",
    amount: Decimal | int | str | None = None,
    reason: str,
    store: PolicyStore | None = None,
) -> dict[str, Any]:
    """Create or replace the dealer's override for (role, kind, object, action).

    Returns the new row. With ``store`` the actor must hold ``policy:manage`` there;
    without it the caller is expected to have checked. An active override of the
    same key is revoked in the same transaction and the audit entry carries it as
    ``before``.
    """
    obj, action, effect, value, reason = validate_override(
        role=role,
        kind=kind,
        object=object,
        action=action,
        effect=effect,
        amount=amount,
        reason=reason,
    )
    tx, user_id = _actor(dealer_id, store)
    connection = tx.connection
    previous = await connection.fetchrow(
        """
        update policy_override set revoked_by = $6, revoked_at = now()
         where dealer_id = $1 and role = $2 and kind = $3 and object = $4 and action = $5
           and revoked_at is null
        returning *
        """,
        dealer_id,
        role,
        kind,
        obj,
        action,
        user_id,
    )
    created = await connection.fetchrow(
        """
        insert into policy_override
          (dealer_id, role, kind, object, action, effect, amount, reason, created_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        returning *
        """,
        dealer_id,
        role,
        kind,
        obj,
        action,
        effect,
        value,
        reason,
        user_id,
    )
    after = dict(created)
    await record(
        dealer_id=dealer_id,
        action="policy.override.set",
        object_type="policy_override",
        object_id=after["id"],
        before=dict(previous) if previous is not None else None,
        after=after,
    )
    return after


async def revoke_override(
    *, dealer_id: int, override_id: int, store: PolicyStore | None = None
) -> dict[str, Any]:
    """Revoke an active override (the row stays, revoked, for the record); returns it."""
    tx, user_id = _actor(dealer_id, store)
    revoked = await tx.connection.fetchrow(
        """
        update policy_override set revoked_by = $3, revoked_at = now()
         where id = $1 and dealer_id = $2 and revoked_at is null
        returning *
        """,
        override_id,
        dealer_id,
        user_id,
    )
    if revoked is None:
        raise PolicyInputError(
            "override_id", f"#{override_id} is not an active override of dealer {dealer_id}"
        )
    after = dict(revoked)
    before = {**after, "revoked_by": None, "revoked_at": None}
    await record(
        dealer_id=dealer_id,
        action="policy.override.revoke",
        object_type="policy_override",
        object_id=override_id,
        before=before,
        after=after,
    )
    return after

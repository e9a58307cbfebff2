"""The customer's decision on a quotation revision, and the supervisor's before it.

Above the preparing advisor's authority limit a supervisor with ``quotation:approve``
whose own limit covers the customer total approves first, and never the person who
prepared it. The customer then approves by signature at the desk, or through a link
with a one-time token (only its SHA-256 is stored; it expires after the dealer's
``approval_link_hours`` and works once). Approving marks the revision's lines approved,
supersedes the previously approved revision and moves the promised time; declining
records the lines as declined work.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg

from policies.errors import PolicyDenied
from policies.segregation import ensure_not_requester
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction, TenantScope, network_transaction, tenant_transaction
from tenants.service.board_events import publish_board_change

from .errors import OrderNotFound, OrderRuleError
from .quotation import release_reservations, require_changeable
from .state_machine import transition
from .walkaround import validate_signature

TOKEN_BYTES = 32


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def lock_revision(connection: asyncpg.Connection, revision_id: int) -> asyncpg.Record:
    revision = await connection.fetchrow(
        "select * from order_revision where id = $1 for update", revision_id
    )
    if revision is None:
        raise OrderNotFound("Quotation revision")
    return revision


def _require_pending(revision: asyncpg.Record) -> None:
    if revision["status"] != "pending":
        raise OrderRuleError(
            "revision_decided",
            f"revision {revision['revision']} is {revision['status']}; it cannot be decided again",
            field="revisionId",
        )


def _require_supervisor_done(revision: asyncpg.Record) -> None:
    if revision["requires_supervisor"] and revision["supervisor_approved_at"] is None:
        raise OrderRuleError(
            "supervisor_approval_required",
            f"the customer total {revision['customer_total']} is above the advisor's authority"
            " limit; a supervisor approves it first",
            field="revisionId",
        )


async def approve_as_supervisor(
    tx: ActiveTransaction,
    revision_id: int,
    authority_limit: Decimal | None,
    request_id: str = "",
) -> asyncpg.Record:
    """The caller holds ``quotation:approve`` (checked by the API); here: the limit and
    segregation (the preparer cannot approve their own quotation)."""
    connection = tx.connection
    revision = await lock_revision(connection, revision_id)
    _require_pending(revision)
    if not revision["requires_supervisor"]:
        raise OrderRuleError(
            "supervisor_not_needed",
            "the quotation is within the advisor's limit",
            field="revisionId",
        )
    if revision["supervisor_approved_at"] is not None:
        raise OrderRuleError(
            "supervisor_already_approved", "a supervisor already approved it", field="revisionId"
        )
    assert tx.scope.user_id is not None
    ensure_not_requester(tx.scope.user_id, revision["created_by"], "quotation approval")
    if authority_limit is None or revision["customer_total"] > authority_limit:
        raise PolicyDenied(
            "quotation",
            "approve",
            f"the customer total {revision['customer_total']} is above your authority limit"
            f" ({authority_limit if authority_limit is not None else 'none'})",
        )
    row = await connection.fetchrow(
        "update order_revision set supervisor_approved_by = $2, supervisor_approved_at = now()"
        " where id = $1 returning *",
        revision_id,
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=revision["dealer_id"],
        action="quotation.supervisor_approve",
        object_type="repair_order",
        object_id=revision["repair_order_id"],
        after={
            "revision": revision["revision"],
            "customer_total": revision["customer_total"],
            "limit": authority_limit,
        },
        request_id=request_id,
    )
    return row


async def _line_ids(connection: asyncpg.Connection, revision_id: int) -> list[int]:
    return [
        r["id"]
        for r in await connection.fetch(
            "select (e ->> 'id')::bigint as id"
            " from order_revision, jsonb_array_elements(lines) e where id = $1",
            revision_id,
        )
    ]


async def decide(
    tx: ActiveTransaction,
    revision_id: int,
    *,
    approve: bool,
    method: str,
    signature: str | None = None,
    request_id: str = "",
) -> asyncpg.Record:
    """Record the customer's decision; see the module docstring."""
    connection = tx.connection
    revision = await lock_revision(connection, revision_id)
    _require_pending(revision)
    order_id: int = revision["repair_order_id"]
    order = await connection.fetchrow(
        "select * from repair_order where id = $1 for update", order_id
    )
    assert order is not None
    if approve:
        require_changeable(order)
        _require_supervisor_done(revision)
        if method == "signature":
            signature = validate_signature(signature or "")
        elif signature:
            signature = validate_signature(signature)
    line_ids = await _line_ids(connection, revision_id)
    if approve:
        await connection.execute(
            "update repair_order_line set status = 'approved'"
            " where id = any($1::bigint[]) and status = 'proposed'",
            line_ids,
        )
        await connection.execute(
            "update order_revision set status = 'superseded'"
            " where repair_order_id = $1 and status = 'approved'",
            order_id,
        )
        await connection.execute(
            "update repair_order set approved_revision = $2,"
            " promised_at = coalesce($3, promised_at) where id = $1",
            order_id,
            revision["revision"],
            revision["promised_at"],
        )
    else:
        declined = await connection.fetch(
            "update repair_order_line set status = 'declined', declined_at = now()"
            " where id = any($1::bigint[]) and status = 'proposed' returning id",
            line_ids,
        )
        await release_reservations(connection, [r["id"] for r in declined])
    row = await connection.fetchrow(
        "update order_revision set status = $2, decided_at = now(), approval_method = $3,"
        " signature = $4 where id = $1 returning *",
        revision_id,
        "approved" if approve else "declined",
        method,
        signature,
    )
    assert row is not None
    await record(
        dealer_id=revision["dealer_id"],
        action="quotation.approve" if approve else "quotation.decline",
        object_type="repair_order",
        object_id=order_id,
        after={
            "revision": revision["revision"],
            "method": method,
            "customer_total": revision["customer_total"],
        },
        request_id=request_id,
    )
    if order["status"] == "awaiting_approval":
        note = f"quotation r{revision['revision']} {'approved' if approve else 'declined'}"
        await transition(
            tx, order_id, "approved" if approve else "open", note, request_id=request_id
        )
    else:
        await publish_board_change(revision["dealer_id"], order_id)
    return row


@dataclass(frozen=True)
class ApprovalLink:
    token: str
    expires_at: datetime


async def create_approval_link(
    tx: ActiveTransaction, revision_id: int, request_id: str = ""
) -> ApprovalLink:
    """A fresh one-time token for the revision (an earlier link stops working)."""
    connection = tx.connection
    revision = await lock_revision(connection, revision_id)
    _require_pending(revision)
    _require_supervisor_done(revision)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at: datetime = await connection.fetchval(
        """
        update order_revision set token_hash = $2,
          token_expires_at = now() + make_interval(hours => coalesce(
            (select approval_link_hours from service_settings where dealer_id = $3), 48))
        where id = $1 returning token_expires_at
        """,
        revision_id,
        token_hash(token),
        revision["dealer_id"],
    )
    await record(
        dealer_id=revision["dealer_id"],
        action="quotation.link",
        object_type="repair_order",
        object_id=revision["repair_order_id"],
        after={"revision": revision["revision"], "expires_at": expires_at},
        request_id=request_id,
    )
    return ApprovalLink(token, expires_at)


@dataclass(frozen=True)
class LinkTarget:
    dealer_id: int
    order_id: int
    revision: int


async def resolve_token(token: str) -> LinkTarget:
    """The revision behind a link, before any tenant scope (a definer function that
    finds it by the token's hash only); refused when unknown, used or expired."""
    if not token or len(token) > 200:
        raise OrderRuleError("link_invalid", "this approval link is not valid", field="token")
    async with network_transaction(fresh=True) as tx:
        row = await tx.connection.fetchrow(
            "select *, token_expires_at < now() as expired from dealernet_revision_by_token($1)",
            token_hash(token),
        )
    if row is None:
        raise OrderRuleError("link_invalid", "this approval link is not valid", field="token")
    if row["status"] != "pending":
        raise OrderRuleError(
            "link_used", f"this quotation was already {row['status']}", field="token"
        )
    if row["expired"]:
        raise OrderRuleError(
            "link_expired", "this approval link has expired; ask for a new one", field="token"
        )
    return LinkTarget(row["dealer_id"], row["repair_order_id"], row["revision"])


def link_scope(target: LinkTarget) -> TenantScope:
    """The customer acts without an account: the dealer's scope, no user."""
    return TenantScope.of((target.dealer_id,))


async def revision_for_link(tx: ActiveTransaction, target: LinkTarget) -> asyncpg.Record:
    row = await tx.connection.fetchrow(
        "select r.*, o.number, d.name as dealer_name, o.status as order_status"
        " from order_revision r join repair_order o on o.dealer_id = r.dealer_id"
        " and o.id = r.repair_order_id join dealer d on d.id = r.dealer_id"
        " where r.dealer_id = $1 and r.repair_order_id = $2 and r.revision = $3",
        target.dealer_id,
        target.order_id,
        target.revision,
    )
    if row is None:
        raise OrderRuleError("link_invalid", "this approval link is not valid", field="token")
    return row


async def decide_by_token(
    token: str, *, approve: bool, signature: str | None = None
) -> asyncpg.Record:
    """The customer's decision through the link, in the dealer's scope; the token works
    once: the revision is no longer pending afterwards."""
    target = await resolve_token(token)
    async with tenant_transaction(link_scope(target)) as tx:
        revision = await revision_for_link(tx, target)
        stored = await tx.connection.fetchval(
            "select token_hash from order_revision where id = $1 for update", revision["id"]
        )
        if stored != token_hash(token):
            raise OrderRuleError("link_invalid", "this approval link is not valid", field="token")
        return await decide(tx, revision["id"], approve=approve, method="link", signature=signature)

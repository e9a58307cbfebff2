"""The three signatures of a write-off (报损会签) and what the third one sets off.

A write-off is confirmed jointly by the service manager, the claims supervisor and
the parts manager: each signs in one capacity, which they must hold as a role at
the dealer; three different people, none of them the requester (a person holding
two of the roles still signs once, see ``policies.segregation``). Any signer may
refuse, which rejects the write-off. The third approval books one ``write_off``
movement at FIFO cost and records the loss split (``loss_split``): the company,
the signing service manager, the signing parts manager and the keeper named on
the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

import asyncpg

from policies.catalog import WRITE_OFF_CAPACITIES
from policies.segregation import ensure_distinct_approvers
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts import ledger
from tenants.parts.errors import RuleViolation
from tenants.parts.loss_split import split_loss
from tenants.parts.write_offs import LockedWriteOff, has_role, lock_write_off, refuse_transition

Decision = Literal["approved", "rejected"]
CAPACITIES: Final[tuple[str, ...]] = tuple(WRITE_OFF_CAPACITIES)
MAX_NOTE = 1000


@dataclass(frozen=True)
class SignOutcome:
    status: str
    missing: frozenset[str]
    movement_id: int | None = None
    loss_amount: Decimal | None = None


async def signatures(
    connection: asyncpg.Connection, dealer_id: int, write_off_id: int
) -> list[tuple[int, str]]:
    rows = await connection.fetch(
        "select user_id, capacity from write_off_signature"
        " where dealer_id = $1 and write_off_id = $2 order by id",
        dealer_id,
        write_off_id,
    )
    return [(r["user_id"], r["capacity"]) for r in rows]


async def sign_write_off(
    tx: ActiveTransaction,
    dealer_id: int,
    write_off_id: int,
    *,
    capacity: str,
    decision: Decision,
    note: str = "",
    request_id: str = "",
) -> SignOutcome:
    """Sign as the person of the transaction, in ``capacity``. The caller has checked
    ``parts_write_off:approve``; here the role, the segregation and the state."""
    signer = tx.scope.user_id
    if signer is None:
        raise RuleViolation("capacity", "personal_signature", "Only a person signs a write-off")
    role = WRITE_OFF_CAPACITIES.get(capacity)
    if role is None:
        raise RuleViolation("capacity", "write_off_capacity", f"Unknown capacity {capacity!r}")
    text = note.strip()
    if decision == "rejected" and not text:
        raise RuleViolation("note", "rejection_note", "Say why the write-off is refused")
    if len(text) > MAX_NOTE:
        raise RuleViolation("note", "too_long", f"A note has at most {MAX_NOTE} characters")
    connection = tx.connection
    write_off = await lock_write_off(connection, dealer_id, write_off_id)
    if write_off.status != "requested":
        raise refuse_transition(write_off, "signed", "requested")
    if not await has_role(connection, dealer_id, signer, role):
        raise RuleViolation(
            "capacity",
            "signer_capacity",
            f"Only a {role.replace('_', ' ')} of this dealer signs as {capacity.replace('_', ' ')}",
        )
    so_far = await signatures(connection, dealer_id, write_off_id)
    missing = ensure_distinct_approvers(
        write_off.requested_by,
        [*so_far, (signer, capacity)],
        CAPACITIES,
        what=f"Write-off {write_off.number}",
    )
    await connection.execute(
        "insert into write_off_signature (dealer_id, write_off_id, capacity, user_id, decision,"
        " note) values ($1, $2, $3, $4, $5, $6)",
        dealer_id,
        write_off_id,
        capacity,
        signer,
        decision,
        text,
    )
    await record(
        dealer_id=dealer_id,
        action=f"write_off.sign.{decision}",
        object_type="write_off",
        object_id=write_off_id,
        after={"number": write_off.number, "capacity": capacity, "note": text},
        request_id=request_id,
    )
    if decision == "rejected":
        await connection.execute(
            "update write_off set status = 'rejected', decided_at = now()"
            " where dealer_id = $1 and id = $2",
            dealer_id,
            write_off_id,
        )
        await record(
            dealer_id=dealer_id,
            action="write_off.reject",
            object_type="write_off",
            object_id=write_off_id,
            before={"status": "requested"},
            after={"status": "rejected", "number": write_off.number, "by": capacity},
            request_id=request_id,
        )
        return SignOutcome("rejected", missing)
    if missing:
        return SignOutcome("requested", missing)
    signers = {cap: user for user, cap in [*so_far, (signer, capacity)]}
    return await _approve(tx, dealer_id, write_off, signers, request_id=request_id)


async def _approve(
    tx: ActiveTransaction,
    dealer_id: int,
    write_off: LockedWriteOff,
    signers: dict[str, int],
    *,
    request_id: str,
) -> SignOutcome:
    """Book the movement, value the loss exactly as the lots it took, split it."""
    connection = tx.connection
    if write_off.warehouse_keeper_id is None:
        raise RuleViolation(
            "warehouseKeeperId", "warehouse_keeper_role", "The request names no warehouse keeper"
        )
    movement = await ledger.post(
        tx,
        dealer_id,
        write_off.stock_item_id,
        "write_off",
        write_off.quantity,
        document_type="write_off",
        document_id=write_off.id,
        reason=f"{write_off.number}: {write_off.reason}",
    )
    loss: Decimal = await connection.fetchval(
        "select coalesce(sum(quantity * unit_cost), 0) from stock_lot_allocation"
        " where dealer_id = $1 and movement_id = $2",
        dealer_id,
        movement.id,
    )
    shares = split_loss(loss)
    people = {
        "company": None,
        "service_manager": signers["service_manager"],
        "parts_manager": signers["parts_manager"],
        "warehouse_keeper": write_off.warehouse_keeper_id,
    }
    await connection.execute(
        "insert into write_off_loss_share (dealer_id, write_off_id, party, user_id, share, amount)"
        " select $1, $2, s.party, s.person, s.share, s.amount"
        " from unnest($3::text[], $4::bigint[], $5::numeric[], $6::numeric[])"
        " as s(party, person, share, amount)",
        dealer_id,
        write_off.id,
        [s.party for s in shares],
        [people[s.party] for s in shares],
        [s.share for s in shares],
        [s.amount for s in shares],
    )
    total = sum((s.amount for s in shares), Decimal(0))
    await connection.execute(
        "update write_off set status = 'approved', decided_at = now(), movement_id = $3,"
        " unit_cost = $4, loss_amount = $5 where dealer_id = $1 and id = $2",
        dealer_id,
        write_off.id,
        movement.id,
        movement.unit_cost,
        total,
    )
    await record(
        dealer_id=dealer_id,
        action="write_off.approve",
        object_type="write_off",
        object_id=write_off.id,
        before={"status": "requested"},
        after={
            "status": "approved",
            "number": write_off.number,
            "movementId": movement.id,
            "loss": total,
            "shares": [
                {"party": s.party, "userId": people[s.party], "amount": s.amount} for s in shares
            ],
        },
        request_id=request_id,
    )
    return SignOutcome("approved", frozenset(), movement.id, total)

"""Transfers (调拨) between dealers of one region.

The requesting dealer owns the transfer; the giving (source) dealer sees it too (RLS on
either dealer) and decides it. requested -> approved (the giver checks its own free
stock) -> shipped (the giver's keeper books ``transfer_out`` on the giver's ledger at
FIFO cost) -> received (the requester books ``transfer_in`` at that cost on its own
ledger); the giver may reject a request, the requester may cancel before shipping.
Each side only ever writes its own ledger, in a transaction scoped to itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

import asyncpg

from policies.segregation import ensure_not_requester
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tenants.parts.errors import InsufficientStock, RecordNotFound, RuleViolation
from tenants.parts.ledger import lock_items, post
from tenants.parts.numbering import next_document_number
from tenants.parts.reorder_review import lock_suggestions, quantity_of
from tenants.parts.reorder_sql import TRANSFER_OFFERS_SQL
from tenants.parts.stock import lock_stock_items

Status = Literal["requested", "approved", "shipped", "received", "rejected", "cancelled"]

ALLOWED: Final[frozenset[tuple[str, str]]] = frozenset(
    {
        ("requested", "approved"),
        ("requested", "rejected"),
        ("requested", "cancelled"),
        ("approved", "cancelled"),
        ("approved", "shipped"),
        ("shipped", "received"),
    }
)
_REFUSALS: Final[dict[str, str]] = {
    "approved": "only a requested transfer can be approved",
    "rejected": "only a requested transfer can be rejected",
    "cancelled": "a transfer can be cancelled only before it is shipped",
    "shipped": "only an approved transfer can be shipped",
    "received": "only a shipped transfer can be received",
}


def check_transition(from_status: str, to_status: str) -> None:
    """Refuse a move off the table with rule ``status_transition``."""
    if (from_status, to_status) not in ALLOWED:
        raise RuleViolation(
            "status",
            "status_transition",
            f"{from_status} -> {to_status}: {_REFUSALS.get(to_status, 'not a transfer step')}",
            fromStatus=from_status,
            toStatus=to_status,
        )


@dataclass(frozen=True)
class Offer:
    """What another dealer of the region could give: no other figure of it leaves."""

    dealer_id: int
    dealer_code: str
    dealer_name: str
    dealer_name_zh: str
    part_id: int
    part_number: str
    quantity: Decimal
    slow_moving: bool


async def _region_of(connection: asyncpg.Connection, dealer_ids: list[int]) -> dict[int, int]:
    rows = await connection.fetch(
        "select id, region_id from dealer where id = any($1::bigint[])", dealer_ids
    )
    return {r["id"]: r["region_id"] for r in rows}


async def offers_for_part(dealer_id: int, part_id: int, *, user_id: int | None) -> list[Offer]:
    """Surplus or slow-moving stock of the part (its current number and the numbers it
    replaced) at the other dealers of the dealer's region, read in a transaction of
    its own that sees the region (the dealer list has no RLS)."""
    async with tenant_transaction(TenantScope.of(()), fresh=True) as probe:
        region = [
            r["id"]
            for r in await probe.connection.fetch(
                "select id from dealer where region_id ="
                " (select region_id from dealer where id = $1)",
                dealer_id,
            )
        ]
        current = await probe.connection.fetchval(
            """
            with recursive up (id, depth) as (
              select $1::bigint, 0
              union all
              select p.superseded_by, up.depth + 1 from up join part p on p.id = up.id
               where p.superseded_by is not null and up.depth < 20
            )
            select id from up order by depth desc limit 1
            """,
            part_id,
        )
    async with tenant_transaction(TenantScope.of(region, user_id), fresh=True) as tx:
        rows = await tx.connection.fetch(TRANSFER_OFFERS_SQL, dealer_id, [0], [current])
    return [
        Offer(
            r["dealer_id"],
            r["code"],
            r["name"],
            r["name_zh"],
            r["part_id"],
            r["part_number"],
            r["quantity"],
            r["slow_moving"],
        )
        for r in rows
    ]


async def request_transfer(
    tx: ActiveTransaction,
    dealer_id: int,
    *,
    source_dealer_id: int,
    part_id: int,
    quantity: Decimal | None,
    note: str = "",
    suggestion_id: int | None = None,
    request_id: str = "",
) -> int:
    """Ask a dealer of the same region for a part, by hand or from a suggestion (which
    then becomes ``transferred``; its quantity is the default)."""
    connection = tx.connection
    if source_dealer_id == dealer_id:
        raise RuleViolation(
            "sourceDealerId", "other_dealer", "A transfer comes from another dealer"
        )
    regions = await _region_of(connection, [dealer_id, source_dealer_id])
    if source_dealer_id not in regions:
        raise RecordNotFound("Dealer")
    if regions[source_dealer_id] != regions[dealer_id]:
        raise RuleViolation(
            "sourceDealerId",
            "same_region",
            "Parts are transferred only between dealers of the same region",
        )
    part = await connection.fetchrow(
        """
        select p.id, p.part_number, p.pack_size from part p
         where p.id = $1 and p.manufacturer_id = (
           select r.manufacturer_id from dealer d join region r on r.id = d.region_id
            where d.id = $2)
        """,
        part_id,
        dealer_id,
    )
    if part is None:
        raise RecordNotFound("Part")
    if suggestion_id is not None:
        (suggestion,) = await lock_suggestions(connection, dealer_id, [suggestion_id])
        same_family = await connection.fetchval(
            """
            with recursive up (id, depth) as (
              select $1::bigint, 0
              union all
              select p.superseded_by, up.depth + 1 from up join part p on p.id = up.id
               where p.superseded_by is not null and up.depth < 20
            )
            select exists (select 1 from up join stock_item i on i.part_id = up.id
                            where i.dealer_id = $2 and i.id = $3)
            """,
            part_id,
            dealer_id,
            suggestion["stock_item_id"],
        )
        if not same_family:
            raise RuleViolation(
                "partId",
                "same_part",
                "The transfer must be of the suggested part or one it replaced",
            )
        if quantity is None:
            quantity = quantity_of(suggestion)
    if quantity is None or quantity <= 0:
        raise RuleViolation("quantity", "positive", "A transfer needs a positive quantity")
    number = await next_document_number(connection, dealer_id, "TR")
    transfer_id: int = await connection.fetchval(
        """
        insert into parts_transfer (dealer_id, source_dealer_id, number, part_id, quantity,
                                    suggestion_id, note, requested_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8) returning id
        """,
        dealer_id,
        source_dealer_id,
        number,
        part_id,
        quantity,
        suggestion_id,
        note.strip(),
        tx.scope.user_id,
    )
    if suggestion_id is not None:
        await connection.execute(
            "update reorder_suggestion set status = 'transferred', decided_by = $3,"
            " decided_at = now() where dealer_id = $1 and id = $2",
            dealer_id,
            suggestion_id,
            tx.scope.user_id,
        )
    await record(
        dealer_id=dealer_id,
        action="parts_transfer.request",
        object_type="parts_transfer",
        object_id=transfer_id,
        after={
            "number": number,
            "source_dealer_id": source_dealer_id,
            "part_number": part["part_number"],
            "quantity": quantity,
            "suggestion_id": suggestion_id,
        },
        request_id=request_id,
    )
    return transfer_id


async def _lock(
    connection: asyncpg.Connection,
    transfer_id: int,
    *,
    giver: int | None = None,
    requester: int | None = None,
) -> asyncpg.Record:
    """The transfer, locked, as seen from one side (the other side gets NOT_FOUND)."""
    row = await connection.fetchrow(
        """
        select t.*, p.part_number from parts_transfer t join part p on p.id = t.part_id
         where t.id = $1 and ($2::bigint is null or t.source_dealer_id = $2)
           and ($3::bigint is null or t.dealer_id = $3)
           for update of t
        """,
        transfer_id,
        giver,
        requester,
    )
    if row is None:
        raise RecordNotFound("Transfer")
    return row


async def _audit(
    tx: ActiveTransaction,
    dealer_id: int,
    row: asyncpg.Record,
    to_status: str,
    request_id: str,
    **after: object,
) -> None:
    await record(
        dealer_id=dealer_id,
        action=f"parts_transfer.{to_status}",
        object_type="parts_transfer",
        object_id=row["id"],
        before={"status": row["status"]},
        after={"status": to_status, "number": row["number"], **after},
        request_id=request_id,
    )


async def _free_at_giver(
    connection: asyncpg.Connection, giver: int, transfer: asyncpg.Record
) -> tuple[int, Decimal]:
    """The giver's stock item of the part, locked, and what is free on it: on hand less
    reservations and less what other approved transfers already promised."""
    item_id = await connection.fetchval(
        "select id from stock_item where dealer_id = $1 and part_id = $2",
        giver,
        transfer["part_id"],
    )
    if item_id is None:
        raise InsufficientStock(transfer["part_number"], transfer["quantity"], Decimal(0))
    item = (await lock_items(connection, giver, [item_id]))[item_id]
    promised: Decimal = await connection.fetchval(
        "select coalesce(sum(quantity), 0) from parts_transfer where source_dealer_id = $1"
        " and part_id = $2 and status = 'approved' and id <> $3",
        giver,
        transfer["part_id"],
        transfer["id"],
    )
    return item_id, item.available - promised


async def decide(
    tx: ActiveTransaction,
    giver: int,
    transfer_id: int,
    *,
    approve: bool,
    note: str = "",
    request_id: str = "",
) -> None:
    """The giving dealer approves (if its free stock covers it) or rejects (saying why)."""
    connection = tx.connection
    row = await _lock(connection, transfer_id, giver=giver)
    to_status = "approved" if approve else "rejected"
    check_transition(row["status"], to_status)
    item_id: int | None = None
    if approve:
        item_id, free = await _free_at_giver(connection, giver, row)
        if free < row["quantity"]:
            raise InsufficientStock(row["part_number"], row["quantity"], free)
    elif not note.strip():
        raise RuleViolation("note", "reason_required", "Say why the transfer is rejected")
    await connection.execute(
        "update parts_transfer set status = $2, decided_by = $3, decided_at = now(),"
        " decision_note = $4, source_stock_item_id = coalesce($5, source_stock_item_id)"
        " where id = $1",
        transfer_id,
        to_status,
        tx.scope.user_id,
        note.strip(),
        item_id,
    )
    await _audit(tx, giver, row, to_status, request_id, note=note.strip())


async def ship(
    tx: ActiveTransaction, giver: int, transfer_id: int, *, request_id: str = ""
) -> None:
    """The giver's keeper ships: ``transfer_out`` on the giver's ledger at FIFO cost.
    Parts leave against a decision by someone else than the keeper."""
    connection = tx.connection
    row = await _lock(connection, transfer_id, giver=giver)
    check_transition(row["status"], "shipped")
    if tx.scope.user_id is not None:
        ensure_not_requester(tx.scope.user_id, row["decided_by"], "transfer shipment")
    item_id, free = await _free_at_giver(connection, giver, row)
    if free < row["quantity"]:
        raise InsufficientStock(row["part_number"], row["quantity"], free)
    movement = await post(
        tx,
        giver,
        item_id,
        "transfer_out",
        row["quantity"],
        document_type="parts_transfer",
        document_id=transfer_id,
        reason=f"Transfer {row['number']}",
    )
    await connection.execute(
        "update parts_transfer set status = 'shipped', shipped_by = $2, shipped_at = now(),"
        " out_movement_id = $3, unit_cost = $4, source_stock_item_id = $5 where id = $1",
        transfer_id,
        tx.scope.user_id,
        movement.id,
        movement.unit_cost,
        item_id,
    )
    await _audit(tx, giver, row, "shipped", request_id, unit_cost=movement.unit_cost)


async def receive(
    tx: ActiveTransaction, requester: int, transfer_id: int, *, request_id: str = ""
) -> None:
    """The requester receives: ``transfer_in`` at the shipped cost on its own ledger (a
    part it never stocked gets a stock item)."""
    connection = tx.connection
    row = await _lock(connection, transfer_id, requester=requester)
    check_transition(row["status"], "received")
    item_id = (await lock_stock_items(connection, requester, [row["part_id"]]))[row["part_id"]]
    movement = await post(
        tx,
        requester,
        item_id,
        "transfer_in",
        row["quantity"],
        document_type="parts_transfer",
        document_id=transfer_id,
        reason=f"Transfer {row['number']}",
        unit_cost=row["unit_cost"],
    )
    await connection.execute(
        "update parts_transfer set status = 'received', received_by = $2, received_at = now(),"
        " in_movement_id = $3, stock_item_id = $4 where id = $1",
        transfer_id,
        tx.scope.user_id,
        movement.id,
        item_id,
    )
    await _audit(tx, requester, row, "received", request_id)


async def cancel(
    tx: ActiveTransaction, requester: int, transfer_id: int, *, reason: str, request_id: str = ""
) -> None:
    """The requester withdraws before shipping; a suggestion it came from opens again
    while its run is the latest."""
    connection = tx.connection
    row = await _lock(connection, transfer_id, requester=requester)
    check_transition(row["status"], "cancelled")
    if not reason.strip():
        raise RuleViolation("reason", "reason_required", "Say why the transfer is cancelled")
    await connection.execute(
        "update parts_transfer set status = 'cancelled', decision_note = $2 where id = $1",
        transfer_id,
        reason.strip(),
    )
    if row["suggestion_id"] is not None:
        await connection.execute(
            """
            update reorder_suggestion s set status = 'open', decided_by = null, decided_at = null
             where s.dealer_id = $1 and s.id = $2 and s.status = 'transferred'
               and s.run_id = (select max(id) from reorder_run r
                                where r.dealer_id = $1 and r.status = 'done')
            """,
            requester,
            row["suggestion_id"],
        )
    await _audit(tx, requester, row, "cancelled", request_id, reason=reason.strip())

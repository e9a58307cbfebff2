"""The stock ledger: the one way quantities change.

Every change is an append-only ``stock_movement`` with who, when, why and its
document. The database keeps the rest (trigger ``stock_movement_post``): the balance
on the stock item (never below zero), a FIFO lot for every inbound movement and the
allocations of every outbound one to the oldest lots. Here the item is locked first,
so a refused movement can say which part and how many are missing, and an outbound
movement is priced at the cost of the lots it will take.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import asyncpg

from tenants.database import ActiveTransaction
from tenants.parts.errors import InsufficientStock, RecordNotFound, RuleViolation

MovementKind = Literal[
    "receipt", "issue", "return", "transfer_in", "transfer_out", "count_adjustment", "write_off"
]
INBOUND: frozenset[str] = frozenset({"receipt", "return", "transfer_in"})
OUTBOUND: frozenset[str] = frozenset({"issue", "transfer_out", "write_off"})
"""``count_adjustment`` goes either way: its quantity carries the sign."""

CENT = Decimal("0.01")


@dataclass(frozen=True)
class LockedItem:
    stock_item_id: int
    part_id: int
    part_number: str
    on_hand: Decimal
    reserved: Decimal
    unit_cost: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


@dataclass(frozen=True)
class Movement:
    id: int
    stock_item_id: int
    kind: str
    quantity: Decimal
    """Signed: positive into stock, negative out of it."""
    unit_cost: Decimal


LOCK_SQL = """
select s.id, s.part_id, p.part_number, s.on_hand, s.unit_cost,
       coalesce((select sum(r.quantity) from stock_reservation r
                  where r.dealer_id = s.dealer_id and r.stock_item_id = s.id
                    and r.status = 'active'), 0) as reserved
  from stock_item s join part p on p.id = s.part_id
 where s.dealer_id = $1 and s.id = any($2::bigint[])
 order by s.id
   for update of s
"""


async def lock_items(
    connection: asyncpg.Connection, dealer_id: int, stock_item_ids: Iterable[int]
) -> dict[int, LockedItem]:
    """Lock stock items in id order (so two documents touching the same items queue
    rather than deadlock) and return their balances."""
    ids = sorted(set(stock_item_ids))
    rows = await connection.fetch(LOCK_SQL, dealer_id, ids)
    items = {
        r["id"]: LockedItem(
            r["id"], r["part_id"], r["part_number"], r["on_hand"], r["reserved"], r["unit_cost"]
        )
        for r in rows
    }
    if len(items) != len(ids):
        raise RecordNotFound("Stock item")
    return items


FIFO_COST_SQL = """
select coalesce(sum(least(remaining, greatest($3 - (cum - remaining), 0)) * unit_cost), 0) as cost
  from (select remaining, unit_cost,
               sum(remaining) over (order by received_at, id) as cum
          from stock_lot
         where dealer_id = $1 and stock_item_id = $2 and remaining > 0) lots
"""


async def fifo_unit_cost(
    connection: asyncpg.Connection, dealer_id: int, stock_item_id: int, quantity: Decimal
) -> Decimal:
    """Average cost of the oldest ``quantity`` on the shelf: what an outbound movement
    of that size takes from the lots."""
    total: Decimal = await connection.fetchval(FIFO_COST_SQL, dealer_id, stock_item_id, quantity)
    return (total / quantity).quantize(CENT) if quantity else Decimal(0)


async def post(
    tx: ActiveTransaction,
    dealer_id: int,
    stock_item_id: int,
    kind: MovementKind,
    quantity: Decimal,
    *,
    document_type: str,
    document_id: int | None,
    reason: str = "",
    unit_cost: Decimal | None = None,
) -> Movement:
    """Book one movement. ``quantity`` is positive for inbound and outbound kinds (the
    kind gives the direction) and signed for count adjustments. Inbound movements are
    valued at ``unit_cost`` (default: the item's cost); outbound ones at FIFO cost.
    Documents with many lines call ``lock_items`` for all their items first, so
    that they lock in id order; re-locking here is then free."""
    if quantity == 0:
        raise RuleViolation("quantity", "non_zero", "A stock movement needs a quantity")
    if kind != "count_adjustment" and quantity < 0:
        raise RuleViolation("quantity", "positive", f"A {kind} quantity must be positive")
    signed = -quantity if kind in OUTBOUND else quantity
    item = (await lock_items(tx.connection, dealer_id, [stock_item_id]))[stock_item_id]
    if signed < 0:
        if item.on_hand + signed < 0:
            raise InsufficientStock(item.part_number, -signed, item.on_hand)
        cost = await fifo_unit_cost(tx.connection, dealer_id, stock_item_id, -signed)
    else:
        cost = (unit_cost if unit_cost is not None else item.unit_cost).quantize(CENT)
    movement_id: int = await tx.connection.fetchval(
        """
        insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost,
                                    document_type, document_id, reason, created_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id
        """,
        dealer_id,
        stock_item_id,
        kind,
        signed,
        cost,
        document_type,
        document_id,
        reason,
        tx.scope.user_id,
    )
    return Movement(movement_id, stock_item_id, kind, signed, cost)

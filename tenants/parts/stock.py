"""Stock levels of one dealer, always derived from the ledger (view ``stock_level``):
on hand is the sum of the movements, available is on hand minus active reservations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction


@dataclass(frozen=True)
class StockAvailability:
    part_id: int
    stock_item_id: int | None
    bin_location: str
    on_hand: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


AVAILABILITY_SQL = """
select p.id as part_id, s.id as stock_item_id, coalesce(s.bin_location, '') as bin_location,
       coalesce(l.on_hand, 0) as on_hand, coalesce(l.reserved, 0) as reserved
  from unnest($2::bigint[]) as p(id)
  left join stock_item s on s.dealer_id = $1 and s.part_id = p.id
  left join stock_level l on l.dealer_id = $1 and l.stock_item_id = s.id
"""


async def availability(
    connection: asyncpg.Connection, dealer_id: int, part_ids: Iterable[int]
) -> dict[int, StockAvailability]:
    """Per part: on hand, reserved and bin at the dealer (zeros for parts not stocked)."""
    rows = await connection.fetch(AVAILABILITY_SQL, dealer_id, sorted(set(part_ids)))
    return {
        r["part_id"]: StockAvailability(
            r["part_id"], r["stock_item_id"], r["bin_location"], r["on_hand"], r["reserved"]
        )
        for r in rows
    }


async def lock_stock_items(
    connection: asyncpg.Connection, dealer_id: int, part_ids: Iterable[int]
) -> dict[int, int]:
    """Stock item ids per part, locked in id order so that bookings reserving the same
    parts serialise; a part the dealer never stocked gets an empty item, so the
    demand is visible to the parts planner."""
    ids = sorted(set(part_ids))
    if not ids:
        return {}
    await connection.execute(
        "insert into stock_item (dealer_id, part_id) select $1, p from unnest($2::bigint[]) p"
        " on conflict (dealer_id, part_id) do nothing",
        dealer_id,
        ids,
    )
    rows = await connection.fetch(
        "select id, part_id from stock_item where dealer_id = $1 and part_id = any($2::bigint[])"
        " order by id for update",
        dealer_id,
        ids,
    )
    return {r["part_id"]: r["id"] for r in rows}


async def receive(
    tx: ActiveTransaction,
    dealer_id: int,
    stock_item_id: int,
    quantity: Decimal,
    unit_cost: Decimal,
    *,
    reason: str = "",
    request_id: str = "",
) -> int:
    """Book a receipt into the ledger (opening stock, deliveries), audited."""
    movement_id: int = await tx.connection.fetchval(
        "insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost,"
        " reason, created_by) values ($1, $2, 'receipt', $3, $4, $5, $6) returning id",
        dealer_id,
        stock_item_id,
        quantity,
        unit_cost,
        reason,
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="stock.receive",
        object_type="stock_item",
        object_id=stock_item_id,
        after={"quantity": quantity, "unit_cost": unit_cost, "movement_id": movement_id},
        request_id=request_id,
    )
    return movement_id

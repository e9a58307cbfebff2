"""Parts held for appointments: what the items need, what is short, the reservations
themselves (released on cancellation or no-show) and the pre-picking list for the
appointment shelf (预约专用货架, 100% pre-picked)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts.stock import availability, lock_stock_items
from tenants.service.errors import RecordNotFound


@dataclass(frozen=True)
class PartNeed:
    part_id: int
    part_number: str
    quantity: Decimal


@dataclass(frozen=True)
class Shortage:
    part_id: int
    part_number: str
    needed: Decimal
    available: Decimal

    @property
    def missing(self) -> Decimal:
        return self.needed - max(self.available, Decimal(0))


async def parts_for_operations(
    connection: asyncpg.Connection, operation_counts: Mapping[int, int]
) -> list[PartNeed]:
    """The parts the catalog links to the operations, summed over repeated operations."""
    if not operation_counts:
        return []
    rows = await connection.fetch(
        """
        select p.id as part_id, p.part_number, sum(op.quantity * o.n) as quantity
          from unnest($1::bigint[], $2::int[]) as o(id, n)
          join operation_part op on op.operation_id = o.id
          join part p on p.id = op.part_id
         group by p.id, p.part_number order by p.part_number
        """,
        list(operation_counts),
        list(operation_counts.values()),
    )
    return [PartNeed(r["part_id"], r["part_number"], r["quantity"]) for r in rows]


async def lock_and_check(
    connection: asyncpg.Connection, dealer_id: int, needs: list[PartNeed]
) -> tuple[dict[int, int], list[Shortage]]:
    """Lock the stock items (so concurrent bookings see each other's reservations) and
    return them with the parts whose available quantity is below the need."""
    items = await lock_stock_items(connection, dealer_id, (n.part_id for n in needs))
    levels = await availability(connection, dealer_id, items)
    shortages = [
        Shortage(n.part_id, n.part_number, n.quantity, levels[n.part_id].available)
        for n in needs
        if levels[n.part_id].available < n.quantity
    ]
    return items, shortages


async def reserve_for_appointment(
    tx: ActiveTransaction,
    dealer_id: int,
    appointment_id: int,
    needs: list[PartNeed],
    stock_items: Mapping[int, int],
) -> list[int]:
    """One active reservation per part; a shortfall simply leaves available negative,
    which is the parts planner's signal (the booking waits for the parts)."""
    if not needs:
        return []
    rows = await tx.connection.fetch(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity, appointment_id)"
        " select $1, s, q, $2 from unnest($3::bigint[], $4::numeric[]) as n(s, q)"
        " returning id",
        dealer_id,
        appointment_id,
        [stock_items[n.part_id] for n in needs],
        [n.quantity for n in needs],
    )
    return [r["id"] for r in rows]


async def release_for_appointment(
    tx: ActiveTransaction, dealer_id: int, appointment_id: int
) -> int:
    """Release the appointment's active reservations; returns how many."""
    status = await tx.connection.execute(
        "update stock_reservation set status = 'released', closed_at = now()"
        " where dealer_id = $1 and appointment_id = $2 and status = 'active'",
        dealer_id,
        appointment_id,
    )
    return int(status.split()[-1])


PRE_PICK_SQL = """
select r.id, r.quantity, r.picked, r.status, r.appointment_id, r.stock_item_id,
       s.part_id, s.bin_location, p.part_number, p.name, p.name_zh, p.unit,
       a.starts_at, a.parts_expected_on, l.on_hand, v.plate
  from stock_reservation r
  join appointment a on a.dealer_id = r.dealer_id and a.id = r.appointment_id
  join vehicle v on v.dealer_id = a.dealer_id and v.id = a.vehicle_id
  join stock_item s on s.dealer_id = r.dealer_id and s.id = r.stock_item_id
  join part p on p.id = s.part_id
  join stock_level l on l.dealer_id = r.dealer_id and l.stock_item_id = r.stock_item_id
 where r.dealer_id = $1 and a.work_date = $2 and r.status = 'active'
   and a.status in ('booked', 'confirmed')
 order by s.bin_location, a.starts_at, r.id
"""


async def pre_pick_list(
    connection: asyncpg.Connection, dealer_id: int, work_date: date
) -> list[asyncpg.Record]:
    """The day's appointment parts in bin order, for the walk through the store."""
    return list(await connection.fetch(PRE_PICK_SQL, dealer_id, work_date))


async def mark_picked(
    tx: ActiveTransaction,
    dealer_id: int,
    reservation_id: int,
    picked: bool,
    request_id: str = "",
) -> asyncpg.Record:
    row = await tx.connection.fetchrow(
        "update stock_reservation set picked = $3 where dealer_id = $1 and id = $2"
        " and status = 'active' returning *",
        dealer_id,
        reservation_id,
        picked,
    )
    if row is None:
        raise RecordNotFound("Active reservation")
    await record(
        dealer_id=dealer_id,
        action="stock_reservation.pick" if picked else "stock_reservation.unpick",
        object_type="stock_reservation",
        object_id=reservation_id,
        after={"picked": picked},
        request_id=request_id,
    )
    return row

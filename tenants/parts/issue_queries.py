"""Reading parts requests: the keeper's issue queue in bin order, the requests of an order
or of its lines, and the issue slip (出库单) with everything printed on it, each in one
query however many requests it returns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

REQUEST_SQL = """
select r.*, o.number as order_number, o.status as order_status, v.plate, v.model,
       l.description as line_description, l.pay_type, l.quantity as line_quantity,
       s.bin_location, s.part_id, p.part_number, p.name as part_name,
       p.name_zh as part_name_zh, p.unit, m.unit_cost as issue_unit_cost
  from parts_request r
  join repair_order o on o.dealer_id = r.dealer_id and o.id = r.repair_order_id
  join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
  join repair_order_line l on l.dealer_id = r.dealer_id and l.id = r.repair_order_line_id
  join stock_item s on s.dealer_id = r.dealer_id and s.id = r.stock_item_id
  join part p on p.id = s.part_id
  left join stock_movement m on m.dealer_id = r.dealer_id and m.id = r.issue_movement_id
"""
"""A request with its order number, plate, line, part and bin: what the keeper needs."""


async def issue_queue(
    connection: asyncpg.Connection,
    dealer_id: int,
    *,
    after: tuple[str, int] | None,
    limit: int,
) -> list[Any]:
    """Signed requests awaiting issue, in bin order (one walk through the store)."""
    rows = await connection.fetch(
        REQUEST_SQL + " where r.dealer_id = $1 and r.status = 'signed'"
        " and ($2::text is null or (s.bin_location, r.id) > ($2, $3))"
        " order by s.bin_location, r.id limit $4",
        dealer_id,
        after[0] if after else None,
        after[1] if after else 0,
        limit,
    )
    return list(rows)


async def requests(
    connection: asyncpg.Connection,
    dealer_id: int,
    *,
    statuses: Sequence[str] | None,
    order_id: int | None,
    before_id: int | None,
    limit: int,
) -> list[Any]:
    """Requests newest first, of some statuses and/or of one repair order."""
    rows = await connection.fetch(
        REQUEST_SQL
        + " where r.dealer_id = $1 and ($2::text[] is null or r.status = any($2::text[]))"
        " and ($3::bigint is null or r.repair_order_id = $3)"
        " and ($4::bigint is null or r.id < $4) order by r.id desc limit $5",
        dealer_id,
        list(statuses) if statuses else None,
        order_id,
        before_id,
        limit,
    )
    return list(rows)


async def by_ids(connection: asyncpg.Connection, ids: Sequence[int]) -> list[Any]:
    """RLS keeps other dealers' requests out."""
    return list(await connection.fetch(REQUEST_SQL + " where r.id = any($1::bigint[])", list(ids)))


async def by_lines(connection: asyncpg.Connection, line_ids: Sequence[int]) -> list[Any]:
    return list(
        await connection.fetch(
            REQUEST_SQL + " where r.repair_order_line_id = any($1::bigint[]) order by r.id",
            list(line_ids),
        )
    )


SLIP_SQL = """
select r.number, r.status, r.quantity, r.warranty, r.requested_at, r.countersigned_at,
       r.warranty_signed_at, r.issued_at, r.old_part_disposition, r.returned_qty,
       d.code as dealer_code, d.name as dealer_name, d.name_zh as dealer_name_zh,
       o.number as order_number, v.plate, v.vin, v.model, l.description as line_description,
       l.pay_type, s.bin_location, p.part_number, p.name as part_name,
       p.name_zh as part_name_zh, p.unit, m.unit_cost,
       req.display_name as requested_by, cs.display_name as countersigned_by,
       ws.display_name as warranty_signed_by, iss.display_name as issued_by
  from parts_request r
  join dealer d on d.id = r.dealer_id
  join repair_order o on o.dealer_id = r.dealer_id and o.id = r.repair_order_id
  join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
  join repair_order_line l on l.dealer_id = r.dealer_id and l.id = r.repair_order_line_id
  join stock_item s on s.dealer_id = r.dealer_id and s.id = r.stock_item_id
  join part p on p.id = s.part_id
  left join stock_movement m on m.dealer_id = r.dealer_id and m.id = r.issue_movement_id
  left join staff_user req on req.id = r.requested_by
  left join staff_user cs on cs.id = r.countersigned_by
  left join staff_user ws on ws.id = r.warranty_signed_by
  left join staff_user iss on iss.id = r.issued_by
 where r.dealer_id = $1 and r.id = $2
"""


async def slip(connection: asyncpg.Connection, dealer_id: int, request_id: int) -> Any:
    """The issue slip (出库单): the plate, the part and its bin, the three signatures."""
    return await connection.fetchrow(SLIP_SQL, dealer_id, request_id)

"""Reads of the old-parts store: parts with what the screens show beside them (claim,
VIN, part, order, shipment) in one query; the lines still waiting for their tag; the
packing list (装箱单) of shipments; each for one dealer or, for the manufacturer's
warranty technician, for every dealer it inspects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

OLD_PART_SELECT = """
select op.*, oc.claim_id as effective_claim_id, oc.claim_line_id as effective_claim_line_id,
       c.number as claim_number, c.status as claim_status, coalesce(c.vin, v.vin) as vin,
       p.part_number, p.name as part_name, p.name_zh as part_name_zh,
       ro.id as order_id, ro.number as order_number, s.number as shipment_number,
       d.code as dealer_code,
       (op.retain_until < (now() at time zone d.time_zone)::date) as retention_over
  from old_part op
  join old_part_claim oc on oc.old_part_id = op.id
  join part p on p.id = op.part_id
  join dealer d on d.id = op.dealer_id
  left join warranty_claim c on c.dealer_id = op.dealer_id and c.id = oc.claim_id
  left join repair_order_line l on l.dealer_id = op.dealer_id and l.id = op.repair_order_line_id
  left join repair_order ro on ro.dealer_id = l.dealer_id and ro.id = l.repair_order_id
  left join vehicle v on v.dealer_id = ro.dealer_id and v.id = ro.vehicle_id
  left join old_part_shipment s on s.dealer_id = op.dealer_id and s.id = op.shipment_id
"""

RETENTION_DUE_DAYS = 7
"""'Retention due' lists parts whose retention ends within a week, or has ended."""


@dataclass(frozen=True)
class OldPartFilter:
    statuses: Sequence[str] | None = None
    retention_due: bool = False
    must_return: bool | None = None
    search: str | None = None
    """Tag, claim number, VIN or part number (part of it)."""
    shipment_id: int | None = None
    on_claim: bool | None = None


async def list_old_parts(
    connection: asyncpg.Connection,
    dealer_ids: Sequence[int],
    where: OldPartFilter,
    *,
    before_id: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Newest first."""
    rows = await connection.fetch(
        OLD_PART_SELECT
        + """
         where op.dealer_id = any($1::bigint[])
           and ($2::text[] is null or op.status = any($2::text[]))
           and (not $3 or (op.status in ('tagged', 'stored')
                           and op.retain_until
                               < (now() at time zone d.time_zone)::date + $4::int))
           and ($5::boolean is null or op.must_return = $5)
           and ($6::text is null or op.tag ilike '%' || $6 || '%'
                or c.number ilike '%' || $6 || '%' or coalesce(c.vin, v.vin) ilike '%' || $6 || '%'
                or p.part_number ilike '%' || $6 || '%')
           and ($7::bigint is null or op.shipment_id = $7)
           and ($8::bigint is null or op.id < $8)
           and ($10::boolean is null or (oc.claim_id is not null) = $10)
         order by op.id desc
         limit $9
        """,
        list(dealer_ids),
        list(where.statuses) if where.statuses else None,
        where.retention_due,
        RETENTION_DUE_DAYS + 1,
        where.must_return,
        where.search.strip() if where.search and where.search.strip() else None,
        where.shipment_id,
        before_id,
        limit,
        where.on_claim,
    )
    return list(rows)


async def old_parts_by_id(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], part_ids: Sequence[int]
) -> list[asyncpg.Record]:
    return list(
        await connection.fetch(
            OLD_PART_SELECT
            + " where op.dealer_id = any($1::bigint[]) and op.id = any($2::bigint[])",
            list(dealer_ids),
            list(part_ids),
        )
    )


async def old_parts_of_shipments(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], shipment_ids: Sequence[int]
) -> list[asyncpg.Record]:
    """The parts in each shipment, in tag order: also its packing list (装箱单)."""
    return list(
        await connection.fetch(
            OLD_PART_SELECT
            + " where op.dealer_id = any($1::bigint[]) and op.shipment_id = any($2::bigint[])"
            " order by op.shipment_id, op.tag",
            list(dealer_ids),
            list(shipment_ids),
        )
    )


_TO_TAG_SQL = """
with order_lines as (
  select l.id as order_line_id, oc.claim_line_id, oc.claim_id, l.part_id, l.quantity,
         ro.id as order_id, ro.number as order_number, v.vin, l.created_at
    from repair_order_line l
    join repair_order ro on ro.dealer_id = l.dealer_id and ro.id = l.repair_order_id
    join vehicle v on v.dealer_id = ro.dealer_id and v.id = ro.vehicle_id
    left join lateral (
      select cl.id as claim_line_id, cl.claim_id
        from warranty_claim_line cl
        join warranty_claim c2 on c2.dealer_id = cl.dealer_id and c2.id = cl.claim_id
       where cl.dealer_id = l.dealer_id and cl.repair_order_line_id = l.id and cl.kind = 'part'
         and c2.status <> 'cancelled'
       order by cl.id desc limit 1
    ) oc on true
   where l.dealer_id = $1 and l.kind = 'part' and l.status = 'approved' and l.part_id is not null
     and ro.status <> 'cancelled'
     and (l.pay_type = 'warranty' or l.old_part_disposition = 'keep_for_warranty'
          or oc.claim_id is not null)
), claim_lines as (
  select null::bigint as order_line_id, cl.id as claim_line_id, cl.claim_id, cl.part_id,
         cl.quantity, c.repair_order_id as order_id, ro.number as order_number, c.vin,
         c.created_at
    from warranty_claim_line cl
    join warranty_claim c on c.dealer_id = cl.dealer_id and c.id = cl.claim_id
    left join repair_order ro on ro.dealer_id = c.dealer_id and ro.id = c.repair_order_id
   where cl.dealer_id = $1 and cl.kind = 'part' and cl.part_id is not null
     and cl.repair_order_line_id is null and c.status <> 'cancelled'
), sources as (
  select * from order_lines union all select * from claim_lines
)
select s.*, c.number as claim_number, p.part_number, p.name as part_name,
       p.name_zh as part_name_zh, coalesce(t.tagged, 0) as tagged
  from sources s
  join part p on p.id = s.part_id
  left join warranty_claim c on c.dealer_id = $1 and c.id = s.claim_id
  left join lateral (
    select sum(op.quantity) as tagged from old_part op
     where op.dealer_id = $1
       and (op.repair_order_line_id = s.order_line_id or op.claim_line_id = s.claim_line_id)
  ) t on true
 where coalesce(t.tagged, 0) < s.quantity
 order by s.created_at desc, s.order_line_id, s.claim_line_id
 limit $2
"""


async def lines_to_tag(
    connection: asyncpg.Connection, dealer_id: int, limit: int
) -> list[asyncpg.Record]:
    """Warranty part lines (of repair orders, or of claims without one) whose replaced
    parts are not all tagged yet, newest first."""
    return list(await connection.fetch(_TO_TAG_SQL, dealer_id, limit))

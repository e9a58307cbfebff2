"""The yardstick: the workshop board and the first page of the stock list by hand, each
one SQL statement building the very JSON the GraphQL endpoint answers (same fields, IDs,
cursors and formats), on a raw ASGI app: ``/board`` and ``/stock``.

It runs as the application role inside a tenant transaction, as the real app does,
but skips authentication and policies: the ratio to it is the price of the stack.
Run: ``DATABASE_URL=... BENCH_DEALER_ID=1 uvicorn bench.handwritten:app``.
"""

from __future__ import annotations

import os
from typing import Any

import asyncpg

from tenants.database import connection_config

_gid = "encode(convert_to({type} || ':' || {pk}, 'UTF8'), 'base64')"


def gid(type_name: str, pk: str) -> str:
    return _gid.format(type=f"'{type_name}'", pk=pk)


BOARD_JSON_SQL = f"""
with today as (
  select (now() at time zone d.time_zone)::date as day from dealer d where d.id = $1
)
select json_build_object('data', json_build_object('workshopBoard', json_build_object(
  'orders', coalesce(json_agg(json_build_object(
    'id', {gid("RepairOrder", "o.id")},
    'number', o.number,
    'status', upper(o.status),
    'promisedAt', o.promised_at,
    'late', o.promised_at is not null and o.promised_at < now()
            and o.status in ('open', 'awaiting_approval', 'approved', 'in_progress',
                             'work_done'),
    'waitingForParts', (exists (
          select 1 from appointment a, today
           where a.dealer_id = o.dealer_id and a.id = o.appointment_id
             and a.parts_expected_on > today.day)
        or exists (
          select 1 from repair_order_line pl
           where pl.dealer_id = o.dealer_id and pl.repair_order_id = o.id
             and pl.kind = 'part' and pl.status = 'approved'
             and (coalesce((select sum(r.quantity) from stock_reservation r
                             where r.dealer_id = pl.dealer_id and r.repair_order_line_id = pl.id
                               and r.status in ('active', 'issued')), 0) < pl.quantity
                  or exists (
                    select 1 from stock_reservation r
                      join stock_level s on s.dealer_id = r.dealer_id
                                        and s.stock_item_id = r.stock_item_id
                     where r.dealer_id = pl.dealer_id and r.repair_order_line_id = pl.id
                       and r.status = 'active' and s.on_hand < s.reserved)))),
    'customerName', c.name,
    'vehicle', json_build_object('plate', v.plate, 'model', v.model),
    'advisor', json_build_object('id', {gid("StaffUser", "adv.id")},
                                 'displayName', adv.display_name),
    'bay', case when b.id is null then null
                else json_build_object('code', b.code, 'name', b.name) end,
    'jobs', coalesce((
      select json_agg(json_build_object(
               'id', {gid("RepairOrderLine", "l.id")},
               'description', l.description,
               'hours', l.hours::text,
               'jobStatus', upper(l.job_status),
               'team', l.team,
               'technician', case when t.id is null then null else json_build_object(
                 'id', {gid("StaffUser", "t.id")}, 'displayName', t.display_name) end,
               'clockedHours', coalesce(k.hours, 0)::numeric(10, 2)::text,
               'clockedOn', coalesce(k.open, false)
             ) order by l.id)
        from repair_order_line l
        left join staff_user t on t.id = l.technician_user_id
        left join lateral (
          select round(sum(extract(epoch from coalesce(c.ended_at, now()) - c.started_at))
                       / 3600.0, 2) as hours,
                 bool_or(c.ended_at is null) as open
            from job_clock c where c.dealer_id = l.dealer_id and c.line_id = l.id
        ) k on true
       where l.dealer_id = o.dealer_id and l.repair_order_id = o.id and l.kind = 'labour'
         and l.status in ('proposed', 'approved')), '[]'::json)
  ) order by o.promised_at nulls last, o.id), '[]'::json))))::text
  from repair_order o
  join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
  join customer c on c.dealer_id = o.dealer_id and c.id = o.customer_id
  join staff_user adv on adv.id = o.advisor_user_id
  left join bay b on b.dealer_id = o.dealer_id and b.id = o.bay_id
 where o.dealer_id = $1 and o.status not in ('delivered', 'cancelled')
"""


def iso(column: str) -> str:
    """A timestamptz as Python's ``isoformat`` prints it (six digits of microseconds, or
    none when they are zero); ``to_json`` would drop trailing zeros."""
    utc = f"({column} at time zone 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || case when date_trunc('second', {column}) = {column} then ''"
        f" else to_char({utc}, '.US') end || '+00:00'"
    )


STOCK_PAGE = 50
"""The stock list's page, as the frontend asks for it (``StockList.tsx``)."""

STOCK_JSON_SQL = f"""
with page as (
  select s.*, p.part_number, p.name as part_name, p.name_zh as part_name_zh, p.unit,
         p.pack_size, p.list_price,
         coalesce((select sum(r.quantity) from stock_reservation r
                    where r.dealer_id = s.dealer_id and r.stock_item_id = s.id
                      and r.status = 'active'), 0) as reserved,
         coalesce(o.on_order, 0) as on_order
    from stock_item s
    join part p on p.id = s.part_id
    left join stock_on_order o on o.dealer_id = s.dealer_id and o.stock_item_id = s.id
   where s.dealer_id = $1 and s.active
   order by s.bin_location, s.id
   limit $2 + 1
), shown as (
  select * from page order by bin_location, id limit $2
)
select json_build_object('data', json_build_object(
  'stockItems', json_build_object(
    'edges', coalesce((select json_agg(json_build_object('node', json_build_object(
        'id', {gid("StockItem", "s.id")},
        'binLocation', s.bin_location, 'zone', s.zone,
        'minQty', s.min_qty::text, 'maxQty', s.max_qty::text,
        'reorderMultiple', s.reorder_multiple::text, 'leadTimeDays', s.lead_time_days,
        'unitCost', s.unit_cost::text, 'onHand', s.on_hand::text,
        'reserved', s.reserved::text, 'available', (s.on_hand - s.reserved)::text,
        'onOrder', s.on_order::text, 'lastMovementAt', {iso("s.last_movement_at")},
        'active', s.active, 'belowMin', s.on_hand < s.min_qty,
        'aboveMax', s.max_qty > 0 and s.on_hand > s.max_qty,
        'noMovementDays', case when s.last_movement_at is not null then greatest(floor(
                            extract(epoch from now() - s.last_movement_at) / 86400), 0)::int end,
        'part', json_build_object(
          'id', {gid("Part", "s.part_id")}, 'partNumber', s.part_number, 'name', s.part_name,
          'nameZh', s.part_name_zh, 'unit', s.unit, 'packSize', s.pack_size,
          'listPrice', s.list_price::text)))
      order by s.bin_location, s.id) from shown s), '[]'::json),
    'pageInfo', json_build_object(
      'hasNextPage', (select count(*) from page) > $2,
      'endCursor', (select translate(encode(convert_to(
                      't:' || json_build_array(s.bin_location, s.id)::text, 'UTF8'), 'base64'),
                      E'+/\\n', '-_')
                      from shown s order by s.bin_location desc, s.id desc limit 1))),
  'stockZones', coalesce((select json_agg(z.zone order by z.zone) from (
      select distinct zone from stock_item where dealer_id = $1 and active and zone <> ''
    ) z), '[]'::json)))::text
"""


class HandwrittenBoard:
    """A raw ASGI app answering the board (``/board``) or the first page of the stock
    list (``/stock``) of ``BENCH_DEALER_ID``."""

    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None
        self.dealer_id = int(os.environ.get("BENCH_DEALER_ID", "1"))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        assert self.pool is not None
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute(
                "select set_config('app.dealer_ids', $1, true)", f"{{{self.dealer_id}}}"
            )
            if scope["path"].startswith("/stock"):
                body: str = await connection.fetchval(STOCK_JSON_SQL, self.dealer_id, STOCK_PAGE)
            else:
                body = await connection.fetchval(BOARD_JSON_SQL, self.dealer_id)
        data = body.encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": data})

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                config = connection_config()
                config["server_settings"] = {**config["server_settings"], "timezone": "UTC"}
                self.pool = await asyncpg.create_pool(min_size=2, max_size=20, **config)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


app = HandwrittenBoard()

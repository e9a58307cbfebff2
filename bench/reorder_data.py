"""Generates the reorder benchmark's region: dealers with 20,000 stocked parts each and two
years of movements, in SQL as the owner (generate_series), in seconds per dealer.

The history goes in with the ledger trigger off (``session_replication_role =
replica``): per item one opening receipt covering everything issued since plus what is
on the shelf today, then issues of 1-3 pieces on random days (fast, medium and slow
movers; some with a winter season). Balances, last-movement times and one FIFO lot per
item are then set from the movements, so stock item, ledger and lots agree as if the
trigger had run. Every 50th part is replaced by the next one (supersession), some
items hold surplus above their max (transfer offers), some are held for appointments
or on order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import asyncpg

PARTS_SQL = """
insert into part (manufacturer_id, part_number, name, name_zh, list_price, pack_size, part_group)
select $1, 'B' || lpad(g::text, 6, '0'), 'Bench part ' || g, '基准配件' || g,
       10 + (g % 500), case when g % 17 = 0 then 4 when g % 7 = 0 then 2 else 1 end,
       'G' || (g % 40)
  from generate_series(1, $2::int) g
"""

SUPERSEDE_SQL = """
update part p set superseded_by = p.id + 1
 where p.manufacturer_id = $1 and p.id % 50 = 0
   and p.id < (select max(id) from part where manufacturer_id = $1)
"""

# Class of an item: 0 fast (10%), 1-2 medium (20%), else slow (70%), varying by dealer.
_CLASS = "((s.part_id * 7 + s.dealer_id * 13) % 10)"

ITEMS_SQL = """
insert into stock_item (dealer_id, part_id, min_qty, max_qty, reorder_multiple, lead_time_days,
                        unit_cost)
select d, p.id,
       case when c = 0 then 6 when c <= 2 then 2 else (p.id % 2) end,
       case when c = 0 then 20 when c <= 2 then 6 else 2 end,
       case when c = 0 then 2 else 1 end,
       3 + (p.id % 12),
       p.list_price * 0.6
  from unnest($2::bigint[]) d
  cross join part p
  cross join lateral (select (p.id * 7 + d * 13) % 10 as c) k
 where p.manufacturer_id = $1
"""

ISSUES_SQL = f"""
insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost, reason,
                            created_at)
select s.dealer_id, s.id, 'issue', -(1 + floor(random() * 3)), 0, 'bench', e.at
  from stock_item s
  cross join lateral (
    select $2::timestamptz + random() * interval '729 days' as at
      from generate_series(1, case when {_CLASS} = 0 then 40 + (random() * 80)::int
                                   when {_CLASS} <= 2 then 8 + (random() * 16)::int
                                   else (random() * 4)::int end)
  ) e
 where s.dealer_id = $1
   -- a third of the fast movers sell mostly in winter (November to February)
   and ({_CLASS} <> 0 or s.part_id % 3 <> 0
        or extract(month from e.at) in (11, 12, 1, 2) or random() < 0.4)
"""

OPENING_SQL = """
insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost, reason,
                            created_at)
select dealer_id, id, 'receipt', quantity, unit_cost, 'bench opening',
       $2::timestamptz - interval '1 day'
  from (select s.dealer_id, s.id, s.unit_cost,
               coalesce(m.issued, 0) + floor(random() * (s.max_qty * 1.6 + 1)) as quantity
          from stock_item s
          left join (select stock_item_id, -sum(quantity) as issued from stock_movement
                      where dealer_id = $1 and kind = 'issue' group by 1) m
            on m.stock_item_id = s.id
         where s.dealer_id = $1) o
 where quantity > 0
"""

BALANCES_SQL = """
update stock_item s
   set on_hand = m.total, last_movement_at = m.last_at, last_issue_at = m.last_issue
  from (select stock_item_id, sum(quantity) as total, max(created_at) as last_at,
               max(created_at) filter (where kind = 'issue') as last_issue
          from stock_movement where dealer_id = $1 group by 1) m
 where s.dealer_id = $1 and s.id = m.stock_item_id
"""

LOTS_SQL = """
insert into stock_lot (dealer_id, stock_item_id, movement_id, received_at, quantity, remaining,
                       unit_cost)
select m.dealer_id, m.stock_item_id, m.id, m.created_at, m.quantity, s.on_hand, m.unit_cost
  from stock_movement m
  join stock_item s on s.dealer_id = m.dealer_id and s.id = m.stock_item_id
 where m.dealer_id = $1 and m.kind = 'receipt' and s.on_hand > 0
"""

# Appointments hold parts (some beyond stock: emergencies); approved plans are on order.
DOCUMENTS_SQL = """
with customer as (
  insert into customer (dealer_id, name, phone)
  values ($1::bigint, 'Bench customer', '+86 21 5555 ' || $1::bigint)
  returning id
), vehicle as (
  insert into vehicle (dealer_id, customer_id, vin, plate, model)
  select $1, id, 'LBENCH' || lpad($1::bigint::text, 11, '0'), '沪B' || $1::bigint, 'Bench'
    from customer
  returning id, customer_id
), appointment as (
  insert into appointment (dealer_id, customer_id, vehicle_id, starts_at, work_date)
  select $1, customer_id, id, now() + interval '1 day', current_date + 1 from vehicle
  returning id
), reserved as (
  insert into stock_reservation (dealer_id, stock_item_id, quantity, appointment_id)
  select $1, s.id, 1 + s.on_hand, a.id
    from stock_item s, appointment a
   where s.dealer_id = $1 and s.id % 200 = 0
), po as (
  insert into purchase_order (dealer_id, number, status, source)
  values ($1, 'BENCH-PO-' || $1::bigint, 'approved', 'manual') returning id
)
insert into purchase_order_line (dealer_id, purchase_order_id, stock_item_id, quantity)
select $1, po.id, s.id, 4 from stock_item s, po where s.dealer_id = $1 and s.id % 50 = 7
"""


@dataclass(frozen=True)
class Region:
    region_id: int
    dealer_ids: list[int]
    parts: int
    movements: int
    seconds: float


async def generate(
    owner: asyncpg.Connection, *, dealers: int, parts: int, seed: float = 0.42
) -> Region:
    """A manufacturer, one region of ``dealers`` dealers and ``parts`` parts, all stocked
    by every dealer, with two years of history ending now."""
    started = time.perf_counter()
    await owner.execute("select setseed($1)", seed)
    manufacturer = await owner.fetchval(
        "insert into manufacturer (code, name, name_zh) values ('RB', 'Reorder Bench', '订货基准')"
        " returning id"
    )
    region = await owner.fetchval(
        "insert into region (manufacturer_id, code, name, name_zh)"
        " values ($1, 'RB-E', 'Bench East', '基准华东') returning id",
        manufacturer,
    )
    dealer_ids: list[int] = [
        await owner.fetchval(
            "insert into dealer (region_id, code, name, name_zh, time_zone)"
            " values ($1, $2, $3, $4, 'Asia/Shanghai') returning id",
            region,
            f"RB{n:02d}",
            f"Bench dealer {n:02d}",
            f"基准经销商{n:02d}",
        )
        for n in range(1, dealers + 1)
    ]
    await owner.execute(PARTS_SQL, manufacturer, parts)
    await owner.execute(SUPERSEDE_SQL, manufacturer)
    await owner.execute(ITEMS_SQL, manufacturer, dealer_ids)
    start = await owner.fetchval("select now() - interval '730 days'")
    await owner.execute("set session_replication_role = replica")
    try:
        for dealer in dealer_ids:
            async with owner.transaction():
                await owner.execute(ISSUES_SQL, dealer, start)
                await owner.execute(OPENING_SQL, dealer, start)
                await owner.execute(BALANCES_SQL, dealer)
                await owner.execute(LOTS_SQL, dealer)
    finally:
        await owner.execute("set session_replication_role = origin")
    for dealer in dealer_ids:
        await owner.execute(DOCUMENTS_SQL, dealer)
    await owner.execute("vacuum analyze stock_movement")
    await owner.execute("vacuum analyze stock_item")
    await owner.execute("analyze")
    movements = await owner.fetchval("select count(*) from stock_movement")
    return Region(region, dealer_ids, parts, movements, time.perf_counter() - started)


async def check_consistent(owner: asyncpg.Connection) -> bool:
    """Balances equal the ledger and the open lots, as the trigger would keep them."""
    wrong = await owner.fetchval(
        """
        select count(*) from stock_item s
          left join (select stock_item_id, sum(quantity) as total from stock_movement
                      group by 1) m on m.stock_item_id = s.id
          left join (select stock_item_id, sum(remaining) as total from stock_lot
                      group by 1) l on l.stock_item_id = s.id
         where s.on_hand <> coalesce(m.total, 0) or s.on_hand <> coalesce(l.total, 0)
        """
    )
    return wrong == 0

"""Stock for the stock-list benchmarks, generated in SQL for any number of dealers at once.

Every dealer gets the same shape: ``items`` stocked parts of the manufacturer's catalog in
bins ``A-01-1-01`` onwards, four zones, quotas (some items below their minimum), an opening
receipt each and an issue on every third, one FIFO lot per item, and active reservations
on every fifth. The ledger goes in with its trigger off (``session_replication_role =
replica``, as the owner); balances, movement times and lots are then set from the
movements, so item, ledger and lots agree as if the trigger had run.
"""

from __future__ import annotations

import asyncpg

PARTS_SQL = """
insert into part (manufacturer_id, part_number, name, name_zh, unit, list_price, pack_size,
                  part_group)
select $1, 'S' || lpad(g::text, 6, '0'), 'Stock part ' || g, '库存配件' || g,
       case when g % 9 = 0 then 'l' else 'pc' end, 12 + (g % 300) + 0.5,
       case when g % 7 = 0 then 2 else 1 end, 'G' || (g % 30)
  from generate_series(1, $2::int) g
on conflict (manufacturer_id, part_number) do nothing
"""

ITEMS_SQL = """
insert into stock_item (dealer_id, part_id, bin_location, zone, min_qty, max_qty,
                        reorder_multiple, lead_time_days, unit_cost)
select d, p.id,
       'A-' || lpad((1 + (g - 1) / 40)::text, 2, '0') || '-' || (1 + ((g - 1) / 10) % 4)
           || '-' || lpad((1 + (g - 1) % 10)::text, 2, '0'),
       (array['Passat', 'Tiguan', 'Lavida', 'Magotan'])[1 + g % 4],
       case when g % 6 = 0 then 30 else 2 end, case when g % 6 = 0 then 60 else 10 end,
       case when g % 5 = 0 then 5 else 1 end, 3 + g % 10, p.list_price * 0.6
  from unnest($2::bigint[]) d
  cross join lateral (
    select p.id, p.list_price, row_number() over (order by p.part_number) as g
      from part p
     where p.manufacturer_id = $1 and p.part_number like 'S%'
     order by p.part_number
     limit $3) p
returning id
"""

MOVEMENTS_SQL = """
insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost, reason,
                            created_at)
select s.dealer_id, s.id, m.kind, m.quantity, s.unit_cost, 'bench', m.at
  from stock_item s
  cross join lateral (
    select 'receipt' as kind, (5 + s.id % 20)::numeric as quantity,
           now() - make_interval(days => (40 + s.id % 200)::int) as at
    union all
    select 'issue', -(1 + s.id % 3)::numeric, now() - make_interval(days => (s.id % 30)::int)
     where s.id % 3 = 0) m
 where s.id = any($1::bigint[])
"""

BALANCES_SQL = """
update stock_item s
   set on_hand = b.on_hand, last_movement_at = b.last_at, last_issue_at = b.last_issue
  from (select dealer_id, stock_item_id, sum(quantity) as on_hand, max(created_at) as last_at,
               max(created_at) filter (where kind = 'issue') as last_issue
          from stock_movement where stock_item_id = any($1::bigint[])
         group by dealer_id, stock_item_id) b
 where s.dealer_id = b.dealer_id and s.id = b.stock_item_id
"""

LOTS_SQL = """
insert into stock_lot (dealer_id, stock_item_id, movement_id, received_at, quantity, remaining,
                       unit_cost)
select m.dealer_id, m.stock_item_id, m.id, m.created_at, m.quantity, s.on_hand, m.unit_cost
  from stock_movement m
  join stock_item s on s.dealer_id = m.dealer_id and s.id = m.stock_item_id
 where m.stock_item_id = any($1::bigint[]) and m.kind = 'receipt'
"""

RESERVATIONS_SQL = """
insert into stock_reservation (dealer_id, stock_item_id, quantity, status)
select s.dealer_id, s.id, 1 + s.id % 2, 'active'
  from stock_item s
 where s.id = any($1::bigint[]) and s.id % 5 = 0 and s.on_hand >= 2
"""


async def stock(
    owner: asyncpg.Connection, manufacturer_id: int, dealer_ids: list[int], items: int
) -> None:
    """``items`` stocked parts at each of ``dealer_ids``, as the table owner."""
    await owner.execute(PARTS_SQL, manufacturer_id, items)
    rows = await owner.fetch(ITEMS_SQL, manufacturer_id, dealer_ids, items)
    ids = [r["id"] for r in rows]
    await owner.execute("set session_replication_role = replica")
    try:
        await owner.execute(MOVEMENTS_SQL, ids)
        await owner.execute(BALANCES_SQL, ids)
        await owner.execute(LOTS_SQL, ids)
    finally:
        await owner.execute("set session_replication_role = origin")
    await owner.execute(RESERVATIONS_SQL, ids)

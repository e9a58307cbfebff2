"""The SQL of a reorder run: one set-based statement computes every suggestion of a
dealer from its ledger, and one finds transfer offers in its region.

Supersession: each stocked part is followed along ``part.superseded_by`` to its final
(current) number; the demand and the usable stock of older numbers count for the
current number's stock item, and only current numbers get suggestions. Days are the
dealer's local days; the history ends the day before ``as_of``.

Parameters of ``SUGGESTIONS_SQL``: $1 dealer, $2 run, $3 as_of, $4 z, $5 history days,
$6 window days, $7 review period days, $8 season months, $9 minimum yearly demand for
a seasonal factor, $10/$11 the factor's bounds, $12 service level, $13/$14 the history's
first and last instant (the local midnights, given as values so that the planner
knows how much history it reads).
"""

from __future__ import annotations

# Each part of the dealer's items and open transfers, with the number that finally
# replaces it (itself when current). Depth-capped so a cycle in the catalog cannot
# loop forever.
_FINAL_NUMBERS = """
chain (part_id, current_id, depth) as (
  select p.part_id, p.part_id, 0
    from (select s.part_id from stock_item s where s.dealer_id = $1
          union
          select t.part_id from parts_transfer t
           where (t.dealer_id = $1 or t.source_dealer_id = $1)
             and t.status in ('requested', 'approved', 'shipped')) p
  union all
  select c.part_id, p.superseded_by, c.depth + 1
    from chain c join part p on p.id = c.current_id
   where p.superseded_by is not null and c.depth < 20
),
final as (
  select distinct on (part_id) part_id, current_id as final_part_id
    from chain order by part_id, depth desc
)"""

SUCCESSOR_ITEMS_SQL = f"""
with recursive {_FINAL_NUMBERS}
insert into stock_item (dealer_id, part_id, min_qty, max_qty, reorder_multiple,
                        lead_time_days, unit_cost)
select distinct on (f.final_part_id) $1, f.final_part_id, s.min_qty, s.max_qty,
       s.reorder_multiple, s.lead_time_days, s.unit_cost
  from final f
  join stock_item s on s.dealer_id = $1 and s.part_id = f.part_id
 where f.final_part_id <> f.part_id
   and (s.on_hand > 0 or s.last_issue_at >= now() - make_interval(days => $2::int))
 order by f.final_part_id, s.last_issue_at desc nulls last, s.id
on conflict (dealer_id, part_id) do nothing
returning id, part_id
"""
"""A replaced number still in demand or on the shelf gives its current number a stock
item at the dealer (with the old item's quotas), so the demand has an item to land on.
$1 dealer, $2 history days."""

SUGGESTIONS_SQL = f"""
with recursive {_FINAL_NUMBERS},
day_bounds as (
  select d.time_zone as tz,
         $3::date - $6::int as window_from,
         (date_trunc('month', $3::date) - make_interval(months => 12))::date as year_from,
         (date_trunc('month', $3::date) - make_interval(months => 12 - $8::int))::date
           as season_to,
         date_trunc('month', $3::date)::date as year_to
    from dealer d where d.id = $1
),
-- Every item of the dealer with the item of its current number, whose demand it feeds.
family as (
  select s.id as item_id, t.id as target_id, s.part_id, s.on_hand, s.id <> t.id as predecessor
    from stock_item s
    join final f on f.part_id = s.part_id
    join stock_item t on t.dealer_id = $1 and t.part_id = f.final_part_id
   where s.dealer_id = $1
),
-- Demand is issues minus returns, per current number and local day, over the history.
daily as (
  select f.target_id, (m.created_at at time zone b.tz)::date as day, -sum(m.quantity) as qty
    from stock_movement m
    join family f on f.item_id = m.stock_item_id
    cross join day_bounds b
   where m.dealer_id = $1 and m.kind in ('issue', 'return')
     and m.created_at >= $13::timestamptz and m.created_at < $14::timestamptz
   group by 1, 2
),
demand as (
  select d.target_id,
         sum(d.qty) as history_qty,
         coalesce(sum(d.qty) filter (where d.day >= b.window_from), 0) as window_qty,
         coalesce(sum(d.qty * d.qty) filter (where d.day >= b.window_from), 0) as window_sq,
         coalesce(sum(d.qty) filter (where d.day >= b.year_from and d.day < b.season_to), 0)
           as season_qty,
         coalesce(sum(d.qty) filter (where d.day >= b.year_from and d.day < b.year_to), 0)
           as year_qty,
         min(d.day) as first_day
    from daily d, day_bounds b
   group by d.target_id
),
reserved as (
  select r.stock_item_id, sum(r.quantity) as reserved,
         coalesce(sum(r.quantity) filter (where r.appointment_id is not null), 0)
           as appointment_reserved
    from stock_reservation r
   where r.dealer_id = $1 and r.status = 'active'
   group by 1
),
predecessor_demand as (
  select m.stock_item_id, -sum(m.quantity) as qty
    from family f
    join stock_movement m on m.dealer_id = $1 and m.stock_item_id = f.item_id
   where f.predecessor and m.kind in ('issue', 'return')
     and m.created_at >= $13::timestamptz and m.created_at < $14::timestamptz
   group by 1
),
predecessors as (
  select f.target_id,
         sum(greatest(f.on_hand - coalesce(r.reserved, 0), 0)) as available,
         jsonb_agg(jsonb_build_object(
           'part_number', p.part_number,
           'demand', coalesce(pd.qty, 0),
           'available', greatest(f.on_hand - coalesce(r.reserved, 0), 0)
         ) order by p.part_number) as list
    from family f
    join part p on p.id = f.part_id
    left join predecessor_demand pd on pd.stock_item_id = f.item_id
    left join reserved r on r.stock_item_id = f.item_id
   where f.predecessor
   group by f.target_id
),
in_plan as (
  select l.stock_item_id, sum(l.quantity) as qty
    from purchase_order_line l
    join purchase_order o on o.dealer_id = l.dealer_id and o.id = l.purchase_order_id
   where l.dealer_id = $1 and o.status in ('draft', 'submitted', 'reviewed') and not l.closed
   group by 1
),
last_supplier as (
  select distinct on (l.stock_item_id) l.stock_item_id, sp.name, sp.lead_time_days
    from purchase_order_line l
    join purchase_order o on o.dealer_id = l.dealer_id and o.id = l.purchase_order_id
    left join supplier sp on sp.dealer_id = o.dealer_id and sp.id = o.supplier_id
   where l.dealer_id = $1 and o.status not in ('rejected', 'cancelled')
   order by l.stock_item_id, o.id desc
),
transfers as (
  select t.id as target_id,
         coalesce(sum(x.quantity) filter (where x.dealer_id = $1), 0) as incoming,
         coalesce(sum(x.quantity) filter (where x.source_dealer_id = $1
                                           and x.status = 'approved'), 0) as promised
    from parts_transfer x
    join final f on f.part_id = x.part_id
    join stock_item t on t.dealer_id = $1 and t.part_id = f.final_part_id
   where (x.dealer_id = $1 and x.status in ('requested', 'approved', 'shipped'))
      or (x.source_dealer_id = $1 and x.status = 'approved')
   group by t.id
),
items as (
  select s.id, s.part_id, p.part_number, p.pack_size, s.min_qty, s.max_qty,
         s.reorder_multiple, s.on_hand,
         coalesce(ls.lead_time_days, s.lead_time_days) as lead_time_days,
         case when ls.lead_time_days is null then 'stock_item' else 'supplier' end
           as lead_time_source,
         ls.name as supplier_name,
         coalesce(r.reserved, 0) as reserved,
         coalesce(r.appointment_reserved, 0) as appointment_reserved,
         coalesce(o.on_order, 0) as on_order,
         coalesce(ip.qty, 0) as in_plan,
         coalesce(tr.incoming, 0) as transfers_in,
         coalesce(tr.promised, 0) as transfers_out,
         coalesce(pr.available, 0) as predecessor_available,
         coalesce(pr.list, '[]'::jsonb) as predecessor_list,
         coalesce(dm.history_qty, 0) as history_qty,
         coalesce(dm.window_qty, 0) as window_qty,
         coalesce(dm.window_sq, 0) as window_sq,
         coalesce(dm.season_qty, 0) as season_qty,
         coalesce(dm.year_qty, 0) as year_qty,
         dm.first_day,
         s.on_hand - coalesce(r.reserved, 0) + coalesce(o.on_order, 0) + coalesce(ip.qty, 0)
           + coalesce(tr.incoming, 0) - coalesce(tr.promised, 0) + coalesce(pr.available, 0)
           as position
    from stock_item s
    join part p on p.id = s.part_id
    left join demand dm on dm.target_id = s.id
    left join predecessors pr on pr.target_id = s.id
    left join reserved r on r.stock_item_id = s.id
    left join stock_on_order o on o.dealer_id = $1 and o.stock_item_id = s.id
    left join in_plan ip on ip.stock_item_id = s.id
    left join last_supplier ls on ls.stock_item_id = s.id
    left join transfers tr on tr.target_id = s.id
   where s.dealer_id = $1 and s.active and p.superseded_by is null
),
seasonal as (
  select i.*, b.year_from, b.season_to, b.year_to,
         i.first_day < b.year_from and i.year_qty >= $9::numeric as season_applies,
         case when i.year_qty > 0
              then round((i.season_qty / (b.season_to - b.year_from))
                         / (i.year_qty / (b.year_to - b.year_from)), 4) end as season_raw,
         round(greatest(i.window_qty, 0) / $6::int, 4) as mean_per_day,
         round(sqrt(greatest(i.window_sq / $6::int - (i.window_qty / $6::int) ^ 2, 0)::float8)
               ::numeric, 4) as sd_base
    from items i, day_bounds b
   -- Without a day of demand in the window the reorder point is 0 and the trigger is the
   -- min quota: an item above it cannot need an order, so no arithmetic is spent on it.
   where i.window_sq > 0 or i.position <= i.min_qty
),
forecast as (
  select s.*,
         case when s.season_applies
              then least($11::numeric, greatest($10::numeric, s.season_raw)) else 1 end
           as factor
    from seasonal s
),
rates as (
  select f.*,
         round(f.mean_per_day * f.factor, 4) as demand_per_day,
         round(f.sd_base * f.factor, 4) as sd_per_day
    from forecast f
),
levels as (
  select r.*,
         round(r.demand_per_day * r.lead_time_days, 2) as lead_time_demand,
         round($4::numeric * r.sd_per_day * sqrt(r.lead_time_days::float8)::numeric, 2)
           as safety_stock,
         round(r.demand_per_day * $7::int, 2) as review_period_demand,
         lcm(round(r.reorder_multiple * 100), r.pack_size * 100::numeric) / 100 as step
    from rates r
),
targets as (
  select l.*,
         l.lead_time_demand + l.safety_stock as reorder_point,
         greatest(l.max_qty, l.lead_time_demand + l.safety_stock + l.review_period_demand)
           as order_up_to,
         greatest(l.lead_time_demand + l.safety_stock, l.min_qty) as trigger_level
    from levels l
),
decided as (
  select t.*,
         case when t.position <= t.trigger_level and t.order_up_to > t.position
              then t.order_up_to - t.position else 0 end as need,
         t.appointment_reserved > 0 and t.reserved > t.on_hand + t.on_order as emergency,
         greatest(t.reserved - t.on_hand - t.on_order, 0) as shortage
    from targets t
),
suggested as (
  select d.*, ceil(d.need / d.step) * d.step as quantity from decided d where d.need > 0
),
inserted as (
  insert into reorder_suggestion (
    dealer_id, run_id, stock_item_id, demand_per_day, demand_sd_per_day, seasonal_factor,
    lead_time_days, lead_time_demand, safety_stock, reorder_point, order_up_to, on_hand,
    reserved, on_order, suggested_qty, emergency, explanation)
  select $1, $2, s.id, s.demand_per_day, s.sd_per_day, s.factor, s.lead_time_days,
         s.lead_time_demand, s.safety_stock, s.reorder_point, s.order_up_to, s.on_hand,
         s.reserved, s.on_order, s.quantity, s.emergency,
         jsonb_build_object(
           'demand', jsonb_build_object(
             'history_days', $5::int, 'history_qty', s.history_qty,
             'window_days', $6::int, 'window_qty', s.window_qty,
             'mean_per_day', s.mean_per_day, 'sd_per_day', s.sd_base,
             'first_day', s.first_day, 'predecessors', s.predecessor_list),
           'season', jsonb_build_object(
             'applied', s.season_applies, 'from', s.year_from, 'to', s.season_to,
             'qty', s.season_qty, 'year_from', s.year_from, 'year_to', s.year_to,
             'year_qty', s.year_qty, 'raw', s.season_raw, 'factor', s.factor),
           'forecast', jsonb_build_object(
             'demand_per_day', s.demand_per_day, 'sd_per_day', s.sd_per_day,
             'service_level', $12::numeric, 'z', $4::numeric,
             'lead_time_days', s.lead_time_days, 'lead_time_source', s.lead_time_source,
             'supplier', s.supplier_name, 'review_period_days', $7::int,
             'lead_time_demand', s.lead_time_demand, 'safety_stock', s.safety_stock,
             'reorder_point', s.reorder_point, 'review_period_demand', s.review_period_demand,
             'order_up_to', s.order_up_to),
           'stock', jsonb_build_object(
             'on_hand', s.on_hand, 'reserved', s.reserved,
             'appointment_reserved', s.appointment_reserved, 'on_order', s.on_order,
             'in_plan', s.in_plan, 'transfers_in', s.transfers_in,
             'transfers_out', s.transfers_out, 'predecessor_available', s.predecessor_available,
             'position', s.position, 'min_qty', s.min_qty, 'max_qty', s.max_qty,
             'trigger_level', s.trigger_level),
           'order', jsonb_build_object(
             'need', s.need, 'multiple', s.reorder_multiple, 'pack_size', s.pack_size,
             'step', s.step, 'quantity', s.quantity, 'emergency', s.emergency,
             'shortage', s.shortage),
           'transfers', '[]'::jsonb)
    from suggested s
   order by s.emergency desc, s.part_number
  returning 1
)
select (select count(*) from items) as considered, (select count(*) from inserted) as suggested
"""

# The parts a requester may take instead of the one it plans: that number and every
# older number it replaced, at the other dealers of the requester's region.
_OFFERS = """
family (key, part_id, depth) as (
  select key, part_id, 0 from wanted
  union all
  select f.key, p.id, f.depth + 1
    from family f join part p on p.superseded_by = f.part_id
   where f.depth < 20
),
region as (
  select d.id, d.code, d.name, d.name_zh from dealer d
   where d.region_id = (select region_id from dealer where id = $1) and d.id <> $1
),
region_reserved as (
  select x.dealer_id, x.stock_item_id, sum(x.quantity) as reserved
    from stock_reservation x
   where x.dealer_id in (select id from region) and x.status = 'active'
   group by 1, 2
),
region_pending as (
  select x.source_dealer_id as dealer_id, x.part_id, sum(x.quantity) as pending
    from parts_transfer x
   where x.source_dealer_id in (select id from region) and x.status in ('requested', 'approved')
   group by 1, 2
),
-- Stock that could be given at all: above its max, or slow moving (no issue, nor any
-- movement, within the giver's slow_moving_days). Found in one pass over the region's
-- items, before the parts wanted are joined.
spare as (
  select s.dealer_id, s.id, s.part_id, s.on_hand, s.max_qty,
         coalesce(s.last_issue_at, s.last_movement_at)
           < now() - make_interval(days => coalesce(ps.slow_moving_days, 180)) as slow_moving
    from stock_item s
    join region g on g.id = s.dealer_id
    left join parts_settings ps on ps.dealer_id = s.dealer_id
   where s.active and s.on_hand > 0
     and (s.on_hand > s.max_qty
          or coalesce(s.last_issue_at, s.last_movement_at)
               < now() - make_interval(days => coalesce(ps.slow_moving_days, 180)))
),
stocked as (
  select f.key, g.id as dealer_id, g.code, g.name, g.name_zh, p.id as part_id,
         p.part_number, s.on_hand - coalesce(r.reserved, 0) as free, s.max_qty,
         coalesce(t.pending, 0) as pending, s.slow_moving
    from spare s
    join family f on f.part_id = s.part_id
    join region g on g.id = s.dealer_id
    join part p on p.id = f.part_id
    left join region_reserved r on r.dealer_id = s.dealer_id and r.stock_item_id = s.id
    left join region_pending t on t.dealer_id = s.dealer_id and t.part_id = s.part_id
),
offers as (
  select key, dealer_id, code, name, name_zh, part_id, part_number, slow_moving,
         greatest(free - max_qty, case when slow_moving then free else 0 end) - pending
           as quantity
    from stocked
)"""

TRANSFER_OFFERS_SQL = f"""
with recursive
wanted (key, part_id) as (select * from unnest($2::bigint[], $3::bigint[])),
{_OFFERS}
select key, dealer_id, code, name, name_zh, part_id, part_number, quantity, slow_moving
  from offers where quantity > 0
 order by key, quantity desc, dealer_id, part_id
"""
"""Surplus (on hand - reserved - max) or slow-moving stock (no issue within the giver's
``slow_moving_days``) at the other dealers of $1's region, less what is already
promised in open transfers. Keys ($2) and part ids ($3) go in pairs. Runs in a
transaction that sees the region's dealers; only part, dealer and quantity leave it."""

OFFERS_INTO_SUGGESTIONS_SQL = f"""
with recursive
wanted (key, part_id) as (
  select s.id, i.part_id
    from reorder_suggestion s
    join stock_item i on i.dealer_id = s.dealer_id and i.id = s.stock_item_id
   where s.dealer_id = $1 and s.run_id = $2
),
{_OFFERS},
ranked as (
  select o.*, row_number() over (partition by o.key order by o.quantity desc, o.dealer_id,
                                 o.part_id) as rank
    from offers o where o.quantity > 0
),
lists as (
  select key, jsonb_agg(jsonb_build_object(
           'dealer_id', dealer_id, 'dealer_code', code, 'dealer_name', name,
           'dealer_name_zh', name_zh, 'part_id', part_id, 'part_number', part_number,
           'quantity', quantity, 'slow_moving', slow_moving) order by rank) as list
    from ranked where rank <= $3
   group by key
)
update reorder_suggestion s set explanation = jsonb_set(s.explanation, '{{transfers}}', l.list)
  from lists l
 where s.dealer_id = $1 and s.id = l.key
"""
"""The best ``$3`` offers of each suggestion of run $2 (its part is a current number)
written into its explanation."""

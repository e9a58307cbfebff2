"""Two years of parts history for the demo dealers, generated in PostgreSQL.

The story: the dealer imported its ledger from the previous DMS two years back (opening
balances and movements marked ``import``) and has run its parts department on dealernet
for the last ``DOCUMENTED_MONTHS`` months, where every receipt belongs to a purchase
order and a goods receipt and every issue to a parts request on a delivered repair order.

Demand is drawn per item and day (seasonal: air conditioning in summer, batteries and
bulbs in winter, wipers in the rainy season, a Spring Festival dip; quieter weekends);
the stock follows an order-up-to policy simulated week by week in one recursive query,
so shortages happen where demand outruns the shelf: those requests were not available
at first pick and the next week's order for the part is an emergency order. Parts that
stopped selling keep their last stock (slow-moving and dead stock); replaced numbers pass
their demand to their successors.

The ledger trigger would take a row at a time, so the movements go in with it disabled,
as the owner, in one transaction; the balances, FIFO lots and allocations are then set
by set-based SQL exactly as the trigger would have left them (the lots' FIFO order is
the movements' time order, and no prefix of an item's movements goes below zero).
A superuser also loads past the row-by-row foreign-key triggers (replication role) and
then checks every foreign key of the rows it wrote in one anti-join each, before commit:
the same guarantee, several times faster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from tenants.parts.demo_catalog import DemoPart

HISTORY_WEEKS = 104
DOCUMENTED_MONTHS = 6
PRICE_RISE = Decimal("1.04")
"""Costs rose 4% ten months ago: older lots are cheaper (FIFO matters)."""


@dataclass(frozen=True)
class DealerHistory:
    dealer_id: int
    code: str
    scale: Decimal
    """Demand relative to the reference dealer."""
    safety: Decimal
    """Reorder point as a multiple of the lead-time-plus-a-week demand."""
    planner: int | None
    parts_manager: int | None
    manager: int | None
    keeper: int | None
    advisors: list[int]
    technicians: list[int]
    customers: list[int]
    vehicles: list[int]


SETUP = [
    """
    create temp table demo_dealer on commit drop as
    select d.dealer_id, d.code, d.scale, d.safety, d.planner, d.parts_manager, d.manager,
           d.keeper, dl.time_zone as tz, (now() at time zone dl.time_zone)::date as today,
           (date_trunc('month', (now() at time zone dl.time_zone)::date)
              - make_interval(months => $13))::date as go_live,
           date_trunc('week', (now() at time zone dl.time_zone)::date
              - 7 * $14)::date as week0,
           string_to_array(d.advisors, ',')::bigint[] as advisors,
           string_to_array(d.technicians, ',')::bigint[] as technicians,
           string_to_array(d.customers, ',')::bigint[] as customers,
           string_to_array(d.vehicles, ',')::bigint[] as vehicles
      from unnest($1::bigint[], $2::text[], $3::numeric[], $4::numeric[], $5::bigint[],
                  $6::bigint[], $7::bigint[], $8::bigint[], $9::text[], $10::text[],
                  $11::text[], $12::text[])
        as d(dealer_id, code, scale, safety, planner, parts_manager, manager, keeper,
             advisors, technicians, customers, vehicles)
      join dealer dl on dl.id = d.dealer_id
    """,
    # Items to generate: every demo stock item of those dealers with no ledger of its own
    # yet (the service demo's opening receipt aside), with its demand and policy.
    """
    create temp table demo_item on commit drop as
    select s.dealer_id, s.id as stock_item_id, d.today, d.week0, d.tz,
           spec.mean * d.scale * spec.use as mean, spec.use, spec.season,
           ceil(s.reorder_multiple)::int as multiple, s.lead_time_days as lead,
           s.unit_cost as cost, round(s.unit_cost / $8, 2) as old_cost,
           case when spec.life = 'new' then d.today - spec.life_days else d.week0 end as start_day,
           case when spec.life in ('slow', 'dead', 'replaced') then d.today - spec.life_days
                else d.today end as stop_day,
           (case when spec.on_demand then 0 else greatest(
             ceil(spec.mean * d.scale * spec.use * (s.lead_time_days + 7) * d.safety), 1) end)::int
             as reorder_point,
           (case when spec.on_demand then 0 else greatest(
             ceil(spec.mean * d.scale * spec.use * (s.lead_time_days + 7) * d.safety), 1)
             + ceil(spec.mean * d.scale * spec.use * 14) end)::int as order_up_to
      from demo_dealer d
      join stock_item s on s.dealer_id = d.dealer_id
      join part p on p.id = s.part_id
      join unnest($1::text[], $2::numeric[], $3::int[], $4::text[], $5::text[], $6::int[],
                  $9::boolean[])
        as spec(number, mean, use, season, life, life_days, on_demand)
        on spec.number = p.part_number
     where not (s.id = any($7::bigint[]))
       and not exists (select 1 from stock_movement m
                        where m.dealer_id = s.dealer_id and m.stock_item_id = s.id
                          and m.document_type <> 'opening')
    """,
    "alter table demo_item add primary key (stock_item_id)",
    """
    alter table demo_item
      add column weeks int, add column order_from int, add column order_until int,
      add column opening int
    """,
    """
    update demo_item set
      weeks = (today - 1 - week0) / 7 + 1,
      order_from = greatest((start_day - week0) / 7, 0),
      order_until = case when stop_day >= today then (today - 1 - week0) / 7 + 1
                         else (stop_day - lead - 7 - week0) / 7 end,
      opening = case when start_day <= week0 then order_up_to else 0 end
    """,
    # The calendar's weight of a day per season profile: seasonal, a Spring Festival dip
    # in February, quieter weekends.
    """
    create temp table demo_calendar on commit drop as
    select g.day::date as day, w.weekday * case when extract(month from g.day) = 2
                                                 then 0.75 else 1 end as base,
           extract(month from g.day) as month, extract(isodow from g.day) as isodow
      from generate_series((select min(week0) from demo_item),
                           (select max(today) from demo_item), interval '1 day') g(day)
      cross join lateral (select case extract(isodow from g.day) when 7 then 0.6
                                      when 6 then 0.9 else 1 end as weekday) w
    """,
    """
    alter table demo_calendar
      add column flat float8, add column summer float8, add column winter float8,
      add column rain float8
    """,
    """
    update demo_calendar set
      flat = base * (1 + 0.1 * cos(2 * pi() * (month - 7) / 12)),
      summer = base * case when month in (6, 7, 8) then 1.9 when month in (5, 9) then 1.3
                           else 0.6 end,
      winter = base * case when month in (12, 1, 2) then 1.7 when month in (11, 3) then 1.3
                           else 0.7 end,
      rain = base * case when month in (4, 5, 6) then 1.7 when month in (7, 8, 9) then 1.2
                         else 0.7 end
    """,
    # Uses per item and day around the item's mean, weighted by the calendar; parts that
    # sell less than every few days are drawn a week at a time, on a working day of it.
    """
    create temp table demo_day on commit drop as
    select * from (
      select i.stock_item_id, c.day, (c.day - i.week0) / 7 as w,
             (i.use * floor((i.mean / i.use)::float8
                * case i.season when 'summer' then c.summer when 'winter' then c.winter
                                when 'rain' then c.rain else c.flat end
                * (0.5 + random()) + random()))::numeric as qty
        from demo_item i
        join demo_calendar c on c.day >= greatest(i.start_day, i.week0)
                            and c.day < least(i.stop_day, i.today)
       where i.mean >= 0.15
      union all
      select i.stock_item_id, c.day + (random() * 5.99)::int, (c.day - i.week0) / 7,
             (i.use * floor((i.mean * 6.5 / i.use)::float8
                * case i.season when 'summer' then c.summer when 'winter' then c.winter
                                when 'rain' then c.rain else c.flat end
                * (0.5 + random()) + random()))::numeric
        from demo_item i
        join demo_calendar c on c.isodow = 1 and c.day >= i.week0 and c.day < i.today
       where i.mean < 0.15
    ) d
     where qty > 0
    """,
    """
    delete from demo_day d using demo_item i
     where i.stock_item_id = d.stock_item_id
       and (d.day < greatest(i.start_day, i.week0) or d.day >= least(i.stop_day, i.today))
    """,
    """
    create temp table demo_week on commit drop as
    select stock_item_id, w, sum(qty)::int as demand from demo_day group by stock_item_id, w
    """,
    "alter table demo_week add primary key (stock_item_id, w)",
    "analyze demo_item",
    "analyze demo_week",
    # The order-up-to policy week by week: each Monday the order placed a lead time earlier
    # arrives when the shelf is at or below the reorder point, or when customers wait for
    # parts (then it was an emergency order); it serves the waiting customers first, then
    # the week's demand takes what is there and what it cannot have waits for the next
    # delivery. Parts kept on demand only (min = max = 0) are always ordered for a job.
    """
    create temp table demo_flow on commit drop as
    with recursive sim (stock_item_id, w, balance, backlog, receipt, served, issued, short,
                        emergency) as (
      select stock_item_id, -1, opening, 0, 0, 0, 0, false, false
        from demo_item
      union all
      select s.stock_item_id, s.w + 1,
             q.receipt + s.balance - q.served - q.issued,
             case when s.w + 2 < i.order_until
                  then s.backlog - q.served + coalesce(k.demand, 0) - q.issued else 0 end,
             q.receipt, q.served, q.issued, coalesce(k.demand, 0) > q.issued,
             q.receipt > 0 and s.backlog > 0
        from sim s
        join demo_item i on i.stock_item_id = s.stock_item_id
        left join demo_week k on k.stock_item_id = s.stock_item_id and k.w = s.w + 1
        cross join lateral (
          select r.receipt, least(s.backlog, s.balance + r.receipt) as served,
                 least(coalesce(k.demand, 0),
                       s.balance + r.receipt - least(s.backlog, s.balance + r.receipt)) as issued
            from (select case when s.w + 1 >= i.order_from and s.w + 1 < i.order_until
                                   and (s.balance <= i.reorder_point or s.backlog > 0)
                              then (greatest(i.order_up_to - s.balance + s.backlog, s.backlog)
                                    + i.multiple - 1) / i.multiple * i.multiple
                              else 0 end as receipt) r) q
       where s.w + 1 < i.weeks
    )
    select * from sim where w >= 0
    """,
    "alter table demo_flow add primary key (stock_item_id, w)",
    # Every movement, with its id drawn now so documents can name it.
    """
    create temp table demo_move (
      id bigint primary key default nextval('stock_movement_id_seq'),
      dealer_id bigint, stock_item_id bigint, kind text, quantity numeric, unit_cost numeric,
      created_at timestamptz, w int, short boolean default false, emergency boolean default false,
      document_type text default 'import', document_id bigint,
      reason text default '历史数据导入 / imported from the previous DMS', created_by bigint
    ) on commit drop
    """,
    """
    insert into demo_move (dealer_id, stock_item_id, kind, quantity, unit_cost, created_at, w,
                           short, emergency, reason)
    select dealer_id, stock_item_id, kind, quantity, unit_cost, created_at, w, short, emergency,
           reason
      from (
        select i.dealer_id, i.stock_item_id, 'receipt' as kind, i.opening as quantity,
               i.old_cost as unit_cost, (i.week0 + time '08:00') at time zone i.tz as created_at,
               0 as w, false as short, false as emergency,
               '期初库存导入 / opening balance imported' as reason
          from demo_item i where i.opening > 0
        union all
        select i.dealer_id, i.stock_item_id, 'receipt', f.receipt,
               case when i.week0 + 7 * f.w < i.today - 300 then i.old_cost else i.cost end,
               (i.week0 + 7 * f.w + time '09:30') at time zone i.tz, f.w, false, f.emergency,
               '历史数据导入 / imported from the previous DMS'
          from demo_flow f join demo_item i on i.stock_item_id = f.stock_item_id
         where f.receipt > 0
        union all
        select i.dealer_id, i.stock_item_id, 'issue', -x.issued, 0,
               (x.day + time '10:00' + random() * interval '7 hours 30 minutes')
                 at time zone i.tz, x.w, x.issued < x.qty, false,
               '历史数据导入 / imported from the previous DMS'
          from (select d.*, least(d.qty, f.issued - (d.cum - d.qty)) as issued
                  from (select *, sum(qty) over (partition by stock_item_id, w order by day) as cum
                          from demo_day) d
                  join demo_flow f on f.stock_item_id = d.stock_item_id and f.w = d.w
                 where f.issued - (d.cum - d.qty) > 0) x
          join demo_item i on i.stock_item_id = x.stock_item_id
        union all
        -- Parts customers waited for, issued when the delivery came.
        select i.dealer_id, i.stock_item_id, 'issue', -f.served, 0,
               (i.week0 + 7 * f.w + time '10:00' + random() * interval '1 hour') at time zone i.tz,
               f.w, true, false, '历史数据导入 / imported from the previous DMS'
          from demo_flow f join demo_item i on i.stock_item_id = f.stock_item_id
         where f.served > 0
      ) m
     order by created_at, kind
    """,
    # A customer now and then brings a part back unused the next morning.
    """
    insert into demo_move (dealer_id, stock_item_id, kind, quantity, unit_cost, created_at, w,
                           reason, document_id)
    select m.dealer_id, m.stock_item_id, 'return', least(i.use, -m.quantity),
           case when m.created_at < (i.today - 300)::timestamp at time zone i.tz
                then i.old_cost else i.cost end,
           ((m.created_at at time zone i.tz)::date + 1 + time '09:10') at time zone i.tz, m.w,
           '客户退回未用件 / returned unused', m.id
      from demo_move m join demo_item i on i.stock_item_id = m.stock_item_id
     where m.kind = 'issue' and (m.created_at at time zone i.tz)::date + 1 < i.today
       and hashint8(m.id) % 70 = 0
    """,
]

DOCUMENTS = [
    # --- documented months: purchase orders, goods receipts and their lines -------------
    """
    create temp table demo_po on commit drop as
    select nextval('purchase_order_id_seq') as id, d.dealer_id, m.w, m.emergency,
           min(m.created_at) as received_at, d.code, d.tz, d.planner, d.parts_manager,
           d.manager, d.keeper
      from demo_move m join demo_dealer d on d.dealer_id = m.dealer_id
     where m.kind = 'receipt' and m.created_at >= d.go_live::timestamp at time zone d.tz
     group by d.dealer_id, m.w, m.emergency, d.code, d.tz, d.planner, d.parts_manager,
              d.manager, d.keeper
    """,
    """
    alter table demo_po
      add column ordered_at timestamptz, add column receipt_id bigint
    """,
    """
    update demo_po set
      ordered_at = received_at - case when emergency then interval '1 day 20 hours'
                                      else interval '5 days 22 hours' end,
      receipt_id = nextval('parts_receipt_id_seq')
    """,
    """
    create temp table demo_po_line on commit drop as
    select nextval('purchase_order_line_id_seq') as id, nextval('parts_receipt_line_id_seq')
             as receipt_line_id, o.id as order_id, o.receipt_id, m.id as movement_id,
           m.dealer_id, m.stock_item_id, m.quantity, m.unit_cost
      from demo_move m
      join demo_po o on o.dealer_id = m.dealer_id and o.w = m.w and o.emergency = m.emergency
      join demo_dealer d on d.dealer_id = m.dealer_id
     where m.kind = 'receipt' and m.created_at >= d.go_live::timestamp at time zone d.tz
    """,
    """
    update demo_move m set document_type = 'parts_receipt', document_id = l.receipt_id,
                           reason = '', created_by = d.keeper
      from demo_po_line l, demo_dealer d
     where l.movement_id = m.id and d.dealer_id = m.dealer_id
    """,
    """
    insert into purchase_order (id, dealer_id, number, urgency, source, status, note,
      expected_on, created_by, created_at, submitted_by, submitted_at, reviewed_by, reviewed_at,
      approved_by, approved_at, ordered_by, ordered_at, closed_at)
    select id, dealer_id,
           code || '-PO-' || to_char((ordered_at at time zone tz) - interval '1 day', 'YYYYMMDD')
             || '-' || case when emergency then '002' else '001' end,
           case when emergency then 'emergency' else 'regular' end,
           case when emergency then 'shortage' else 'suggestions' end,
           'received', case when emergency then '缺件紧急订货 / emergency order for shortages'
                            else '周订货计划 / weekly plan' end,
           (received_at at time zone tz)::date,
           planner, ordered_at - interval '1 day', planner, ordered_at - interval '20 hours',
           parts_manager, ordered_at - interval '6 hours', manager, ordered_at - interval '2 hours',
           planner, ordered_at, received_at + interval '2 hours'
      from demo_po
    """,
    """
    insert into purchase_order_line (id, dealer_id, purchase_order_id, stock_item_id, quantity,
                                     unit_price, received_qty, closed)
    select id, dealer_id, order_id, stock_item_id, quantity, unit_cost, quantity, true
      from demo_po_line
    """,
    """
    insert into purchase_order_event (dealer_id, purchase_order_id, from_status, to_status,
                                      actor_user_id, at)
    select o.dealer_id, o.id, e.from_status, e.to_status, e.actor, e.at
      from demo_po o
      cross join lateral (values
        (null, 'draft', o.planner, o.ordered_at - interval '1 day'),
        ('draft', 'submitted', o.planner, o.ordered_at - interval '20 hours'),
        ('submitted', 'reviewed', o.parts_manager, o.ordered_at - interval '6 hours'),
        ('reviewed', 'approved', o.manager, o.ordered_at - interval '2 hours'),
        ('approved', 'ordered', o.planner, o.ordered_at),
        ('ordered', 'received', o.keeper, o.received_at + interval '2 hours')
      ) as e(from_status, to_status, actor, at)
    """,
    """
    insert into parts_receipt (id, dealer_id, number, purchase_order_id, delivery_note, status,
      shipping_list_checked_by, shipping_list_checked_at, received_by, received_at, posted_by,
      posted_at, shelved_by, shelved_at)
    select receipt_id, dealer_id,
           code || '-GR-' || to_char(received_at at time zone tz, 'YYYYMMDD') || '-'
             || case when emergency then '002' else '001' end,
           id, 'HXPC-' || to_char(received_at at time zone tz, 'YYMMDD') || '-' || (id % 1000),
           'posted', planner, received_at - interval '10 minutes', keeper, received_at, keeper,
           received_at + interval '1 hour', keeper, received_at + interval '2 hours'
      from demo_po
    """,
    # --- documented months: parts requests on repair orders, three lines an order ----------
    """
    create temp table demo_request on commit drop as
    select nextval('parts_request_id_seq') as id, m.id as movement_id, m.dealer_id,
           m.stock_item_id, -m.quantity as quantity, m.created_at as issued_at, not m.short
             as available, (m.created_at at time zone d.tz)::date as day,
           row_number() over (partition by m.dealer_id, (m.created_at at time zone d.tz)::date
                              order by m.created_at, m.id) - 1 as n
      from demo_move m join demo_dealer d on d.dealer_id = m.dealer_id
     where m.kind = 'issue' and m.created_at >= d.go_live::timestamp at time zone d.tz
    """,
    """
    create temp table demo_order on commit drop as
    select nextval('repair_order_id_seq') as id, r.dealer_id, r.day, r.n / 3 as seq,
           min(r.issued_at) as first_issue, max(r.issued_at) as last_issue
      from demo_request r group by r.dealer_id, r.day, r.n / 3
    """,
    """
    insert into repair_order (id, dealer_id, number, customer_id, vehicle_id, advisor_user_id,
      delivering_advisor_user_id, status, customer_description, opened_at, approved_at,
      work_done_at, ready_at, settled_at, delivered_at, created_by)
    select o.id, o.dealer_id, d.code || '-' || to_char(o.day, 'YYYYMMDD') || '-'
             || lpad((o.seq + 1)::text, 3, '0'),
           d.customers[1 + (hashint8(o.id) & 1023) % cardinality(d.customers)],
           d.vehicles[1 + (hashint8(o.id) & 1023) % cardinality(d.vehicles)],
           d.advisors[1 + o.seq % cardinality(d.advisors)],
           d.advisors[1 + o.seq % cardinality(d.advisors)], 'delivered',
           '常规维修保养 / routine service and repair',
           o.first_issue - interval '90 minutes', o.first_issue - interval '70 minutes',
           o.last_issue + interval '2 hours', o.last_issue + interval '2 hours 30 minutes',
           o.last_issue + interval '3 hours', o.last_issue + interval '3 hours 15 minutes',
           d.advisors[1 + o.seq % cardinality(d.advisors)]
      from demo_order o join demo_dealer d on d.dealer_id = o.dealer_id
    """,
    """
    alter table demo_request add column order_id bigint, add column line_id bigint,
      add column returned numeric not null default 0
    """,
    """
    update demo_request r set returned = b.quantity
      from demo_move b where b.kind = 'return' and b.document_id = r.movement_id
    """,
    """
    update demo_request r set order_id = o.id, line_id = nextval('repair_order_line_id_seq')
      from demo_order o
     where o.dealer_id = r.dealer_id and o.day = r.day and o.seq = r.n / 3
    """,
    """
    insert into repair_order_line (id, dealer_id, repair_order_id, kind, part_id, description,
      quantity, unit_price, pay_type, status, job_status, done_at, created_by, created_at)
    select r.line_id, r.dealer_id, r.order_id, 'part', s.part_id, p.name_zh, r.quantity,
           p.list_price, 'customer', 'approved', 'done', r.issued_at,
           d.advisors[1 + r.n % cardinality(d.advisors)], r.issued_at - interval '80 minutes'
      from demo_request r
      join demo_dealer d on d.dealer_id = r.dealer_id
      join stock_item s on s.dealer_id = r.dealer_id and s.id = r.stock_item_id
      join part p on p.id = s.part_id
    """,
    """
    update demo_move m set document_type = 'parts_request', document_id = r.id, reason = '',
                           created_by = d.keeper
      from demo_request r, demo_dealer d
     where r.movement_id = m.id and d.dealer_id = m.dealer_id
    """,
    """
    update demo_move m set document_type = 'parts_request', document_id = r.id,
                           reason = '客户退回未用件 / returned unused', created_by = d.keeper
      from demo_request r, demo_dealer d
     where m.kind = 'return' and m.document_id = r.movement_id and d.dealer_id = m.dealer_id
    """,
    # Returns of imported issues name no document.
    """
    update demo_move set document_id = null
     where kind = 'return' and document_type = 'import'
    """,
]

LEDGER = [
    # The movements, past the trigger: balances and lots are set below, in one go.
    "alter table stock_movement disable trigger stock_movement_post",
    """
    insert into stock_movement (id, dealer_id, stock_item_id, kind, quantity, unit_cost,
      document_type, document_id, reason, created_by, created_at)
    select id, dealer_id, stock_item_id, kind, quantity, unit_cost, document_type,
           document_id, reason, created_by, created_at
      from demo_move order by id
    """,
    "alter table stock_movement enable trigger stock_movement_post",
    # The document lines that name their movement.
    """
    insert into parts_receipt_line (id, dealer_id, receipt_id, purchase_order_line_id,
      stock_item_id, shipped_qty, counted_qty, accepted_qty, unit_cost, movement_id,
      counted_by, counted_at)
    select l.receipt_line_id, l.dealer_id, l.receipt_id, l.id, l.stock_item_id, l.quantity,
           l.quantity, l.quantity, l.unit_cost, l.movement_id, o.keeper, o.received_at
      from demo_po_line l join demo_po o on o.id = l.order_id
    """,
    """
    insert into parts_request (id, dealer_id, number, repair_order_id, repair_order_line_id,
      stock_item_id, quantity, status, warranty, available_at_request, requested_by,
      requested_at, countersigned_by, countersigned_at, issued_by, issued_at,
      issue_movement_id, old_part_returned, old_part_disposition, returned_qty)
    select r.id, r.dealer_id,
           d.code || '-PR-' || to_char(r.day, 'YYYYMMDD') || '-' || lpad((r.n + 1)::text, 3, '0'),
           r.order_id, r.line_id, r.stock_item_id, r.quantity,
           case when r.returned >= r.quantity then 'returned' else 'issued' end,
           false, r.available, d.technicians[1 + r.n % cardinality(d.technicians)],
           r.issued_at - interval '40 minutes', d.advisors[1 + r.n % cardinality(d.advisors)],
           r.issued_at - interval '30 minutes', d.keeper, r.issued_at, r.movement_id,
           true, 'hand_over', r.returned
      from demo_request r
      join demo_dealer d on d.dealer_id = r.dealer_id
    """,
    # FIFO as the trigger does it: each item's inbound movements laid end to end in time
    # order are its lots; each outbound movement covers the next stretch of that line,
    # and takes from the lots it overlaps.
    """
    create temp table demo_in on commit drop as
    select m.id as movement_id, m.dealer_id, m.stock_item_id, m.quantity, m.created_at,
           greatest(m.unit_cost, 0) as unit_cost, l.id as lot_id,
           sum(m.quantity) over w - m.quantity as lo, sum(m.quantity) over w as hi
      from stock_movement m
      left join stock_lot l on l.dealer_id = m.dealer_id and l.movement_id = m.id
     where m.stock_item_id in (select stock_item_id from demo_item) and m.quantity > 0
    window w as (partition by m.stock_item_id order by m.created_at, m.id)
    """,
    # New lots numbered in FIFO order, as the trigger would have opened them.
    """
    update demo_in d set lot_id = n.lot_id
      from (select movement_id, nextval('stock_lot_id_seq') as lot_id
              from (select movement_id from demo_in where lot_id is null
                     order by stock_item_id, lo) o) n
     where n.movement_id = d.movement_id
    """,
    """
    create temp table demo_out on commit drop as
    select m.id as movement_id, m.dealer_id, m.stock_item_id,
           sum(-m.quantity) over w + m.quantity as lo, sum(-m.quantity) over w as hi
      from stock_movement m
     where m.stock_item_id in (select stock_item_id from demo_item) and m.quantity < 0
    window w as (partition by m.stock_item_id order by m.created_at, m.id)
    """,
    """
    create temp table demo_alloc on commit drop as
    select o.dealer_id, o.movement_id, i.lot_id, least(o.hi, i.hi) - greatest(o.lo, i.lo)
             as quantity, i.unit_cost
      from demo_out o
      join demo_in i on i.stock_item_id = o.stock_item_id and i.lo < o.hi and o.lo < i.hi
    """,
    """
    insert into stock_lot (id, dealer_id, stock_item_id, movement_id, received_at, quantity,
                           remaining, unit_cost)
    select i.lot_id, i.dealer_id, i.stock_item_id, i.movement_id, i.created_at, i.quantity,
           i.quantity - coalesce(t.quantity, 0), i.unit_cost
      from demo_in i
      left join (select lot_id, sum(quantity) as quantity from demo_alloc group by lot_id) t
        on t.lot_id = i.lot_id
     where not exists (select 1 from stock_lot l where l.id = i.lot_id)
     order by i.stock_item_id, i.lo
    """,
    """
    update stock_lot l set remaining = l.quantity - t.quantity
      from (select lot_id, sum(quantity) as quantity from demo_alloc group by lot_id) t
     where l.id = t.lot_id and l.movement_id not in (select id from demo_move)
    """,
    """
    insert into stock_lot_allocation (dealer_id, movement_id, lot_id, quantity, unit_cost)
    select dealer_id, movement_id, lot_id, quantity, unit_cost from demo_alloc
     order by movement_id, lot_id
    """,
    """
    update stock_item s set
      on_hand = s.on_hand + t.quantity,
      last_movement_at = greatest(s.last_movement_at, t.last_at),
      last_issue_at = greatest(s.last_issue_at, t.last_issue_at)
      from (select stock_item_id, sum(quantity) as quantity, max(created_at) as last_at,
                   max(created_at) filter (where kind = 'issue') as last_issue_at
              from demo_move group by stock_item_id) t
     where s.id = t.stock_item_id
    """,
]


BULK_TABLES: tuple[str, ...] = (
    "stock_movement", "stock_lot", "stock_lot_allocation", "purchase_order",
    "purchase_order_line", "purchase_order_event", "parts_receipt", "parts_receipt_line",
    "repair_order", "repair_order_line", "parts_request",
)  # fmt: skip
"""What the history writes; its foreign keys are checked when loaded past them."""

FOREIGN_KEYS_SQL = """
select c.conname, c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
       array(select a.attname::text from unnest(c.conkey) with ordinality k(n, i)
               join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n
              order by k.i) as columns,
       array(select a.attname::text from unnest(c.confkey) with ordinality k(n, i)
               join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n
              order by k.i) as referenced
  from pg_constraint c
 where c.contype = 'f' and c.conrelid = any($1::regclass[])
"""


class ForeignKeyViolation(RuntimeError):
    """Generated rows point at nothing: a bug in the generator, never committed."""


async def verify_foreign_keys(connection: asyncpg.Connection, tables: Sequence[str]) -> None:
    """Every foreign key of the rows this transaction wrote to ``tables``, one anti-join
    per constraint (what the skipped row triggers would have checked one by one)."""
    for fk in await connection.fetch(FOREIGN_KEYS_SQL, list(tables)):
        present = " and ".join(f"t.{c} is not null" for c in fk["columns"])
        match = " and ".join(
            f"p.{r} = t.{c}" for c, r in zip(fk["columns"], fk["referenced"], strict=True)
        )
        orphans = await connection.fetchval(
            f"select count(*) from {fk['child']} t where t.xmin = pg_current_xact_id()::xid"
            f" and {present} and not exists (select 1 from {fk['parent']} p where {match})"
        )
        if orphans:
            raise ForeignKeyViolation(f"{orphans} rows of {fk['child']} break {fk['conname']}")


async def generate(
    connection: asyncpg.Connection,
    dealers: Sequence[DealerHistory],
    parts: Sequence[DemoPart],
    skipped_items: Sequence[int],
) -> int:
    """Generate the history of ``dealers`` in the caller's (owner) transaction; returns
    the number of movements written. Items that already have a ledger are left alone."""
    if not dealers:
        return 0

    def joined(values: list[int]) -> str:
        return ",".join(str(v) for v in values)

    await connection.execute(
        SETUP[0],
        [d.dealer_id for d in dealers],
        [d.code for d in dealers],
        [d.scale for d in dealers],
        [d.safety for d in dealers],
        [d.planner for d in dealers],
        [d.parts_manager for d in dealers],
        [d.manager for d in dealers],
        [d.keeper for d in dealers],
        [joined(d.advisors) for d in dealers],
        [joined(d.technicians) for d in dealers],
        [joined(d.customers) for d in dealers],
        [joined(d.vehicles) for d in dealers],
        DOCUMENTED_MONTHS,
        HISTORY_WEEKS,
    )
    await connection.execute(
        SETUP[1],
        [p.number for p in parts],
        [p.mean for p in parts],
        [p.use for p in parts],
        [p.season for p in parts],
        [p.life for p in parts],
        [p.life_days for p in parts],
        list(skipped_items),
        PRICE_RISE,
        [not p.stocked for p in parts],
    )
    await connection.execute("select setseed(0.4242)")
    for statement in SETUP[2:]:
        await connection.execute(statement)
    bulk = bool(
        await connection.fetchval("select rolsuper from pg_roles where rolname = current_user")
    )
    if bulk:
        await connection.execute("set local session_replication_role = replica")
    for statement in [*DOCUMENTS, *LEDGER]:
        await connection.execute(statement)
    if bulk:
        await connection.execute("set local session_replication_role = origin")
        await verify_foreign_keys(connection, BULK_TABLES)
    written: int = await connection.fetchval("select count(*) from demo_move")
    return written

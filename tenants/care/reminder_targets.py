"""Effective targets of outbound reminder calls (选定有效预约客户群, seed 003 预约流程 1):
customers whose maintenance (保养期), insurance (保险期) or warranty (三包期) is about to
fall due, plus work they declined and open recalls or campaigns on their VIN. Customers
marked lost, and those not back for ``lost_after_months`` (失联久未回厂), are not targets;
the latter are listed apart as lapsed for the front-desk supervisor's analysis.

Generation is one statement per dealer: the targets of the dealer's local today are
upserted on their natural key (vehicle, kind, due date, source) with the reasoning in
``basis``, and open targets that are no longer effective become ``expired``. Running it
twice changes nothing; a call made is remembered on its row.

Maintenance falls due on the earlier of two dates:

- by date: the last delivered order's ``next_service_date`` (told at delivery), else its
  delivery date plus ``maintenance_months``; a car never serviced here: the sale date
  plus the manufacturer's ``first_service_months``;
- by mileage estimate: when the odometer, at the average km/day of the readings since
  the last correction (at least 14 days between the first and the last), reaches the
  order's ``next_service_km``, else the km at the last service plus ``maintenance_km``
  (first service: the manufacturer's ``first_service_km``).

Maintenance already worked (called, booked, declined or dismissed) since the last visit
is not offered again until the car has been back, as the estimate moves every night.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction

OVERDUE_DAYS = 60
"""Maintenance and declined work stay targets this many days past due."""
MIN_PACE_DAYS = 14
"""The readings of a mileage estimate span at least this many days."""

# The dealer's rules, local today, and the manufacturer's warranty terms (with the
# column defaults of ``care_settings`` and ``warranty_policy`` when there is no row).
_DEALER_CTE = """
d as (
  select dl.id as dealer_id, dl.time_zone, g.manufacturer_id,
         ($2::timestamptz at time zone dl.time_zone)::date as today,
         coalesce(s.maintenance_months, 6) as maintenance_months,
         coalesce(s.maintenance_km, 5000) as maintenance_km,
         coalesce(s.reminder_horizon_days, 30) as horizon,
         coalesce(s.lost_after_months, 18) as lost_after_months,
         coalesce(wp.base_months, 36) as base_months,
         coalesce(wp.base_km, 100000) as base_km,
         coalesce(wp.first_service_months, 6) as first_service_months,
         coalesce(wp.first_service_km, 7500) as first_service_km
    from dealer dl
    join region g on g.id = dl.region_id
    left join care_settings s on s.dealer_id = dl.id
    left join warranty_policy wp on wp.manufacturer_id = g.manufacturer_id
   where dl.id = $1
),
last_visit as (
  select customer_id, max(delivered_at) as at
    from repair_order
   where dealer_id = $1 and status = 'delivered'
   group by customer_id
),
last_sale as (
  select customer_id, max(sale_date) as on_
    from vehicle where dealer_id = $1 group by customer_id
),
standing as (
  -- The last time the customer was here: the last delivery, else the car's sale,
  -- else when the customer was recorded. Older than lost_after_months = lapsed.
  select c.id as customer_id, c.lost,
         (lv.at at time zone d.time_zone)::date as last_visit_on,
         coalesce((lv.at at time zone d.time_zone)::date, ls.on_,
                  (c.created_at at time zone d.time_zone)::date) as seen_on,
         coalesce((lv.at at time zone d.time_zone)::date, ls.on_,
                  (c.created_at at time zone d.time_zone)::date)
           < (d.today - make_interval(months => d.lost_after_months))::date as lapsed
    from customer c cross join d
    left join last_visit lv on lv.customer_id = c.id
    left join last_sale ls on ls.customer_id = c.id
   where c.dealer_id = $1
)
"""

GENERATE_SQL = f"""
with {_DEALER_CTE},
veh as (
  select v.id as vehicle_id, v.customer_id, v.vin, v.sale_date, v.insurance_expires_on
    from vehicle v
    join standing st on st.customer_id = v.customer_id
   where v.dealer_id = $1 and not st.lost and not st.lapsed
),
last_order as (
  select distinct on (ro.vehicle_id) ro.vehicle_id, ro.id, ro.number, ro.delivered_at,
         ro.next_service_date, ro.next_service_km, ro.mileage_in
    from repair_order ro
    join veh on veh.vehicle_id = ro.vehicle_id
   where ro.dealer_id = $1 and ro.status = 'delivered'
   order by ro.vehicle_id, ro.delivered_at desc, ro.id desc
),
readings as (
  select m.vehicle_id, m.id, m.km, m.recorded_at,
         max(m.id) filter (where m.source = 'correction')
           over (partition by m.vehicle_id) as corrected_from
    from mileage_reading m
    join veh on veh.vehicle_id = m.vehicle_id
   where m.dealer_id = $1
),
span as (
  select vehicle_id,
         (array_agg(km order by recorded_at desc, id desc))[1] as last_km,
         max(recorded_at) as last_at,
         (array_agg(km order by recorded_at, id))[1] as first_km,
         min(recorded_at) as first_at
    from readings
   where id >= coalesce(corrected_from, 0)
   group by vehicle_id
),
pace as (
  select s.vehicle_id, s.last_km, (s.last_at at time zone d.time_zone)::date as last_on,
         case when s.last_at - s.first_at >= make_interval(days => {MIN_PACE_DAYS})
                   and s.last_km > s.first_km
              then round((s.last_km - s.first_km)
                         / (extract(epoch from s.last_at - s.first_at) / 86400.0), 2)
         end as km_per_day
    from span s cross join d
),
maint_rules as (
  select veh.vehicle_id, veh.customer_id, lo.id as order_id, lo.number as order_number,
         lo.delivered_at, (lo.delivered_at at time zone d.time_zone)::date as last_service_on,
         lo.mileage_in as last_service_km,
         case when lo.id is null then 'first_service'
              when lo.next_service_date is not null then 'next_service_date'
              else 'maintenance_months' end as date_rule,
         case when lo.id is null
                then (veh.sale_date + make_interval(months => d.first_service_months))::date
              else coalesce(lo.next_service_date,
                            ((lo.delivered_at at time zone d.time_zone)::date
                             + make_interval(months => d.maintenance_months))::date)
         end as date_due,
         case when lo.id is null then 'first_service'
              when lo.next_service_km is not null then 'next_service_km'
              when lo.mileage_in is not null then 'maintenance_km' end as km_rule,
         case when lo.id is null then d.first_service_km
              when lo.next_service_km is not null then lo.next_service_km
              else lo.mileage_in + d.maintenance_km end as target_km,
         case when lo.id is null then d.first_service_months
              else d.maintenance_months end as months,
         p.last_km, p.last_on, p.km_per_day
    from veh cross join d
    left join last_order lo on lo.vehicle_id = veh.vehicle_id
    left join pace p on p.vehicle_id = veh.vehicle_id
   where lo.id is not null or veh.sale_date is not null
),
maint_due as (
  select m.*,
         case when m.target_km is not null and m.km_per_day > 0
              then m.last_on + ceil((m.target_km - m.last_km) / m.km_per_day)::integer
         end as km_due
    from maint_rules m
),
maintenance as (
  select m.vehicle_id, m.customer_id, 'maintenance'::text as kind,
         least(m.date_due, m.km_due) as due_on, ''::text as source_key,
         jsonb_build_object(
           'by', case when m.km_due < m.date_due then 'km' else 'date' end,
           'date_rule', m.date_rule, 'date_due', m.date_due, 'months', m.months,
           'km_rule', m.km_rule, 'target_km', m.target_km, 'km_due', m.km_due,
           'km_per_day', m.km_per_day, 'reading_km', m.last_km, 'reading_on', m.last_on,
           'last_service_on', m.last_service_on, 'last_service_km', m.last_service_km,
           'order_number', m.order_number) as basis
    from maint_due m cross join d
   where least(m.date_due, m.km_due)
           between d.today - {OVERDUE_DAYS} and d.today + d.horizon
     and not exists (
       select 1 from care_reminder h
        where h.dealer_id = $1 and h.vehicle_id = m.vehicle_id and h.kind = 'maintenance'
          and h.status in ('contacted', 'booked', 'declined', 'dismissed')
          and h.contacted_at >= coalesce(m.delivered_at, '-infinity'::timestamptz))
),
insurance as (
  select veh.vehicle_id, veh.customer_id, 'insurance'::text, veh.insurance_expires_on, ''::text,
         jsonb_build_object('expires_on', veh.insurance_expires_on)
    from veh cross join d
   where veh.insurance_expires_on between d.today and d.today + d.horizon
),
warranty_end as (
  select veh.vehicle_id, veh.customer_id, veh.sale_date, d.base_months, d.base_km,
         (veh.sale_date + make_interval(months => d.base_months))::date as expires_on,
         p.last_km, p.last_on, p.km_per_day
    from veh cross join d
    left join pace p on p.vehicle_id = veh.vehicle_id
   where veh.sale_date is not null
),
warranty as (
  select w.vehicle_id, w.customer_id, 'warranty_expiry'::text, w.expires_on, ''::text,
         jsonb_build_object('sale_date', w.sale_date, 'base_months', w.base_months,
           'base_km', w.base_km, 'expires_on', w.expires_on, 'reading_km', w.last_km,
           'reading_on', w.last_on, 'km_per_day', w.km_per_day,
           'estimated_km', e.km)
    from warranty_end w cross join d
    cross join lateral (
      select round(w.last_km + coalesce(w.km_per_day, 0) * (w.expires_on - w.last_on))::integer
               as km) e
   where w.expires_on between d.today and d.today + d.horizon
     and (e.km is null or e.km < w.base_km)
),
declined as (
  -- Declined on the car's last visit: once it is back, the advisor offered it again.
  select veh.vehicle_id, veh.customer_id, 'declined_work'::text,
         (lo.delivered_at at time zone d.time_zone)::date, 'line:' || rl.id,
         jsonb_build_object('order_number', lo.number, 'line_id', rl.id,
           'description', rl.description, 'line_kind', rl.kind,
           'declined_on', (rl.declined_at at time zone d.time_zone)::date,
           'delivered_on', (lo.delivered_at at time zone d.time_zone)::date)
    from veh cross join d
    join last_order lo on lo.vehicle_id = veh.vehicle_id
    join repair_order_line rl on rl.dealer_id = $1 and rl.repair_order_id = lo.id
   where rl.status = 'declined'
     and (lo.delivered_at at time zone d.time_zone)::date
           between d.today - {OVERDUE_DAYS} and d.today + d.horizon
),
recall as (
  select veh.vehicle_id, veh.customer_id, 'recall'::text, c.starts_on, 'campaign:' || c.id,
         jsonb_build_object('campaign_code', c.code, 'campaign_kind', c.kind,
           'title', c.title, 'title_zh', c.title_zh, 'starts_on', c.starts_on,
           'ends_on', c.ends_on)
    from veh cross join d
    join campaign_vehicle cv on cv.vin = veh.vin and cv.completed_at is null
    join campaign c on c.id = cv.campaign_id and c.manufacturer_id = d.manufacturer_id
   where c.status = 'open' and c.starts_on <= d.today + d.horizon
     and (c.ends_on is null or c.ends_on >= d.today)
),
targets (vehicle_id, customer_id, kind, due_on, source_key, basis) as (
  select * from maintenance
  union all select * from insurance
  union all select * from warranty
  union all select * from declined
  union all select * from recall
),
upserted as (
  insert into care_reminder as r (dealer_id, kind, customer_id, vehicle_id, due_on,
                                  source_key, basis, generated_at)
  select $1, kind, customer_id, vehicle_id, due_on, source_key, basis, $2 from targets
  on conflict (dealer_id, vehicle_id, kind, due_on, source_key) do update
     set basis = excluded.basis,
         generated_at = excluded.generated_at,
         customer_id = case when r.status in ('open', 'expired')
                            then excluded.customer_id else r.customer_id end,
         status = case when r.status = 'expired' then 'open' else r.status end
  returning (xmax = 0) as inserted
),
expired as (
  update care_reminder r set status = 'expired'
   where r.dealer_id = $1 and r.status = 'open'
     and not exists (select 1 from targets t
                      where t.vehicle_id = r.vehicle_id and t.kind = r.kind
                        and t.due_on = r.due_on and t.source_key = r.source_key)
  returning r.id
)
select (select today from d) as as_of,
       (select count(*) from upserted where inserted)::integer as inserted,
       (select count(*) from upserted where not inserted)::integer as refreshed,
       (select count(*) from expired)::integer as expired
"""

LAPSED_SQL = f"""
with {_DEALER_CTE}
select v.id as vehicle_id, v.customer_id, st.last_visit_on, st.seen_on,
       (select ro.number from repair_order ro
         where ro.dealer_id = $1 and ro.vehicle_id = v.id and ro.status = 'delivered'
         order by ro.delivered_at desc, ro.id desc limit 1) as last_order_number,
       (select m.km from mileage_reading m where m.dealer_id = $1 and m.vehicle_id = v.id
         order by m.id desc limit 1) as last_km,
       (extract(year from age(d.today, st.seen_on)) * 12
        + extract(month from age(d.today, st.seen_on)))::integer as months_away,
       d.lost_after_months
  from standing st cross join d
  join vehicle v on v.dealer_id = $1 and v.customer_id = st.customer_id
 where st.lapsed and not st.lost and v.id > $3
 order by v.id
 limit $4
"""


@dataclass(frozen=True)
class Generation:
    run_id: int
    as_of: date
    inserted: int
    refreshed: int
    expired: int


async def generate_targets(
    tx: ActiveTransaction,
    dealer_id: int,
    now: datetime,
    *,
    trigger: str = "on_demand",
    request_id: str = "",
) -> Generation | None:
    """Make the dealer's targets of its local today; ``None`` when the nightly run of
    that day is already done (by another worker, or before a restart)."""
    connection = tx.connection
    # One generation of a dealer at a time: a refresh on demand during the nightly run
    # waits for it instead of expiring what the other is reviving.
    await connection.execute(
        "select pg_advisory_xact_lock("
        "hashtextextended('dealernet.care-reminders:' || $1::bigint::text, 0))",
        dealer_id,
    )
    as_of = await connection.fetchval(
        "select ($2::timestamptz at time zone time_zone)::date from dealer where id = $1",
        dealer_id,
        now,
    )
    run_id = await connection.fetchval(
        "insert into care_reminder_run (dealer_id, as_of, trigger, requested_by, generated_at)"
        " values ($1, $2, $3, $4, $5)"
        " on conflict (dealer_id, as_of) where trigger = 'nightly' do nothing returning id",
        dealer_id,
        as_of,
        trigger,
        tx.scope.user_id,
        now,
    )
    if run_id is None:
        return None
    row = await connection.fetchrow(GENERATE_SQL, dealer_id, now)
    assert row is not None
    await connection.execute(
        "update care_reminder_run set inserted = $3, refreshed = $4, expired = $5"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        run_id,
        row["inserted"],
        row["refreshed"],
        row["expired"],
    )
    result = Generation(run_id, row["as_of"], row["inserted"], row["refreshed"], row["expired"])
    await record(
        dealer_id=dealer_id,
        action="care_reminder.generate",
        object_type="care_reminder_run",
        object_id=run_id,
        after={"trigger": trigger, **result.__dict__},
        request_id=request_id,
    )
    return result


async def last_run(connection: asyncpg.Connection, dealer_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await connection.fetchrow(
        "select * from care_reminder_run where dealer_id = $1"
        " order by generated_at desc, id desc limit 1",
        dealer_id,
    )
    return row


async def lapsed_vehicles(
    connection: asyncpg.Connection, dealer_id: int, now: datetime, after: int, limit: int
) -> list[asyncpg.Record]:
    """Cars of customers not back for ``lost_after_months`` (and not marked lost), by
    vehicle id after ``after``: the 到期未来厂 list, excluded from the targets."""
    return list(await connection.fetch(LAPSED_SQL, dealer_id, now, after, limit))

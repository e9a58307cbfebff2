"""The service measures of a dealer over a period, computed in SQL.

The manufacturer's dashboard compares dealers on these, so each is defined once,
here; the period is ``[start, end]`` in the dealer's own calendar (its time zone).

- orders per day: repair orders opened that day, cancelled ones left out.
- labour hours sold: standard hours x quantity of the approved labour lines of the
  orders delivered in the period.
- clocked hours: closed job clocks started in the period; available hours: the
  technicians' shift hours (``technician_shift``).
- billed hours: standard hours of the labour lines finished in the period, shared
  among the technicians by their clocked time on the line (all to the assigned
  technician when nobody clocked on it).
- efficiency = billed / clocked; productivity = clocked / available.
- appointment share: orders opened from an appointment / orders opened.
- show rate: appointments of the period arrived / (arrived + no-show).
- first-time fix: orders delivered in the period with no rework (a failed quality
  check) and no comeback: no later order of the same vehicle, opened within 30 days
  after delivery, with a labour line of an operation the order had.
- promised time kept: orders ready in the period by their promised time / those
  ready in the period that had one.

A ratio whose denominator is zero is ``None`` (nothing to measure), never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import asyncpg

COMEBACK_DAYS = 30

_PERIOD = """
period as (
  select (($2::date)::timestamp at time zone d.time_zone) as t0,
         (($3::date + 1)::timestamp at time zone d.time_zone) as t1, d.time_zone
    from dealer d where d.id = $1
)"""

_BILLED = """
done_lines as (
  select l.id, l.technician_user_id, l.hours * l.quantity as billed
    from repair_order_line l
    join repair_order o on o.dealer_id = l.dealer_id and o.id = l.repair_order_id
    cross join period p
   where l.dealer_id = $1 and l.kind = 'labour' and l.status = 'approved'
     and l.job_status = 'done' and l.done_at >= p.t0 and l.done_at < p.t1
     and o.status <> 'cancelled'
),
line_clocks as (
  select c.line_id, c.technician_user_id,
         sum(extract(epoch from c.ended_at - c.started_at)) as seconds
    from job_clock c join done_lines dl on dl.id = c.line_id
   where c.dealer_id = $1 and c.ended_at is not null
   group by c.line_id, c.technician_user_id
),
billed as (
  select lc.technician_user_id,
         dl.billed * lc.seconds / nullif(sum(lc.seconds) over (partition by lc.line_id), 0)
           as hours
    from line_clocks lc join done_lines dl on dl.id = lc.line_id
  union all
  select dl.technician_user_id, dl.billed
    from done_lines dl
   where dl.technician_user_id is not null
     and not exists (select 1 from line_clocks lc where lc.line_id = dl.id and lc.seconds > 0)
),
clocked as (
  select c.technician_user_id, sum(extract(epoch from c.ended_at - c.started_at)) / 3600.0 as hours
    from job_clock c cross join period p
   where c.dealer_id = $1 and c.ended_at is not null
     and c.started_at >= p.t0 and c.started_at < p.t1
   group by c.technician_user_id
),
available as (
  select s.user_id as technician_user_id, sum(s.hours) as hours
    from technician_shift s
   where s.dealer_id = $1 and s.work_date between $2 and $3
   group by s.user_id
)"""

SUMMARY_SQL = f"""
with {_PERIOD},
opened as (
  select o.id, o.appointment_id from repair_order o cross join period p
   where o.dealer_id = $1 and o.opened_at >= p.t0 and o.opened_at < p.t1
     and o.status <> 'cancelled'
),
delivered as (
  select o.id, o.vehicle_id, o.delivered_at, o.rework_count from repair_order o
   cross join period p
   where o.dealer_id = $1 and o.status = 'delivered'
     and o.delivered_at >= p.t0 and o.delivered_at < p.t1
),
sold as (
  select coalesce(sum(l.hours * l.quantity), 0) as hours
    from repair_order_line l join delivered o on o.id = l.repair_order_id
   where l.dealer_id = $1 and l.kind = 'labour' and l.status = 'approved'
),
{_BILLED},
fixed as (
  select count(*) as delivered,
         count(*) filter (where o.rework_count = 0 and not exists (
           select 1
             from repair_order_line ol
             join repair_order n on n.dealer_id = ol.dealer_id and n.vehicle_id = o.vehicle_id
             join repair_order_line nl on nl.dealer_id = n.dealer_id
                                      and nl.repair_order_id = n.id
            where ol.dealer_id = $1 and ol.repair_order_id = o.id
              and ol.kind = 'labour' and ol.status = 'approved'
              and n.id <> o.id and n.status <> 'cancelled'
              and n.opened_at > o.delivered_at
              and n.opened_at <= o.delivered_at + make_interval(days => $4)
              and nl.kind = 'labour' and nl.status <> 'cancelled'
              and nl.operation_id = ol.operation_id)) as fixed_first_time
    from delivered o
),
shows as (
  select count(*) filter (where a.status = 'arrived') as arrived,
         count(*) filter (where a.status = 'no_show') as no_show
    from appointment a
   where a.dealer_id = $1 and a.work_date between $2 and $3
),
promises as (
  select count(*) as ready, count(*) filter (where o.ready_at <= o.promised_at) as kept
    from repair_order o cross join period p
   where o.dealer_id = $1 and o.ready_at >= p.t0 and o.ready_at < p.t1
     and o.promised_at is not null
)
select (select count(*) from opened) as orders,
       (select count(*) from opened where appointment_id is not null) as from_appointments,
       (select hours from sold) as labour_hours_sold,
       (select coalesce(sum(hours), 0) from billed) as billed_hours,
       (select coalesce(sum(hours), 0) from clocked) as clocked_hours,
       (select coalesce(sum(hours), 0) from available) as available_hours,
       f.delivered, f.fixed_first_time, s.arrived, s.no_show, pr.ready, pr.kept
  from fixed f, shows s, promises pr
"""

PER_DAY_SQL = f"""
with {_PERIOD}
select g.day::date as day, count(o.id) as orders
  from generate_series($2::date, $3::date, interval '1 day') as g(day)
  cross join period p
  left join repair_order o
    on o.dealer_id = $1 and o.status <> 'cancelled'
   and o.opened_at >= p.t0 and o.opened_at < p.t1
   and (o.opened_at at time zone p.time_zone)::date = g.day::date
 group by g.day order by g.day
"""

PER_TECHNICIAN_SQL = f"""
with {_PERIOD},
{_BILLED},
people as (
  select technician_user_id from available
  union select technician_user_id from clocked
  union select technician_user_id from billed where technician_user_id is not null
)
select pe.technician_user_id as user_id, u.display_name, u.username, u.active,
       coalesce((select sum(b.hours) from billed b
                  where b.technician_user_id = pe.technician_user_id), 0) as billed_hours,
       coalesce(c.hours, 0) as clocked_hours, coalesce(a.hours, 0) as available_hours
  from people pe
  join staff_user u on u.id = pe.technician_user_id
  left join clocked c on c.technician_user_id = pe.technician_user_id
  left join available a on a.technician_user_id = pe.technician_user_id
 order by u.display_name
"""

HOURS = Decimal("0.01")
RATIO = Decimal("0.0001")


def hours(value: Decimal | float | int | None) -> Decimal:
    return Decimal(str(value or 0)).quantize(HOURS, ROUND_HALF_UP)


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """``None`` when there is nothing to measure."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATIO, ROUND_HALF_UP)


@dataclass(frozen=True)
class DayCount:
    day: date
    orders: int


@dataclass(frozen=True)
class TechnicianMeasures:
    user_id: int
    display_name: str
    username: str
    active: bool
    billed_hours: Decimal
    clocked_hours: Decimal
    available_hours: Decimal

    @property
    def efficiency(self) -> Decimal | None:
        return ratio(self.billed_hours, self.clocked_hours)

    @property
    def productivity(self) -> Decimal | None:
        return ratio(self.clocked_hours, self.available_hours)


@dataclass(frozen=True)
class ServiceMeasures:
    start: date
    end: date
    orders: int
    orders_from_appointments: int
    labour_hours_sold: Decimal
    billed_hours: Decimal
    clocked_hours: Decimal
    available_hours: Decimal
    delivered: int
    fixed_first_time: int
    appointments_arrived: int
    appointments_no_show: int
    ready_orders_promised: int
    promises_kept: int

    @property
    def efficiency(self) -> Decimal | None:
        return ratio(self.billed_hours, self.clocked_hours)

    @property
    def productivity(self) -> Decimal | None:
        return ratio(self.clocked_hours, self.available_hours)

    @property
    def appointment_share(self) -> Decimal | None:
        return ratio(self.orders_from_appointments, self.orders)

    @property
    def show_rate(self) -> Decimal | None:
        return ratio(
            self.appointments_arrived, self.appointments_arrived + self.appointments_no_show
        )

    @property
    def first_time_fix_rate(self) -> Decimal | None:
        return ratio(self.fixed_first_time, self.delivered)

    @property
    def promised_time_kept(self) -> Decimal | None:
        return ratio(self.promises_kept, self.ready_orders_promised)


async def service_measures(
    connection: asyncpg.Connection, dealer_id: int, start: date, end: date
) -> ServiceMeasures:
    row = await connection.fetchrow(SUMMARY_SQL, dealer_id, start, end, COMEBACK_DAYS)
    assert row is not None
    return ServiceMeasures(
        start=start,
        end=end,
        orders=row["orders"],
        orders_from_appointments=row["from_appointments"],
        labour_hours_sold=hours(row["labour_hours_sold"]),
        billed_hours=hours(row["billed_hours"]),
        clocked_hours=hours(row["clocked_hours"]),
        available_hours=hours(row["available_hours"]),
        delivered=row["delivered"],
        fixed_first_time=row["fixed_first_time"],
        appointments_arrived=row["arrived"],
        appointments_no_show=row["no_show"],
        ready_orders_promised=row["ready"],
        promises_kept=row["kept"],
    )


async def orders_per_day(
    connection: asyncpg.Connection, dealer_id: int, start: date, end: date
) -> list[DayCount]:
    rows = await connection.fetch(PER_DAY_SQL, dealer_id, start, end)
    return [DayCount(r["day"], r["orders"]) for r in rows]


async def technician_measures(
    connection: asyncpg.Connection, dealer_id: int, start: date, end: date
) -> list[TechnicianMeasures]:
    rows = await connection.fetch(PER_TECHNICIAN_SQL, dealer_id, start, end)
    return [
        TechnicianMeasures(
            r["user_id"],
            r["display_name"],
            r["username"],
            r["active"],
            hours(r["billed_hours"]),
            hours(r["clocked_hours"]),
            hours(r["available_hours"]),
        )
        for r in rows
    ]

"""三包预警: a vehicle's warranty warnings, shown at the appointment and at reception so
the advisor routes the car to the supervisor before the owner is entitled to a
replacement or refund under the 三包 rules.

Within the policy's warning window (the last ``warning_window_months`` months, in the
dealer's calendar) of the vehicle's repair orders that were not cancelled:

* repeated repairs of one fault: warranty repair lines (not maintenance) of the same
  labour operation, or of the same part group (a part line's part, a labour line's
  causal part), on ``repeat_repair_threshold`` or more orders;
* cumulative days in the workshop for warranty repairs: the calendar days from opening
  to delivery (today while the car is still in), both days counted, of the orders with
  a warranty repair line, adding up to ``cumulative_repair_days_threshold`` or more.

Each warning names the orders behind it. One query for any number of vehicles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import asyncpg


@dataclass(frozen=True)
class WarrantyWarning:
    vehicle_id: int
    kind: str
    """repeat_repair | cumulative_days"""
    fault_kind: str | None
    """For repeat_repair: operation | part_group."""
    operation_id: int | None
    part_group: str | None
    count: int
    """Orders (repeat_repair) or days (cumulative_days)."""
    threshold: int
    window_start: date
    order_ids: tuple[int, ...]


WARNINGS_SQL = """
with car as (
  select v.id as vehicle_id, v.dealer_id, d.time_zone, wp.repeat_repair_threshold,
         wp.cumulative_repair_days_threshold,
         ((now() at time zone d.time_zone)::date
           - make_interval(months => wp.warning_window_months))::date as window_start
    from vehicle v
    join dealer d on d.id = v.dealer_id
    join region r on r.id = d.region_id
    join warranty_policy wp on wp.manufacturer_id = r.manufacturer_id
   where v.dealer_id = $1 and v.id = any($2::bigint[])
), visit as (
  select car.vehicle_id, o.id as order_id,
         (coalesce(o.delivered_at, now()) at time zone car.time_zone)::date
           - (o.opened_at at time zone car.time_zone)::date + 1 as days
    from car
    join repair_order o on o.dealer_id = car.dealer_id and o.vehicle_id = car.vehicle_id
   where o.status <> 'cancelled'
     and (o.opened_at at time zone car.time_zone)::date >= car.window_start
), repair as (
  -- Warranty repair lines with the faults they name.
  select visit.vehicle_id, visit.order_id, l.operation_id, nullif(p.part_group, '') as part_group
    from visit
    join repair_order_line l on l.dealer_id = $1 and l.repair_order_id = visit.order_id
    left join labour_operation op on op.id = l.operation_id
    left join warranty_line_assessment a
      on a.dealer_id = l.dealer_id and a.repair_order_line_id = l.id
    left join part p on p.id = coalesce(l.part_id, a.causal_part_id)
   where l.pay_type = 'warranty' and l.status not in ('declined', 'cancelled')
     and op.kind is distinct from 'maintenance'
), fault as (
  select vehicle_id, 'operation' as fault_kind, operation_id, null::text as part_group,
         array_agg(distinct order_id order by order_id) as order_ids
    from repair where operation_id is not null
   group by vehicle_id, operation_id
  union all
  select vehicle_id, 'part_group', null, part_group,
         array_agg(distinct order_id order by order_id)
    from repair where part_group is not null
   group by vehicle_id, part_group
), stay as (
  select visit.vehicle_id, sum(visit.days)::int as days,
         array_agg(visit.order_id order by visit.order_id) as order_ids
    from visit
   where exists (select 1 from repair where repair.order_id = visit.order_id)
   group by visit.vehicle_id
)
select car.vehicle_id, 'repeat_repair' as kind, fault.fault_kind, fault.operation_id,
       fault.part_group, cardinality(fault.order_ids) as count,
       car.repeat_repair_threshold as threshold, car.window_start, fault.order_ids
  from car join fault on fault.vehicle_id = car.vehicle_id
 where cardinality(fault.order_ids) >= car.repeat_repair_threshold
union all
select car.vehicle_id, 'cumulative_days', null, null, null, stay.days,
       car.cumulative_repair_days_threshold, car.window_start, stay.order_ids
  from car join stay on stay.vehicle_id = car.vehicle_id
 where stay.days >= car.cumulative_repair_days_threshold
 order by 1, 2 desc, 3, 4, 5
"""


async def vehicle_warnings(
    connection: asyncpg.Connection, dealer_id: int, vehicle_ids: Sequence[int]
) -> dict[int, list[WarrantyWarning]]:
    """The warnings of each vehicle (an empty list when it has none)."""
    found: defaultdict[int, list[WarrantyWarning]] = defaultdict(list)
    if vehicle_ids:
        for row in await connection.fetch(WARNINGS_SQL, dealer_id, list(vehicle_ids)):
            found[row["vehicle_id"]].append(
                WarrantyWarning(
                    vehicle_id=row["vehicle_id"],
                    kind=row["kind"],
                    fault_kind=row["fault_kind"],
                    operation_id=row["operation_id"],
                    part_group=row["part_group"],
                    count=row["count"],
                    threshold=row["threshold"],
                    window_start=row["window_start"],
                    order_ids=tuple(row["order_ids"]),
                )
            )
    return {vehicle_id: found.get(vehicle_id, []) for vehicle_id in vehicle_ids}

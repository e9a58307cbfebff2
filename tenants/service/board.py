"""The workshop board (维修管理看板): every open order of a dealer in one query.

One round trip returns each order not delivered or cancelled with its vehicle,
customer, advisor, bay, promised time, flags and its jobs (labour lines with the
technician, job status and clocked hours) aggregated as JSON; the board is
watched live and benchmarked (``bench/``), so it must never fan out per order.

- ``late``: promised time passed and the order is not ready yet.
- ``waiting_for_parts``: an approved part line whose reservations (held or
  issued) cover less than its quantity, or whose held stock is no longer on hand;
  or the appointment's parts are expected on a later day.
"""

from __future__ import annotations

import asyncpg

NOT_READY = ("open", "awaiting_approval", "approved", "in_progress", "work_done")
"""Statuses in which an order with a passed promised time is late."""

BOARD_SQL = """
with today as (
  select (now() at time zone d.time_zone)::date as day from dealer d where d.id = $1
)
select o.id, o.number, o.status, o.promised_at, o.opened_at, o.rework_count,
       o.advisor_user_id, adv.display_name as advisor_name, adv.username as advisor_username,
       adv.active as advisor_active, o.vehicle_id,
       v.plate, v.model, c.name as customer_name,
       o.bay_id, b.code as bay_code, b.name as bay_name,
       (o.promised_at is not null and o.promised_at < now()
        and o.status = any($2::text[])) as late,
       (exists (
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
                       and r.status = 'active' and s.on_hand < s.reserved)))
       ) as waiting_for_parts,
       coalesce(j.jobs, '[]'::json) as jobs
  from repair_order o
  join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
  join customer c on c.dealer_id = o.dealer_id and c.id = o.customer_id
  join staff_user adv on adv.id = o.advisor_user_id
  left join bay b on b.dealer_id = o.dealer_id and b.id = o.bay_id
  left join lateral (
    select json_agg(json_build_object(
             'id', l.id, 'description', l.description, 'operation_code', op.code,
             'hours', l.hours::text, 'status', l.status, 'job_status', l.job_status,
             'additional', l.additional, 'team', l.team,
             'technician_user_id', l.technician_user_id, 'technician_name', t.display_name,
             'technician_username', t.username, 'technician_active', t.active,
             'clocked_hours', coalesce(k.hours, 0)::numeric(10, 2)::text,
             'clocked_on', coalesce(k.open, false)
           ) order by l.id) as jobs
      from repair_order_line l
      left join labour_operation op on op.id = l.operation_id
      left join staff_user t on t.id = l.technician_user_id
      left join lateral (
        select round(sum(extract(epoch from coalesce(c.ended_at, now()) - c.started_at))
                     / 3600.0, 2) as hours,
               bool_or(c.ended_at is null) as open
          from job_clock c where c.dealer_id = l.dealer_id and c.line_id = l.id
      ) k on true
     where l.dealer_id = o.dealer_id and l.repair_order_id = o.id and l.kind = 'labour'
       and l.status in ('proposed', 'approved')
  ) j on true
 where o.dealer_id = $1 and o.status not in ('delivered', 'cancelled')
   and ($3::bigint is null or o.id = $3)
 order by o.promised_at nulls last, o.id
"""


async def board_rows(
    connection: asyncpg.Connection, dealer_id: int, order_id: int | None = None
) -> list[asyncpg.Record]:
    """The open orders of the dealer (or the one ``order_id``), jobs as a JSON list
    decoded by the pool's codec; hours come as text so that no digit is lost."""
    return list(await connection.fetch(BOARD_SQL, dealer_id, list(NOT_READY), order_id))


TECHNICIANS_SQL = """
with today as (
  select (now() at time zone d.time_zone)::date as day from dealer d where d.id = $1
)
select s.user_id, u.display_name, u.username, u.active, s.team, s.hours as shift_hours,
       coalesce((select round(sum(extract(epoch from coalesce(c.ended_at, now()) - c.started_at))
                              / 3600.0, 2)
                   from job_clock c
                  where c.dealer_id = s.dealer_id and c.technician_user_id = s.user_id
                    and (c.started_at at time zone d.time_zone)::date = today.day), 0)
         ::numeric(10, 2) as clocked_hours,
       (select c.line_id from job_clock c
         where c.dealer_id = s.dealer_id and c.technician_user_id = s.user_id
           and c.ended_at is null) as clocked_on_line_id
  from technician_shift s
  join today on s.work_date = today.day
  join dealer d on d.id = s.dealer_id
  join staff_user u on u.id = s.user_id
 where s.dealer_id = $1
 order by s.team, u.display_name
"""


async def technicians_today(connection: asyncpg.Connection, dealer_id: int) -> list[asyncpg.Record]:
    """Technicians on shift today with the hours clocked today and the job they are on."""
    return list(await connection.fetch(TECHNICIANS_SQL, dealer_id))

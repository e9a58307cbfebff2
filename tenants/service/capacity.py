"""The workshop's capacity per day (in the dealer's time zone): hours of the technicians on
shift, minus standard hours booked by live appointments, minus labour hours of repair
orders promised that day. An appointment that became an order counts once: as the order
once it has a promised time, until then with its booked hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import asyncpg

LIVE_APPOINTMENT_STATUSES = ("booked", "confirmed", "arrived")
SUGGESTION_HORIZON_DAYS = 14
SUGGESTIONS = 3


@dataclass(frozen=True)
class DayCapacity:
    day: date
    available_hours: Decimal
    appointment_hours: Decimal
    order_hours: Decimal

    @property
    def booked_hours(self) -> Decimal:
        return self.appointment_hours + self.order_hours

    @property
    def free_hours(self) -> Decimal:
        return self.available_hours - self.booked_hours


CAPACITY_SQL = """
with days as (select ($2::date + n) as day from generate_series(0, $3::int - 1) as n),
     tz as (select time_zone from dealer where id = $1)
select d.day,
       coalesce((select sum(s.hours) from technician_shift s
                  where s.dealer_id = $1 and s.work_date = d.day), 0)::numeric(8, 2)
         as available,
       coalesce((select sum(a.booked_hours) from appointment a
                  where a.dealer_id = $1 and a.work_date = d.day
                    and a.status = any($4::text[])
                    and (a.repair_order_id is null
                         or exists (select 1 from repair_order o
                                     where o.dealer_id = a.dealer_id and o.id = a.repair_order_id
                                       and o.promised_at is null and o.status <> 'cancelled'))
                 ), 0)
         ::numeric(8, 2) as appointment_hours,
       coalesce((select sum(l.hours)
                   from repair_order o
                   join repair_order_line l on l.dealer_id = o.dealer_id
                                           and l.repair_order_id = o.id
                  where o.dealer_id = $1 and o.status <> 'cancelled'
                    and o.promised_at >= (d.day::timestamp at time zone (select * from tz))
                    and o.promised_at < ((d.day + 1)::timestamp at time zone (select * from tz))
                    and l.kind = 'labour' and l.status in ('proposed', 'approved')), 0)
         ::numeric(8, 2) as order_hours
  from days d order by d.day
"""


async def capacity(
    connection: asyncpg.Connection, dealer_id: int, start: date, days: int
) -> list[DayCapacity]:
    rows = await connection.fetch(
        CAPACITY_SQL, dealer_id, start, days, list(LIVE_APPOINTMENT_STATUSES)
    )
    return [
        DayCapacity(r["day"], r["available"], r["appointment_hours"], r["order_hours"])
        for r in rows
    ]


async def day_capacity(connection: asyncpg.Connection, dealer_id: int, day: date) -> DayCapacity:
    return (await capacity(connection, dealer_id, day, 1))[0]


async def dealer_today(
    connection: asyncpg.Connection, dealer_id: int, now: datetime | None = None
) -> date:
    """Today's date where the dealer is."""
    today: date = await connection.fetchval(
        "select (coalesce($2::timestamptz, now()) at time zone time_zone)::date"
        " from dealer where id = $1",
        dealer_id,
        now,
    )
    return today


async def suggest_dates(
    connection: asyncpg.Connection, dealer_id: int, after: date, needed: Decimal
) -> list[date]:
    """The next days (after ``after``, within two weeks) with room for ``needed`` hours."""
    days = await capacity(connection, dealer_id, after, SUGGESTION_HORIZON_DAYS + 1)
    return [d.day for d in days if d.day > after and d.free_hours >= needed][:SUGGESTIONS]


async def lock_day(connection: asyncpg.Connection, dealer_id: int, day: date) -> None:
    """Serialise bookings of one dealer-day until the transaction ends: of two advisors
    booking the last slot at once, the second sees the first one's hours."""
    await connection.execute(
        "select pg_advisory_xact_lock(hashtextextended('dealernet.appointment-day:' || $1::text"
        " || ':' || $2::text, 0))",
        str(dealer_id),
        day.isoformat(),
    )

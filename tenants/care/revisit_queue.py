"""The follow-up call queue (回访清单) and the lists around it: what is due now, the
advisor's contact checks, one revisit with what the call screen shows.

"Due" is in the dealer's local calendar: a revisit is callable from its ``due_from``
day (local) once its next call time has come; the overdue (past ``due_by``) come first,
then by due day and next call time, so a promise to call back is kept in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

REVISIT_SQL = """
select r.*, o.number as order_number, c.name as customer_name, c.phone as customer_phone,
       c.alt_phone as customer_alt_phone, v.plate, v.model, v.vin,
       adv.display_name as advisor_name, asg.display_name as assignee_name,
       (r.due_by < ($2::timestamptz at time zone d.time_zone)::date) as overdue
  from revisit r
  join dealer d on d.id = r.dealer_id
  join repair_order o on o.dealer_id = r.dealer_id and o.id = r.repair_order_id
  join customer c on c.dealer_id = r.dealer_id and c.id = r.customer_id
  join vehicle v on v.dealer_id = r.dealer_id and v.id = r.vehicle_id
  left join staff_user adv on adv.id = r.advisor_user_id
  left join staff_user asg on asg.id = r.assignee_user_id
"""


@dataclass(frozen=True)
class QueueCounts:
    due_now: int
    overdue: int
    waiting: int
    """Open, due, but the next call time has not come (a callback, a retry later)."""
    contact_checks: int


async def revisit_queue(
    connection: asyncpg.Connection,
    dealer_id: int,
    *,
    now: datetime,
    assignee_user_id: int | None = None,
    limit: int = 50,
) -> list[asyncpg.Record]:
    """Open revisits callable now, overdue first; only ``assignee_user_id``'s when given."""
    return list(
        await connection.fetch(
            REVISIT_SQL
            + """
             where r.dealer_id = $1 and r.status = 'open'
               and r.due_from <= ($2::timestamptz at time zone d.time_zone)::date
               and (r.next_call_at is null or r.next_call_at <= $2)
               and ($3::bigint is null or r.assignee_user_id = $3)
             order by (r.due_by < ($2::timestamptz at time zone d.time_zone)::date) desc,
                      r.due_by, r.next_call_at nulls first, r.id
             limit $4
            """,
            dealer_id,
            now,
            assignee_user_id,
            limit,
        )
    )


async def queue_counts(
    connection: asyncpg.Connection,
    dealer_id: int,
    *,
    now: datetime,
    assignee_user_id: int | None = None,
    advisor_user_id: int | None = None,
) -> QueueCounts:
    """The queue's head counts; contact checks are the advisor's when one is named."""
    row = await connection.fetchrow(
        """
        with today as (
          select ($2::timestamptz at time zone time_zone)::date as day from dealer where id = $1
        )
        select
          count(*) filter (where r.status = 'open' and r.due_from <= t.day
            and (r.next_call_at is null or r.next_call_at <= $2)
            and ($3::bigint is null or r.assignee_user_id = $3))::int as due_now,
          count(*) filter (where r.status = 'open' and r.due_by < t.day
            and ($3::bigint is null or r.assignee_user_id = $3))::int as overdue,
          count(*) filter (where r.status = 'open' and r.due_from <= t.day
            and r.next_call_at > $2
            and ($3::bigint is null or r.assignee_user_id = $3))::int as waiting,
          count(*) filter (where r.status = 'contact_check'
            and ($4::bigint is null or r.advisor_user_id = $4))::int as contact_checks
          from revisit r cross join today t
         where r.dealer_id = $1 and r.status in ('open', 'contact_check')
        """,
        dealer_id,
        now,
        assignee_user_id,
        advisor_user_id,
    )
    assert row is not None
    return QueueCounts(row["due_now"], row["overdue"], row["waiting"], row["contact_checks"])


async def contact_checks(
    connection: asyncpg.Connection,
    dealer_id: int,
    *,
    now: datetime,
    advisor_user_id: int | None = None,
    limit: int = 50,
) -> list[asyncpg.Record]:
    """Revisits waiting for their contact check, oldest due first."""
    return list(
        await connection.fetch(
            REVISIT_SQL
            + """
             where r.dealer_id = $1 and r.status = 'contact_check'
               and ($3::bigint is null or r.advisor_user_id = $3)
             order by r.due_by, r.id
             limit $4
            """,
            dealer_id,
            now,
            advisor_user_id,
            limit,
        )
    )


async def revisits_by_id(
    connection: asyncpg.Connection, dealer_id: int, ids: Sequence[int], *, now: datetime
) -> list[asyncpg.Record]:
    return list(
        await connection.fetch(
            REVISIT_SQL + " where r.dealer_id = $1 and r.id = any($3::bigint[]) order by r.id",
            dealer_id,
            now,
            list(ids),
        )
    )


async def attempts_of(
    connection: asyncpg.Connection, dealer_id: int, revisit_ids: Sequence[int]
) -> list[asyncpg.Record]:
    return list(
        await connection.fetch(
            "select a.*, u.display_name as caller_name, cp.number as complaint_number"
            " from revisit_attempt a left join staff_user u on u.id = a.caller_user_id"
            " left join complaint cp on cp.dealer_id = a.dealer_id and cp.id = a.complaint_id"
            " where a.dealer_id = $1 and a.revisit_id = any($2::bigint[])"
            " order by a.revisit_id, a.attempt_no",
            dealer_id,
            list(revisit_ids),
        )
    )


async def survey_of(
    connection: asyncpg.Connection, dealer_id: int, revisit_ids: Sequence[int]
) -> list[asyncpg.Record]:
    return list(
        await connection.fetch(
            "select * from revisit_survey_answer where dealer_id = $1"
            " and revisit_id = any($2::bigint[]) order by revisit_id, id",
            dealer_id,
            list(revisit_ids),
        )
    )


async def work_done_of(
    connection: asyncpg.Connection, dealer_id: int, order_ids: Sequence[int]
) -> list[asyncpg.Record]:
    """The order lines the customer agreed to (the work the call asks about)."""
    return list(
        await connection.fetch(
            "select id, repair_order_id, kind, description, hours, quantity, pay_type"
            " from repair_order_line where dealer_id = $1"
            " and repair_order_id = any($2::bigint[]) and status = 'approved'"
            " order by repair_order_id, id",
            dealer_id,
            list(order_ids),
        )
    )


async def complaint_numbers(
    connection: asyncpg.Connection, dealer_id: int, ids: Sequence[int]
) -> list[asyncpg.Record]:
    return list(
        await connection.fetch(
            "select id, number, status, level from complaint where dealer_id = $1"
            " and id = any($2::bigint[])",
            dealer_id,
            list(ids),
        )
    )

"""Reading complaints for the screens: the list with its filters and overdue flags, the
counts per status, the action timeline, and the region's severe tickets. One query per
page (customer, vehicle, order and responsible person joined in), newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from tenants.care.complaint_escalation import UNROUTED_HOURS

DEADLINE_SQL = f"""
case when c.status = 'received' then c.received_at + make_interval(hours => {UNROUTED_HOURS})
     when c.status = 'agreed' and c.agreed_due_at is not null then c.agreed_due_at
     when c.status = 'routed' then c.due_at end
"""
"""The time the ticket's current step is due by; null once resolved, closed or withdrawn."""

_SELECT = f"""
select c.*, d.code as dealer_code, d.name as dealer_name, d.name_zh as dealer_name_zh,
       cu.name as customer_name, cu.phone as customer_phone,
       v.plate as vehicle_plate, v.vin as vehicle_vin, v.model as vehicle_model,
       ro.number as repair_order_number, u.display_name as responsible_name,
       {DEADLINE_SQL} as deadline_at,
       coalesce({DEADLINE_SQL} <= $2::timestamptz, false) as overdue
  from complaint c
  join dealer d on d.id = c.dealer_id
  join customer cu on cu.dealer_id = c.dealer_id and cu.id = c.customer_id
  left join vehicle v on v.dealer_id = c.dealer_id and v.id = c.vehicle_id
  left join repair_order ro on ro.dealer_id = c.dealer_id and ro.id = c.repair_order_id
  left join staff_user u on u.id = c.responsible_user_id
"""


@dataclass(frozen=True)
class ComplaintFilter:
    statuses: Sequence[str] = ()
    levels: Sequence[str] = ()
    overdue: bool = False
    responsible_user_id: int | None = None
    search: str = ""
    """Ticket number, customer name or phone, plate or VIN."""
    escalated_from: int | None = None
    """Only tickets escalated to at least this level (a manager's queue)."""


async def list_complaints(
    connection: asyncpg.Connection,
    dealer_ids: Sequence[int],
    filter: ComplaintFilter,
    *,
    now: datetime,
    before_id: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    pattern = f"%{filter.search.strip()}%" if filter.search.strip() else None
    rows: list[asyncpg.Record] = await connection.fetch(
        _SELECT
        + f"""
         where c.dealer_id = any($1::bigint[])
           and (cardinality($3::text[]) = 0 or c.status = any($3::text[]))
           and (cardinality($4::text[]) = 0 or c.level = any($4::text[]))
           and (not $5 or coalesce(({DEADLINE_SQL}) <= $2::timestamptz, false))
           and ($6::bigint is null or c.responsible_user_id = $6)
           and ($7::text is null or c.number ilike $7 or cu.name ilike $7
                or cu.phone ilike $7 or v.plate ilike $7 or v.vin ilike $7)
           and ($8::int is null or c.escalation_level >= $8)
           and ($9::bigint is null or c.id < $9)
         order by c.id desc
         limit $10
        """,
        list(dealer_ids),
        now,
        list(filter.statuses),
        list(filter.levels),
        filter.overdue,
        filter.responsible_user_id,
        pattern,
        filter.escalated_from,
        before_id,
        limit,
    )
    return rows


async def complaints_by_id(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], ids: Sequence[int], now: datetime
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await connection.fetch(
        _SELECT + " where c.dealer_id = any($1::bigint[]) and c.id = any($3::bigint[])",
        list(dealer_ids),
        now,
        list(ids),
    )
    return rows


async def region_severe(
    connection: asyncpg.Connection,
    dealer_ids: Sequence[int],
    *,
    now: datetime,
    open_only: bool,
    before: tuple[bool, int] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Severe tickets of the dealers given, open ones first, then newest first; straight
    from the table (visible the moment they are received). ``before`` is the sort key
    (closed?, id) of the last row of the previous page."""
    rows: list[asyncpg.Record] = await connection.fetch(
        _SELECT
        + """
         where c.dealer_id = any($1::bigint[]) and c.level = 'severe'
           and (not $3 or c.status in ('received', 'routed', 'agreed', 'resolved'))
           and ($4::boolean is null
                or (c.status in ('closed', 'withdrawn'), -c.id) > ($4::boolean, -$5::bigint))
         order by c.status in ('closed', 'withdrawn'), c.id desc
         limit $6
        """,
        list(dealer_ids),
        now,
        open_only,
        before[0] if before else None,
        before[1] if before else None,
        limit,
    )
    return rows


async def status_counts(
    connection: asyncpg.Connection, dealer_id: int, now: datetime
) -> list[asyncpg.Record]:
    """Tickets per status, and how many of each are overdue."""
    rows: list[asyncpg.Record] = await connection.fetch(
        f"""
        select c.status, count(*)::int as total,
               count(*) filter (where ({DEADLINE_SQL}) <= $2::timestamptz)::int as overdue
          from complaint c
         where c.dealer_id = $1
         group by c.status order by c.status
        """,
        dealer_id,
        now,
    )
    return rows


async def actions_by_complaint(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], complaint_ids: Sequence[int]
) -> dict[int, list[asyncpg.Record]]:
    rows = await connection.fetch(
        "select a.*, u.display_name as actor_name from complaint_action a"
        " left join staff_user u on u.id = a.actor_user_id"
        " where a.dealer_id = any($1::bigint[]) and a.complaint_id = any($2::bigint[])"
        " order by a.id",
        list(dealer_ids),
        list(complaint_ids),
    )
    grouped: dict[int, list[asyncpg.Record]] = {cid: [] for cid in complaint_ids}
    for row in rows:
        grouped[row["complaint_id"]].append(row)
    return grouped

"""Reads of dealer audits for the screens: lists, one audit's checklist by section with
its points, findings with their overdue flag (the dealer's local date), and the
region's summary per dealer. Every query names its dealers; RLS limits them again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from tenants.oversight.audit_findings import OVERDUE_SQL

_AUDIT_SELECT = f"""
select a.*, d.code as dealer_code, d.name as dealer_name, d.name_zh as dealer_name_zh,
       u.display_name as auditor_name,
       coalesce(f.findings, 0) as findings, coalesce(f.open_findings, 0) as open_findings,
       coalesce(f.overdue_findings, 0) as overdue_findings
from dealer_audit a
join dealer d on d.id = a.dealer_id
join staff_user u on u.id = a.auditor_user_id
left join lateral (
  select count(*) as findings,
         count(*) filter (where f.status <> 'verified') as open_findings,
         count(*) filter (where {OVERDUE_SQL}) as overdue_findings
  from dealer_audit_finding f
  where f.dealer_id = a.dealer_id and f.audit_id = a.id
) f on true
"""


async def list_audits(
    connection: asyncpg.Connection,
    dealer_ids: Sequence[int],
    *,
    statuses: Sequence[str],
    now: datetime,
    before_id: int | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Newest first, keyset-paged on the id."""
    return list(
        await connection.fetch(
            _AUDIT_SELECT
            + """
            where a.dealer_id = any($1::bigint[])
              and (cardinality($3::text[]) = 0 or a.status = any($3::text[]))
              and ($4::bigint is null or a.id < $4)
            order by a.id desc limit $5
            """,
            list(dealer_ids),
            now,
            list(statuses),
            before_id,
            limit,
        )
    )


async def audits_by_id(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], ids: Sequence[int], now: datetime
) -> list[asyncpg.Record]:
    return list(
        await connection.fetch(
            _AUDIT_SELECT + " where a.dealer_id = any($1::bigint[]) and a.id = any($3::bigint[])",
            list(dealer_ids),
            now,
            list(ids),
        )
    )


async def audit_items(
    connection: asyncpg.Connection, audits: Sequence[tuple[int, int]]
) -> dict[int, list[asyncpg.Record]]:
    """Per audit (``(dealer_id, audit_id)`` pairs), the checklist with its points: every
    active item of the dealer's brand and any since-deactivated item the audit scored,
    in checklist order."""
    rows = await connection.fetch(
        """
        select a.audit_id, i.id, i.code, i.section, i.text, i.text_zh, i.weight, i.position,
               s.points, coalesce(s.note, '') as note, s.scored_at
        from unnest($1::bigint[], $2::bigint[]) as a(dealer_id, audit_id)
        join dealer d on d.id = a.dealer_id
        join region r on r.id = d.region_id
        join audit_checklist_item i on i.manufacturer_id = r.manufacturer_id
        left join dealer_audit_score s
          on s.item_id = i.id and s.dealer_id = a.dealer_id and s.audit_id = a.audit_id
        where i.active or s.item_id is not null
        order by a.audit_id, i.position, i.code
        """,
        [d for d, _ in audits],
        [a for _, a in audits],
    )
    grouped: dict[int, list[asyncpg.Record]] = {}
    for row in rows:
        grouped.setdefault(row["audit_id"], []).append(row)
    return grouped


async def findings(
    connection: asyncpg.Connection,
    dealer_ids: Sequence[int],
    audit_ids: Sequence[int],
    now: datetime,
) -> list[asyncpg.Record]:
    """The findings of the audits, with owner and overdue flag, oldest first."""
    return list(
        await connection.fetch(
            f"""
            select f.*, {OVERDUE_SQL} as overdue, o.display_name as owner_name,
                   i.code as item_code
            from dealer_audit_finding f
            join dealer d on d.id = f.dealer_id
            left join staff_user o on o.id = f.owner_user_id
            left join audit_checklist_item i on i.id = f.item_id
            where f.dealer_id = any($1::bigint[]) and f.audit_id = any($3::bigint[])
            order by f.audit_id, f.id
            """,
            list(dealer_ids),
            now,
            list(audit_ids),
        )
    )


async def region_summary(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], now: datetime
) -> list[asyncpg.Record]:
    """Per dealer: its last submitted or closed audit's score, its unverified and
    overdue findings, and its next planned visit."""
    return list(
        await connection.fetch(
            f"""
            select d.id as dealer_id, d.code as dealer_code, d.name as dealer_name,
                   d.name_zh as dealer_name_zh,
                   last.id as last_audit_id, last.number as last_number,
                   last.submitted_at as last_submitted_at,
                   last.score as last_score, last.max_score as last_max_score,
                   nxt.planned_on as next_planned_on,
                   coalesce(f.open_findings, 0) as open_findings,
                   coalesce(f.overdue_findings, 0) as overdue_findings
            from dealer d
            left join lateral (
              select a.* from dealer_audit a
              where a.dealer_id = d.id and a.status in ('submitted', 'closed')
              order by a.submitted_at desc, a.id desc limit 1
            ) last on true
            left join lateral (
              select min(a.planned_on) as planned_on from dealer_audit a
              where a.dealer_id = d.id and a.status = 'planned'
            ) nxt on true
            left join lateral (
              select count(*) filter (where f.status <> 'verified') as open_findings,
                     count(*) filter (where {OVERDUE_SQL}) as overdue_findings
              from dealer_audit_finding f
              join dealer_audit a on a.dealer_id = f.dealer_id and a.id = f.audit_id
              where f.dealer_id = d.id and a.status <> 'cancelled'
            ) f on true
            where d.id = any($1::bigint[])
            order by d.code
            """,
            list(dealer_ids),
            now,
        )
    )


async def checklist(connection: asyncpg.Connection, manufacturer_id: int) -> list[asyncpg.Record]:
    return list(
        await connection.fetch(
            "select * from audit_checklist_item where manufacturer_id = $1 and active"
            " order by position, code",
            manufacturer_id,
        )
    )

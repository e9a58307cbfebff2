"""The dashboard's reads besides the figures themselves (those are one statement,
``tenants.oversight.dashboard_sql``): which month is the latest complete one in the
dealers' calendars, and the records behind a dealer's figure for its drill-down."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import asyncpg


def shift_month(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


async def latest_complete_month(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], now: datetime
) -> date:
    """The month before the current one in the dealers' calendars (the earliest of their
    local dates, so no dealer's month is still running)."""
    value = await connection.fetchval(
        "select min((date_trunc('month', $2::timestamptz at time zone d.time_zone)"
        " - interval '1 month')::date) from dealer d where d.id = any($1::bigint[])",
        list(dealer_ids),
        now,
    )
    if value is None:
        return shift_month(date(now.year, now.month, 1), -1)
    result: date = value
    return result


_CLAIMS_SUBMITTED = (
    "claims_submitted",
    "claim_amount_requested",
    "claims_per_100_orders",
    "labour_hours_per_claim",
    "repeat_claims_per_vin",
)
_CLAIMS_APPROVED = ("claims_approved", "claim_amount_approved")
_ORDERS = ("orders_delivered", "labour_hours_sold", "efficiency", "first_time_fix_rate")
_REVISITS = ("revisit_coverage", "revisit_success", "csi")

SOURCES: dict[str, str] = {
    **dict.fromkeys(_CLAIMS_SUBMITTED, "warranty_claim (submitted_at)"),
    **dict.fromkeys(_CLAIMS_APPROVED, "warranty_claim (decided_at, approved)"),
    "claims_rejected": "warranty_claim (decided_at, rejected)",
    **dict.fromkeys(_ORDERS, "repair_order (delivered_at), labour lines"),
    **dict.fromkeys(_REVISITS, "revisit (due_by), revisit_survey_answer"),
    "major_complaint_rate": "complaint (received_at, severe), repair_order (delivered_at)",
    "parts_fill_rate": "part_request, stock_movement",
    "parts_turnover": "stock_movement, stock_item",
    "dead_stock_share": "stock_movement, stock_item",
    "parts_return_failures": "warranty_old_part, old_part_shipment",
}

_MONTH = """
  with bounds as (
    select ($2::date::timestamp at time zone d.time_zone) as since,
           (($2::date + interval '1 month')::timestamp at time zone d.time_zone) as until
      from dealer d where d.id = $1
  )
"""
_RECORDS: dict[str, str] = {
    "claims_submitted": _MONTH
    + """
    select 'warranty_claim' as kind, c.id, c.number, c.status, c.submitted_at as at,
           c.requested_amount as amount, c.vin as note
      from warranty_claim c, bounds b
     where c.dealer_id = $1 and c.submitted_at >= b.since and c.submitted_at < b.until
     order by c.submitted_at desc limit 50
    """,
    "claims_approved": _MONTH
    + """
    select 'warranty_claim' as kind, c.id, c.number, c.status, c.decided_at as at,
           c.approved_amount as amount, c.vin as note
      from warranty_claim c, bounds b
     where c.dealer_id = $1 and c.decided_at >= b.since and c.decided_at < b.until
       and c.status in ('approved', 'partially_approved', 'paid')
     order by c.decided_at desc limit 50
    """,
    "claims_rejected": _MONTH
    + """
    select 'warranty_claim' as kind, c.id, c.number, c.status, c.decided_at as at,
           c.requested_amount as amount, c.decision_reason as note
      from warranty_claim c, bounds b
     where c.dealer_id = $1 and c.decided_at >= b.since and c.decided_at < b.until
       and c.status = 'rejected'
     order by c.decided_at desc limit 50
    """,
    "orders": _MONTH
    + """
    select 'repair_order' as kind, o.id, o.number, o.status, o.delivered_at as at,
           null::numeric as amount, '' as note
      from repair_order o, bounds b
     where o.dealer_id = $1 and o.delivered_at >= b.since and o.delivered_at < b.until
     order by o.delivered_at desc limit 50
    """,
    "revisits": """
    select 'revisit' as kind, r.id, r.due_by::text as number, r.status,
           r.delivered_at as at, null::numeric as amount,
           coalesce(r.failure_reason, r.outcome, '') as note
      from revisit r
     where r.dealer_id = $1 and r.due_by >= $2::date
       and r.due_by < ($2::date + interval '1 month')::date
       and r.status not in ('succeeded', 'cancelled')
     order by r.due_by, r.id limit 50
    """,
    "major_complaint_rate": _MONTH
    + """
    select 'complaint' as kind, c.id, c.number, c.status, c.received_at as at,
           null::numeric as amount, c.summary as note
      from complaint c, bounds b
     where c.dealer_id = $1 and c.received_at >= b.since and c.received_at < b.until
       and c.level = 'severe'
     order by c.received_at desc limit 50
    """,
}
_RECORDS_OF: dict[str, str] = {
    **dict.fromkeys(_CLAIMS_SUBMITTED, "claims_submitted"),
    **dict.fromkeys(_CLAIMS_APPROVED, "claims_approved"),
    "claims_rejected": "claims_rejected",
    **dict.fromkeys(_ORDERS, "orders"),
    **dict.fromkeys(_REVISITS, "revisits"),
    "major_complaint_rate": "major_complaint_rate",
}


async def records_behind(
    connection: asyncpg.Connection, dealer_id: int, kpi: str, month: date
) -> list[dict[str, Any]]:
    """The records of the dealer's local ``month`` behind ``kpi`` (at most 50): the
    claims counted, the rejected ones, the orders delivered, the revisits not succeeded,
    the severe complaints; none for the parts and old-part figures (stock, not records)."""
    query = _RECORDS.get(_RECORDS_OF.get(kpi, ""))
    if query is None:
        return []
    return [dict(r) for r in await connection.fetch(query, dealer_id, month)]

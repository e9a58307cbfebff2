"""Reading the partner call log: a page of recent calls and the last day's summary,
each one statement (the summary for many applications at once)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import asyncpg

from tenants.database import ActiveTransaction

StatusFilter = Literal["all", "ok", "error"]

_FAILED = "(c.http_status >= 400 or cardinality(c.error_codes) > 0)"


async def recent_calls(
    tx: ActiveTransaction,
    *,
    dealer_id: int,
    app_id: int,
    before_id: int | None,
    status: StatusFilter,
    limit: int,
) -> list[asyncpg.Record]:
    """Newest first, after the cursor (a call id); OK means 2xx/3xx without errors."""
    return await tx.connection.fetch(
        f"""
        select c.*, k.prefix as key_prefix, k.name as key_name
          from api_call c
          join api_key k on k.dealer_id = c.dealer_id and k.id = c.api_key_id
         where c.dealer_id = $1 and c.partner_app_id = $2
           and ($3::bigint is null or c.id < $3)
           and ($4 = 'all' or ($4 = 'error') = {_FAILED})
         order by c.id desc
         limit $5
        """,
        dealer_id,
        app_id,
        before_id,
        status,
        limit,
    )


async def summaries(
    tx: ActiveTransaction, *, dealer_id: int, app_ids: Sequence[int]
) -> dict[int, asyncpg.Record]:
    """Calls, failed calls, p95 duration and cost over the last 24 hours, per app."""
    rows = await tx.connection.fetch(
        f"""
        select c.partner_app_id as app_id, count(*) as calls,
               count(*) filter (where {_FAILED}) as errors,
               coalesce(percentile_disc(0.95) within group (order by c.duration_ms), 0)
                 as p95_duration_ms,
               coalesce(sum(c.cost), 0) as cost_used,
               max(c.at) as last_call_at
          from api_call c
         where c.dealer_id = $1 and c.partner_app_id = any($2::bigint[])
           and c.at > now() - interval '24 hours'
         group by c.partner_app_id
        """,
        dealer_id,
        list(app_ids),
    )
    return {row["app_id"]: row for row in rows}

"""Manufacturer-oversight worker jobs: the KPI facts of the regional dashboard
(``dealer_kpi_month``), refreshed hourly at minute 7 and at start-up for every dealer's
current and previous local month, and a backfill of N months on demand for a dealer new
to the dashboard. ``ctx["clock"]`` lets tests set the time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from arq import cron

from tenants.oversight.kpi_refresh import refresh_kpis, refresh_kpis_backfill

log = logging.getLogger("dealernet.worker")


def _now(ctx: dict[str, Any]) -> datetime:
    clock: Callable[[], datetime] | None = ctx.get("clock")
    return clock() if clock is not None else datetime.now(UTC)


async def refresh_kpis_job(ctx: dict[str, Any]) -> int:
    """Rows upserted; a dealer that failed is logged by the refresh and retried next hour."""
    result = await refresh_kpis(_now(ctx))
    log.info(
        "KPI facts: %d rows for %d dealers, %d failed",
        result.rows,
        result.dealers,
        len(result.failed),
    )
    return result.rows


async def refresh_kpis_backfill_job(
    ctx: dict[str, Any], dealer_ids: list[int], months: int = 12
) -> int:
    result = await refresh_kpis_backfill(_now(ctx), dealer_ids, months)
    log.info("KPI backfill: %d rows for dealers %s", result.rows, dealer_ids)
    return result.rows


FUNCTIONS: list[Any] = [refresh_kpis_job, refresh_kpis_backfill_job]
CRON_JOBS: list[Any] = [cron(refresh_kpis_job, minute={7}, run_at_startup=True)]

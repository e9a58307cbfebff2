"""The hourly job that drafts each dealer's monthly report to the manufacturer (月报) for
the month before, from the 1st local day: dealers in different time zones turn their
month at different hours, and a run that finds every report drafted writes nothing.
``ctx["clock"]`` lets tests set the time. The work is in
``tenants.oversight.monthly_report_queries``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from arq import cron

from tenants.oversight.monthly_report_queries import generate_due_drafts

log = logging.getLogger("dealernet.worker")


def _now(ctx: dict[str, Any]) -> datetime:
    clock: Callable[[], datetime] | None = ctx.get("clock")
    return clock() if clock is not None else datetime.now(UTC)


async def oversight_monthly_report_drafts(ctx: dict[str, Any]) -> int:
    """Draft every monthly report due now; returns how many were written."""
    done = await generate_due_drafts(_now(ctx))
    if done:
        log.info("monthly report drafts generated: %d", len(done))
    return len(done)


FUNCTIONS: list[Any] = [oversight_monthly_report_drafts]
CRON_JOBS: list[Any] = [
    cron(oversight_monthly_report_drafts, minute={7}, run_at_startup=True),
]

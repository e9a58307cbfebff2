"""The hourly job that generates the care reports: each dealer's daily problem report once
its evening call window has closed (19:30 local by default) and the two monthly reports
from the 1st local for the month before. Hourly, because each dealer's evening and month
turn at its own hour; a run that finds nothing due writes nothing. ``ctx["clock"]`` lets
tests set the time. The work is in ``tenants.care.reports``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from arq import cron

from tenants.care.reports import generate_due_reports

log = logging.getLogger("dealernet.worker")


def _now(ctx: dict[str, Any]) -> datetime:
    clock: Callable[[], datetime] | None = ctx.get("clock")
    return clock() if clock is not None else datetime.now(UTC)


async def care_report_schedule(ctx: dict[str, Any]) -> int:
    """Generate every report due now; returns how many were written."""
    done = await generate_due_reports(_now(ctx))
    if done:
        log.info("care reports generated: %d", len(done))
    return len(done)


FUNCTIONS: list[Any] = [care_report_schedule]
CRON_JOBS: list[Any] = [
    # Minutes 1 and 31: a dealer whose cut-off is on the half hour (19:30) gets its
    # report within the minute, one on the hour within half an hour.
    cron(care_report_schedule, minute={1, 31}, run_at_startup=True),
]

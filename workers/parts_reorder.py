"""Reorder jobs of the arq worker: a dealer's run, and the cron that creates nightly
runs (02:00 in each dealer's own time zone) and queues again runs whose job was lost
or whose worker died. The work itself is in ``tenants.parts.reorder``."""

from __future__ import annotations

import logging
from typing import Any

from tenants.parts.reorder import Outcome, execute_run, recover_runs, schedule_nightly_runs

log = logging.getLogger("dealernet.worker")

RUN_TIMEOUT_SECONDS = 1800
"""A region's worth of history is minutes at most; past this arq cancels the job and
the run, left running but unlocked, is recovered by the cron."""


async def reorder_run(
    ctx: dict[str, Any], dealer_id: int, run_id: int, attempt: int = 0
) -> Outcome:
    outcome = await execute_run(dealer_id, run_id, attempt)
    log.info("reorder run %s of dealer %s: %s", run_id, dealer_id, outcome)
    return outcome


async def reorder_schedule(ctx: dict[str, Any]) -> dict[str, int]:
    """Every five minutes: nightly runs that are due, and lost runs queued again."""
    created = await schedule_nightly_runs(redis=ctx["redis"])
    recovered = await recover_runs(redis=ctx["redis"])
    if created or recovered:
        log.info("reorder runs: %d nightly created, %d queued again", len(created), len(recovered))
    return {"nightly": len(created), "recovered": len(recovered)}

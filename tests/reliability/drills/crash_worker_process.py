"""The worker the crash drill kills: ``python -m tests.reliability.drills.crash_worker_process``
with DATABASE_URL and REDIS_URL (the drill's own Redis: the app queues on the one
queue name, so no other session's worker may share it).

The production jobs of claim delivery, reorder runs and revisit generation, on the real
clock, with the drill's time scale: the tests' fast retry policy (one-second lease), the
outbox sweep and the reorder recovery every second instead of every ten seconds and five
minutes, and a reorder run whose worker died is recovered after one second instead of 30
(recovery skips runs whose row a live worker holds, so shorter is safe, only busier). It
prints ``ready`` once it polls."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
from arq import cron, func
from arq.connections import ArqRedis
from arq.worker import Worker

from tenants.database import start_pool
from tenants.parts import reorder
from tests.warranty.delivery_steps import FAST
from workers import care_revisits, warranty_delivery
from workers.parts_reorder import RUN_TIMEOUT_SECONDS, reorder_run, reorder_schedule
from workers.redis import QUEUE_NAME

EVERY_SECOND = set(range(60))
DRILL_POLICY = replace(FAST, reissue_after=2.0)
"""A message due for two seconds that nobody took is asked for under a new job ID."""


async def main() -> None:
    reorder.STALE_RUNNING = timedelta(seconds=1)
    reorder.STALE_QUEUED = timedelta(seconds=2)
    # Production fails a run after its worker died under it three times (a run that
    # kills its worker must not do so forever); the drill's kills are random, not the
    # run's fault, and may hit one run in every round.
    reorder.MAX_ATTEMPTS = 10
    await start_pool(min_size=1, max_size=5)

    async def startup(ctx: dict[str, Any]) -> None:
        ctx[warranty_delivery.POLICY_KEY] = DRILL_POLICY
        ctx[warranty_delivery.HTTP_KEY] = httpx.AsyncClient()
        print("ready", flush=True)

    redis = ArqRedis.from_url(os.environ["REDIS_URL"])
    worker = Worker(
        functions=[
            *warranty_delivery.FUNCTIONS,
            func(reorder_run, timeout=RUN_TIMEOUT_SECONDS),
            reorder_schedule,
            *care_revisits.FUNCTIONS,
        ],
        cron_jobs=[
            cron(warranty_delivery.sweep_warranty_outbox, second=EVERY_SECOND, run_at_startup=True),
            cron(reorder_schedule, second=EVERY_SECOND, run_at_startup=True),
            *(replace(job, next_run=None) for job in care_revisits.CRON_JOBS),
        ],
        redis_pool=redis,
        queue_name=QUEUE_NAME,
        poll_delay=0.01,
        on_startup=startup,
        handle_signals=False,
    )
    await worker.main()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)

"""A revisit worker in a process of its own, for the test that kills it mid-run:
``python -m tests.workers.care_revisit_worker_process`` with DATABASE_URL and REDIS_URL
of the test and CARE_TEST_QUEUE, a queue of the test's own (other test sessions share
Redis). It runs the real cron job, at start-up, on the real clock."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from dataclasses import replace
from typing import Any

from arq.connections import ArqRedis
from arq.worker import Worker

from tenants.database import start_pool
from workers import care_revisits


async def main() -> None:
    logging.basicConfig(level=logging.INFO)
    await start_pool(min_size=1, max_size=4)

    async def startup(ctx: dict[str, Any]) -> None:
        print("ready", flush=True)

    redis = ArqRedis.from_url(os.environ["REDIS_URL"])
    worker = Worker(
        functions=care_revisits.FUNCTIONS,
        cron_jobs=[replace(job, next_run=None) for job in care_revisits.CRON_JOBS],
        redis_pool=redis,
        queue_name=os.environ["CARE_TEST_QUEUE"],
        poll_delay=0.01,
        on_startup=startup,
        handle_signals=False,
    )
    await worker.main()


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)

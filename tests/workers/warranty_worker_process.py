"""A delivery worker in a process of its own, for tests that kill it mid-attempt:
``python -m tests.workers.warranty_worker_process`` with DATABASE_URL and REDIS_URL of
the test. It runs the real jobs with the tests' fast retry policy and prints ``ready``
once it polls."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import httpx
from arq.connections import ArqRedis
from arq.worker import Worker

from tenants.database import start_pool
from tests.warranty.delivery_steps import FAST
from workers import warranty_delivery
from workers.redis import QUEUE_NAME


async def main() -> None:
    await start_pool(min_size=1, max_size=4)

    async def startup(ctx: dict[str, Any]) -> None:
        ctx[warranty_delivery.POLICY_KEY] = FAST
        ctx[warranty_delivery.HTTP_KEY] = httpx.AsyncClient()
        print("ready", flush=True)

    redis = ArqRedis.from_url(os.environ["REDIS_URL"])
    worker = Worker(
        functions=warranty_delivery.FUNCTIONS,
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

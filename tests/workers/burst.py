"""One job through a real arq worker on real Redis, on a queue of its own (test sessions
share Redis database 15, so no other session's worker takes it), with the worker's clock
at the moment the test chooses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from arq import create_pool
from arq.worker import Worker

from workers.redis import redis_settings
from workers.settings import WorkerSettings


async def run_job(name: str, *args: Any, now: datetime) -> Any:
    """Enqueue ``name(*args)``, run a burst worker until the queue is empty, return the result."""
    queue = f"burst-test-{uuid.uuid4().hex}"
    redis = await create_pool(redis_settings())
    try:
        job = await redis.enqueue_job(name, *args, _queue_name=queue)
        assert job is not None
        worker = Worker(
            functions=WorkerSettings.functions,
            redis_pool=redis,
            queue_name=queue,
            burst=True,
            poll_delay=0.01,
            ctx={"clock": lambda: now},
            handle_signals=False,
        )
        await worker.main()
        return await job.result(timeout=10)
    finally:
        await redis.aclose()

"""The real arq worker with the webhook jobs, on a Redis database of these tests' own
(other suites flush database 15 and the warranty delivery tests use 13; these tests
count jobs and must not share a queue with them), with a fast retry policy."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest
from arq.connections import ArqRedis
from arq.worker import Worker

from tenants.partners.webhook_delivery import RetryPolicy, direct_client
from tenants.warranty.delivery_queue import close_client
from workers import partner_webhooks
from workers.redis import QUEUE_NAME

FAST = RetryPolicy(max_attempts=3, base_delay=0.05, max_delay=0.2, lease=1.0, timeout=0.5)
"""Retries in tenths of a second, a one-second lease, a half-second HTTP timeout."""

WEBHOOK_REDIS_DB = 12
_URL = urlunparse(urlparse(os.environ["REDIS_URL"])._replace(path=f"/{WEBHOOK_REDIS_DB}"))


@pytest.fixture
async def webhook_redis(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ArqRedis]:
    """The queue's Redis (emptied), which the app's after-commit wake also uses."""
    monkeypatch.setenv("REDIS_URL", _URL)
    await close_client()  # a client of another URL may be cached
    redis = ArqRedis.from_url(_URL)
    await redis.flushdb()
    yield redis
    await redis.flushdb()
    await redis.aclose()
    await close_client()


async def queued_jobs(redis: ArqRedis) -> list[str]:
    return sorted(j.decode() for j in await redis.zrange(QUEUE_NAME, 0, -1))


def make_worker(*, policy: RetryPolicy = FAST, sweep: bool = False, burst: bool = True) -> Worker:
    async def startup(ctx: dict[str, Any]) -> None:
        ctx[partner_webhooks.POLICY_KEY] = policy
        ctx[partner_webhooks.HTTP_KEY] = direct_client()

    redis = ArqRedis.from_url(_URL)
    redis.default_queue_name = QUEUE_NAME
    return Worker(
        functions=partner_webhooks.FUNCTIONS,
        cron_jobs=[partner_webhooks.sweep_cron()] if sweep else None,
        redis_pool=redis,
        queue_name=QUEUE_NAME,
        burst=burst,
        poll_delay=0.01,
        max_jobs=10,
        on_startup=startup,
        on_shutdown=partner_webhooks.shutdown,
        handle_signals=False,
    )


async def run_worker(*, policy: RetryPolicy = FAST, sweep: bool = False) -> Worker:
    """Run a burst worker until the queue (deferred retries included) is empty."""
    worker = make_worker(policy=policy, sweep=sweep)
    try:
        await asyncio.wait_for(worker.main(), timeout=30)
    finally:
        await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
        await partner_webhooks.shutdown(worker.ctx)
        await worker.pool.aclose()
    return worker


async def run_worker_until(
    done: Callable[[], Awaitable[bool]],
    *,
    policy: RetryPolicy = FAST,
    sweep: bool = True,
    within: float = 20,
) -> Worker:
    """Run a standing worker (not burst: a job orphaned by a killed worker stays in the
    queue until arq's own expiry) until ``done()`` holds."""
    worker = make_worker(policy=policy, sweep=sweep, burst=False)
    task = asyncio.create_task(worker.main())
    try:
        async with asyncio.timeout(within):
            for _ in itertools.count():  # the database has no event to wait for
                if await done():
                    break
                await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
        await partner_webhooks.shutdown(worker.ctx)
        await worker.pool.aclose()
    return worker

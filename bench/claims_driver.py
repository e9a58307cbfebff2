"""The measuring side of the claims benchmark, in a process of its own so that the app's
engine is built for the bench database (``python -m bench.claims_driver``; prints JSON).

Against one running worker (``bench.claims_worker``), alternately:

- **raw**: enqueue N jobs that do nothing (``bench_noop``) from ``concurrency`` tasks and
  time until the worker has run them all;
- **claims**: submit N claims from ``concurrency`` tasks, each in its own transaction as
  the claims specialist (status change, the payload, the outbox message, the audit entry;
  the after-commit hook enqueues the delivery job), and time until every message is
  recorded delivered: the worker took it, the inbox stored the manufacturer's copy and
  acknowledged the claim, and the outcome was written.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import asyncpg
from arq.connections import ArqRedis

from bench.claims_worker import DONE_KEY, NOOP
from workers.redis import QUEUE_NAME

T = TypeVar("T")


async def _fan_out(
    items: Sequence[T], concurrency: int, each: Callable[[T], Awaitable[None]]
) -> None:
    queue = list(items)
    queue.reverse()

    async def lane() -> None:
        while queue:
            await each(queue.pop())

    await asyncio.gather(*(lane() for _ in range(concurrency)))


async def _until(check: Callable[[], Awaitable[bool]], limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("the worker did not finish")
        await asyncio.sleep(0.005)


async def raw(redis: ArqRedis, jobs: int, concurrency: int, run: int) -> float:
    await redis.set(DONE_KEY, 0)
    started = time.perf_counter()

    async def enqueue(n: int) -> None:
        await redis.enqueue_job(NOOP, _job_id=f"bench-noop:{run}:{n}", _queue_name=QUEUE_NAME)

    await _fan_out(range(jobs), concurrency, enqueue)

    async def done() -> bool:
        return int(await redis.get(DONE_KEY) or 0) >= jobs

    await _until(done)
    return time.perf_counter() - started


async def claims(
    owner: asyncpg.Connection, todo: list[tuple[int, int, int]], concurrency: int
) -> float:
    from tenants.database import TenantScope, tenant_transaction
    from tenants.warranty import outbox
    from tenants.warranty.claim_payload import build_payload
    from tenants.warranty.claim_status import transition

    started = time.perf_counter()

    async def submit(item: tuple[int, int, int]) -> None:
        dealer, claim, user = item
        async with tenant_transaction(TenantScope.of([dealer], user)) as tx:
            await transition(tx, dealer, claim, "submitted")
            payload = await build_payload(tx.connection, dealer, claim)
            await outbox.enqueue(tx, dealer, claim, "submit", payload, round_=1)

    await _fan_out(todo, concurrency, submit)

    async def delivered() -> bool:
        count: int = await owner.fetchval(
            "select count(*) from warranty_outbox where status = 'delivered'"
        )
        return count >= len(todo)

    await _until(delivered)
    return time.perf_counter() - started


async def main(jobs: int, concurrency: int) -> dict[str, object]:
    from tenants.database import close_pool, start_pool

    await start_pool(min_size=2, max_size=concurrency + 2)
    owner = await asyncpg.connect(os.environ["DATABASE_URL"])
    redis = ArqRedis.from_url(os.environ["REDIS_URL"])
    try:
        todo = [
            (r["dealer_id"], r["id"], r["created_by"])
            for r in await owner.fetch(
                "select dealer_id, id, created_by from warranty_claim where status = 'draft'"
                " order by row_number() over (partition by dealer_id order by id), dealer_id"
            )
        ][:jobs]
        await raw(redis, 50, concurrency, 0)  # warm-up: connections, the worker's first jobs
        raw_before = await raw(redis, len(todo), concurrency, 1)
        claims_seconds = await claims(owner, todo, concurrency)
        raw_after = await raw(redis, len(todo), concurrency, 2)
        states = dict(
            await owner.fetch("select status, count(*) from warranty_outbox group by status")
        )
        copies = await owner.fetchval("select count(*) from warranty_submission")
        accepted = await owner.fetchval(
            "select count(*) from warranty_claim where status = 'accepted'"
        )
    finally:
        await redis.aclose()
        await owner.close()
        await close_pool()
    return {
        "claims": len(todo),
        "concurrency": concurrency,
        "raw_seconds": [raw_before, raw_after],
        "claims_seconds": claims_seconds,
        "outbox": states,
        "submissions": copies,
        "accepted": accepted,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.claims_driver")
    parser.add_argument("--claims", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.claims, args.concurrency))))

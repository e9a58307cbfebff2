"""Steps of the delivery tests: a claim submitted with its outbox message (as the
claims desk's submission does: status change and message in one transaction), an
isolated Redis database for the worker's queue, and a real arq worker run."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse, urlunparse

import asyncpg
import httpx
import pytest
from arq.connections import ArqRedis
from arq.worker import Worker

from tenants.database import TenantScope, tenant_transaction
from tenants.warranty import outbox
from tenants.warranty.claim_payload import build_payload
from tenants.warranty.claim_status import transition
from tenants.warranty.delivery import RetryPolicy
from tenants.warranty.delivery_queue import close_client
from tests.warranty.factories_warranty import WarrantyDesk
from workers import warranty_delivery
from workers.redis import QUEUE_NAME

_n = itertools.count(1)

FAST = RetryPolicy(max_attempts=4, base_delay=0.05, max_delay=0.2, lease=1.0, timeout=0.5)
"""Retries in tenths of a second, a one-second lease, a half-second HTTP timeout."""

DELIVERY_REDIS_DB = 13
"""The delivery tests' own Redis database: other suites flush database 15 and run
workers there; these tests count jobs and must not share a queue with them."""


@dataclass(frozen=True)
class Submitted:
    claim_id: int
    message_id: int
    key: str
    labour_line_id: int
    part_line_id: int


async def submitted_claim(
    db: asyncpg.Connection, desk: WarrantyDesk, *, dealer_id: int | None = None
) -> Submitted:
    """A claim of the desk's order (labour 1.5 h x 180 = 270, water pump 680) moved to
    submitted with its message, in one transaction as the claims specialist."""
    dealer = dealer_id or desk.dealer_id
    if dealer == desk.dealer_id:
        vehicle, user = desk.vehicle_id, desk.users["claims"]
        order = desk.order_id
    else:
        vehicle, user = desk.far_vehicle_id, desk.users["far_claims"]
        order = await db.fetchval(
            "insert into repair_order (dealer_id, number, customer_id, vehicle_id, status,"
            " mileage_in, advisor_user_id, created_by) select $1, $2, customer_id, id,"
            " 'in_progress', 23000, $4, $4 from vehicle where id = $3 returning id",
            dealer,
            f"WF-{next(_n):06d}",
            vehicle,
            user,
        )
    n = next(_n)
    claim = await db.fetchval(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, fault_date, fault_code, complaint, cause, correction,"
        " requested_amount, created_by)"
        " select $1, $2, $3, v.id, v.vin, 23000, 'standard', current_date, $4,"
        " 'Coolant leak', 'Pump seal failed', 'Replaced pump', 950, $6"
        " from vehicle v where v.id = $5 returning id",
        dealer,
        f"WC-{n:06d}",
        order,
        f"F{n}",
        vehicle,
        user,
    )
    labour = await db.fetchval(
        "insert into warranty_claim_line (dealer_id, claim_id, kind, operation_id, description,"
        " hours, standard_hours, unit_price, amount) values ($1, $2, 'labour', $3,"
        " 'Replace water pump', 1.5, 1.5, 180, 270) returning id",
        dealer,
        claim,
        desk.operation_id,
    )
    part = await db.fetchval(
        "insert into warranty_claim_line (dealer_id, claim_id, kind, part_id, description,"
        " quantity, unit_price, amount) values ($1, $2, 'part', $3, 'Water pump', 1, 680, 680)"
        " returning id",
        dealer,
        claim,
        desk.part_id,
    )
    async with tenant_transaction(TenantScope.of([dealer], user)) as tx:
        await transition(tx, dealer, claim, "submitted")
        payload = await build_payload(tx.connection, dealer, claim)
        message = await outbox.enqueue(tx, dealer, claim, "submit", payload, round_=1)
    key = outbox.idempotency_key(dealer, claim, "submit", 1)
    return Submitted(claim, message, key, labour, part)


_DELIVERY_REDIS_URL = urlunparse(
    urlparse(os.environ["REDIS_URL"])._replace(path=f"/{DELIVERY_REDIS_DB}")
)


def delivery_redis_url() -> str:
    return _DELIVERY_REDIS_URL


@pytest.fixture
async def delivery_redis(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ArqRedis]:
    """The queue's Redis (emptied), which the app's fast path also uses in the test."""
    url = delivery_redis_url()
    monkeypatch.setenv("REDIS_URL", url)
    redis = ArqRedis.from_url(url)
    await redis.flushdb()
    yield redis
    await redis.flushdb()
    await redis.aclose()
    await close_client()


async def queued_jobs(redis: ArqRedis) -> list[str]:
    return sorted(j.decode() for j in await redis.zrange(QUEUE_NAME, 0, -1))


def make_worker(
    *, policy: RetryPolicy = FAST, burst: bool = True, max_jobs: int = 10, sweep: bool = False
) -> Worker:
    """The real arq worker with the delivery jobs, on the test's Redis and pool; it has
    its own Redis connection, which ``close()`` closes."""

    async def startup(ctx: dict[str, Any]) -> None:
        ctx[warranty_delivery.POLICY_KEY] = policy
        ctx[warranty_delivery.HTTP_KEY] = httpx.AsyncClient()

    redis = ArqRedis.from_url(delivery_redis_url())
    redis.default_queue_name = QUEUE_NAME
    return Worker(
        functions=warranty_delivery.FUNCTIONS,
        cron_jobs=[warranty_delivery.sweep_cron()] if sweep else None,
        redis_pool=redis,
        queue_name=QUEUE_NAME,
        burst=burst,
        poll_delay=0.01,
        max_jobs=max_jobs,
        on_startup=startup,
        on_shutdown=warranty_delivery.shutdown,
        handle_signals=False,
    )


async def run_worker(*, policy: RetryPolicy = FAST, sweep: bool = False) -> Worker:
    """Run a burst worker until the queue (deferred retries included) is empty; with
    ``sweep``, the worker's sweep runs as it starts, as in production."""
    worker = make_worker(policy=policy, sweep=sweep)
    try:
        await asyncio.wait_for(worker.main(), timeout=30)
    finally:
        await stop_worker(worker)
    return worker


async def run_worker_until(
    done: Callable[[], Awaitable[bool]], *, sweep: bool = True, within: float = 20
) -> Worker:
    """Run a standing worker (not burst: a job orphaned by a killed worker stays in
    the queue until arq's own expiry) until ``done()`` holds."""
    worker = make_worker(burst=False, sweep=sweep)
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
        await stop_worker(worker)
    return worker


async def stop_worker(worker: Worker) -> None:
    """What ``Worker.close`` does, without its deprecated Redis call."""
    await asyncio.gather(*worker.tasks.values(), return_exceptions=True)
    await warranty_delivery.shutdown(worker.ctx)
    await worker.pool.aclose()


async def outbox_row(db: asyncpg.Connection, message_id: int) -> asyncpg.Record:
    row = await db.fetchrow("select * from warranty_outbox where id = $1", message_id)
    assert row is not None
    return row


async def make_http(db: asyncpg.Connection, desk: WarrantyDesk, url: str, secret: str) -> None:
    """Point the desk's manufacturer at an HTTP endpoint (its own warranty system)."""
    await db.execute(
        "update warranty_policy set connector = 'http', endpoint_url = $2, signing_secret = $3"
        " where manufacturer_id = $1",
        desk.manufacturer_id,
        url,
        secret,
    )

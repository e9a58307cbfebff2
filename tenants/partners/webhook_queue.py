"""Wakes the webhook worker through arq: right after the emitting transaction commits,
and at each retry's time.

Redis only makes delivery prompt; PostgreSQL is the record. A job names the delivery
and the attempt it is for (``webhook-delivery:<id>:<attempts>``), so the fast path, the
deferred retry and the sweep can all ask for the same attempt and arq keeps one job;
jobs keep no result, so the same ID can be asked for again once its job has run. A
Redis outage at commit time delays a delivery; the worker's sweep
(``webhook_delivery.due_deliveries``) still finds it.

A worker killed after arq handed it a job leaves that job ID locked for the longest job
timeout plus ten seconds (about half an hour), and asking under the same ID again does
nothing meanwhile. So a delivery still due ``RetryPolicy.reissue_after`` seconds after
its time is asked for under a new ID (``…:again<n>``); the database still decides who
actually tries, so an extra job at most finds nothing to do.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from arq.connections import ArqRedis

from tenants.database import ActiveTransaction
from tenants.warranty.delivery_queue import _client
from workers.redis import QUEUE_NAME

JOB_NAME = "deliver_partner_webhook"
_NOTE = "partners.webhook_queue"
"""Key under which a transaction collects the deliveries to wake after it commits."""

log = logging.getLogger("dealernet.partners.webhooks")


@dataclass(frozen=True)
class Wake:
    """One attempt of one delivery to ask the worker for."""

    dealer_id: int
    delivery_id: int
    attempts: int
    """Attempts already made: the job is for attempt ``attempts + 1``."""
    reissue: int = 0
    """How often the sweep asked again for an attempt nobody took (0: the first ask). A
    worker killed after taking a job but before leasing its delivery leaves arq's lock
    on that job ID for the longest job timeout (half an hour); a new ID is not held."""


def job_id(wake: Wake) -> str:
    base = f"webhook-delivery:{wake.delivery_id}:{wake.attempts}"
    return f"{base}:again{wake.reissue}" if wake.reissue else base


async def wake(
    wakes: Sequence[Wake], *, defer_until: datetime | None = None, redis: ArqRedis | None = None
) -> int:
    """Enqueue one job per attempt; returns how many were new. Raises when Redis
    cannot be reached: callers decide whether that matters."""
    if not wakes:
        return 0
    redis = redis or await _client.get()
    enqueued = 0
    for item in wakes:
        job = await redis.enqueue_job(
            JOB_NAME,
            item.dealer_id,
            item.delivery_id,
            _job_id=job_id(item),
            _queue_name=QUEUE_NAME,
            _defer_until=defer_until,
        )
        enqueued += job is not None
    return enqueued


async def wake_quietly(
    wakes: Sequence[Wake], *, defer_until: datetime | None = None, redis: ArqRedis | None = None
) -> int:
    """``wake`` for paths that must not fail on Redis: the sweep catches up."""
    try:
        return await wake(wakes, defer_until=defer_until, redis=redis)
    except Exception as exc:
        log.warning("could not wake the webhook worker (the sweep will): %r", exc)
        return 0


def wake_after_commit(tx: ActiveTransaction, dealer_id: int, delivery_ids: Sequence[int]) -> None:
    """Wake the worker for these new deliveries once ``tx`` commits (never before: the
    worker must find them). One hook per transaction, however many events."""
    if not delivery_ids:
        return
    if _NOTE not in tx.notes:
        pending: list[Wake] = []
        tx.notes[_NOTE] = pending

        async def flush() -> None:
            await wake_quietly(pending)

        tx.on_commit(flush)
    tx.notes[_NOTE].extend(Wake(dealer_id, d, 0) for d in delivery_ids)

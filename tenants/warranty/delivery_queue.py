"""Wakes the delivery worker through arq: the fast path from a committed submission to
its delivery, and the deferred retry.

Redis only makes delivery prompt; PostgreSQL is the record. A job names the message
and the attempt it is for (``warranty-outbox:<id>:<attempts>``), so the fast path, the
deferred retry and the sweep can all ask for the same attempt and arq keeps one job.
The job keeps no result (``keep_result=0``), so the same ID can be asked for again
once that job has run. Whatever happens here, a message that is due is found by the
worker's sweep (``tenants.warranty.delivery.due_messages``): a Redis outage at commit
time delays a delivery, it never loses one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from arq.connections import ArqRedis

from tenants.database import ActiveTransaction
from workers.redis import QUEUE_NAME

JOB_NAME = "deliver_warranty_message"
_NOTE = "warranty.delivery_queue"
"""Key under which a transaction collects the messages to wake after it commits."""

log = logging.getLogger("dealernet.warranty.delivery")


@dataclass(frozen=True)
class Wake:
    """One attempt of one message to ask the worker for."""

    dealer_id: int
    message_id: int
    attempts: int
    """Attempts already made: the job is for attempt ``attempts + 1``."""
    reissue: int = 0
    """How often the sweep asked again for an attempt nobody took (0: the first ask). A
    worker killed after taking a job but before leasing its message leaves arq's lock
    on that job ID for the longest job timeout (half an hour); a new ID is not held."""


def job_id(wake: Wake) -> str:
    base = f"warranty-outbox:{wake.message_id}:{wake.attempts}"
    return f"{base}:again{wake.reissue}" if wake.reissue else base


class _Client:
    """The arq client of the running event loop and Redis URL (a connection cannot
    cross event loops); short timeouts, so that a Redis outage costs a submission a
    second, not the answer."""

    def __init__(self) -> None:
        self.key: tuple[asyncio.AbstractEventLoop, str] | None = None
        self.redis: ArqRedis | None = None

    async def get(self) -> ArqRedis:
        key = (asyncio.get_running_loop(), os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
        if self.redis is None or self.key != key:
            await self.close()
            self.key = key
            self.redis = ArqRedis.from_url(key[1], socket_timeout=2, socket_connect_timeout=1)
            self.redis.default_queue_name = QUEUE_NAME
        return self.redis

    async def close(self) -> None:
        redis, self.redis, self.key = self.redis, None, None
        if redis is not None:
            with contextlib.suppress(RuntimeError):  # its loop is gone: nothing to close
                await redis.aclose()


_client = _Client()


async def close_client() -> None:
    """Close this process's arq client (the app's lifespan ends with it)."""
    await _client.close()


async def wake(
    wakes: Sequence[Wake], *, defer_until: datetime | None = None, redis: ArqRedis | None = None
) -> int:
    """Enqueue one job per attempt; returns how many were new (others already waited).
    Raises when Redis cannot be reached: callers decide whether that matters."""
    if not wakes:
        return 0
    redis = redis or await _client.get()
    enqueued = 0
    for item in wakes:
        job = await redis.enqueue_job(
            JOB_NAME,
            item.dealer_id,
            item.message_id,
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
        log.warning("could not wake the delivery worker (the sweep will): %r", exc)
        return 0


def wake_after_commit(tx: ActiveTransaction, dealer_id: int, message_id: int) -> None:
    """Wake the worker for this new message once ``tx`` commits (never before: the
    worker must find the message). One hook per transaction, however many messages."""
    if _NOTE not in tx.notes:
        pending: list[Wake] = []
        tx.notes[_NOTE] = pending

        async def flush() -> None:
            await wake_quietly(pending)

        tx.on_commit(flush)
    tx.notes[_NOTE].append(Wake(dealer_id, message_id, 0))

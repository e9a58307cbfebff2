"""The fast path from a committed submission to the worker, and what happens when Redis
is down at that moment: the submission still commits at once, nothing is queued, and
the worker's sweep delivers the claims once Redis is back."""

from __future__ import annotations

import socket
import time

import asyncpg
import pytest
from arq.connections import ArqRedis

from tests.warranty.delivery_steps import (
    delivery_redis,
    delivery_redis_url,
    outbox_row,
    queued_jobs,
    run_worker,
    submitted_claim,
)
from tests.warranty.factories_warranty import WarrantyDesk

__all__ = ["delivery_redis"]
pytestmark = pytest.mark.usefixtures("delivery_redis")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_one_job_per_committed_message(
    db: asyncpg.Connection, desk: WarrantyDesk, delivery_redis: ArqRedis
) -> None:
    first = await submitted_claim(db, desk)
    second = await submitted_claim(db, desk)
    assert await queued_jobs(delivery_redis) == sorted(
        f"warranty-outbox:{s.message_id}:0" for s in (first, second)
    )


async def test_redis_down_at_commit_delays_delivery_and_loses_nothing(
    db: asyncpg.Connection,
    desk: WarrantyDesk,
    delivery_redis: ArqRedis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/13")
    started = time.monotonic()
    sent = [await submitted_claim(db, desk) for _ in range(3)]
    assert time.monotonic() - started < 5  # a failed wake costs little, and fails quietly
    for claim in sent:
        message = await outbox_row(db, claim.message_id)
        assert (message["status"], message["attempts"]) == ("pending", 0)
    assert await db.fetchval("select count(*) from warranty_claim where status = 'submitted'") == 3

    monkeypatch.setenv("REDIS_URL", delivery_redis_url())  # Redis is back
    assert await queued_jobs(delivery_redis) == []
    await run_worker(sweep=True)

    for claim in sent:
        assert (await outbox_row(db, claim.message_id))["status"] == "delivered"
    assert await db.fetchval("select count(*) from warranty_submission") == 3

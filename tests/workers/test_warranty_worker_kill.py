"""Exactly once in effect when a worker dies mid-submission: the worker process is
killed after the manufacturer's endpoint took the claim and before the outcome was
recorded. The message stays pending under its lease; when the lease runs out the
sweep finds it, a new worker sends it again with the same key, the manufacturer
answers "already received", and the claim is delivered, once, and not lost."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

import asyncpg
import pytest

from tests.conftest import ROOT
from tests.warranty.delivery_steps import (
    FAST,
    delivery_redis,
    make_http,
    outbox_row,
    run_worker_until,
    submitted_claim,
)
from tests.warranty.factories_warranty import make_warranty_desk
from tests.warranty.manufacturer_endpoint import ManufacturerEndpoint, serving

__all__ = ["delivery_redis"]
pytestmark = pytest.mark.usefixtures("delivery_redis")

SECRET = "kill-test-secret"


async def test_worker_killed_after_the_manufacturer_took_the_claim(
    db: asyncpg.Connection,
) -> None:
    desk = await make_warranty_desk(db)
    async with serving(ManufacturerEndpoint(SECRET)) as endpoint:
        await make_http(db, desk, endpoint.url, SECRET)
        endpoint.script[:] = ["hold"]
        sent = await submitted_claim(db, desk)

        process = subprocess.Popen(  # noqa: ASYNC220 - started here, killed below
            [sys.executable, "-m", "tests.workers.warranty_worker_process"],
            cwd=ROOT,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            await asyncio.wait_for(endpoint.held.wait(), timeout=20)
            process.send_signal(signal.SIGKILL)
            await asyncio.to_thread(process.wait, 10)
        finally:
            if process.poll() is None:
                process.kill()
        endpoint.release.set()

        assert list(endpoint.effects) == [sent.key]
        message = await outbox_row(db, sent.message_id)
        assert (message["status"], message["attempts"]) == ("pending", 1)
        assert message["locked_until"] is not None  # the dead worker's lease

        async def delivered() -> bool:
            return (await outbox_row(db, sent.message_id))["status"] == "delivered"

        await asyncio.sleep(FAST.lease)  # the dead worker's lease runs out
        # A new worker: its sweep as it starts finds the message due again.
        await run_worker_until(delivered, within=15)

        message = await outbox_row(db, sent.message_id)
        assert (message["status"], message["attempts"]) == ("delivered", 2)
        assert [r.answered for r in endpoint.requests] == [201, 409]
        assert len(endpoint.effects) == 1
        accepted = await db.fetchval(
            "select count(*) from warranty_claim_event where claim_id = $1"
            " and to_status = 'accepted'",
            sent.claim_id,
        )
        assert accepted == 1

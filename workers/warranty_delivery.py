"""Jobs delivering warranty claims to manufacturers (``tenants.warranty.delivery``).

- ``deliver_warranty_message``: one attempt at one message. Woken after the submitting
  transaction commits (fast path), by a deferred job at the retry time, or by the sweep.
  A failed attempt asks for the next one at its ``next_attempt_at``.
- ``sweep_warranty_outbox``: every ten seconds and when the worker starts, finds due
  pending messages in PostgreSQL and asks for their attempts; this is what makes
  delivery survive a Redis outage at commit time, a lost job, or a killed worker
  (its lease runs out and the message is due again).

Job IDs name message and attempt, so the three paths never queue the same attempt
twice; the database decides who actually tries (``for update skip locked``).
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from arq import cron
from arq.cron import CronJob
from arq.worker import func

from tenants.warranty import delivery
from tenants.warranty.delivery_queue import JOB_NAME, wake, wake_quietly

log = logging.getLogger("dealernet.worker")

POLICY_KEY = "warranty_retry_policy"
"""ctx key of a ``RetryPolicy`` (tests set a fast one); the default otherwise."""
HTTP_KEY = "warranty_http"
SWEEP_LIMIT = 1000


async def deliver_warranty_message(ctx: dict[str, Any], dealer_id: int, message_id: int) -> str:
    policy: delivery.RetryPolicy = ctx.get(POLICY_KEY) or delivery.DEFAULT_POLICY
    result = await delivery.attempt(dealer_id, message_id, policy=policy, http=ctx.get(HTTP_KEY))
    if result is None:
        return "skipped"
    if result.status == "pending":
        await wake_quietly([result.wake], defer_until=result.next_attempt_at, redis=ctx["redis"])
    elif result.status == "dead":
        log.warning("warranty message %s is dead: %s", message_id, result.error)
    return result.status


async def sweep_warranty_outbox(ctx: dict[str, Any]) -> int:
    """Ask for every due attempt; returns how many jobs were new."""
    policy: delivery.RetryPolicy = ctx.get(POLICY_KEY) or delivery.DEFAULT_POLICY
    due = await delivery.due_messages(SWEEP_LIMIT, policy.reissue_after)
    woken = await wake(due, redis=ctx["redis"])
    if woken:
        log.info("warranty sweep woke %d of %d due messages", woken, len(due))
    return woken


async def startup(ctx: dict[str, Any]) -> None:
    """One HTTP client per worker: connections to a manufacturer are reused."""
    ctx[HTTP_KEY] = httpx.AsyncClient()


async def shutdown(ctx: dict[str, Any]) -> None:
    client = ctx.pop(HTTP_KEY, None)
    if client is not None:
        await client.aclose()


FUNCTIONS = [
    func(deliver_warranty_message, name=JOB_NAME, keep_result=0),
    func(sweep_warranty_outbox, keep_result=0),
]


def sweep_cron() -> CronJob:
    """A fresh schedule of the sweep (arq keeps each cron job's next run on the object)."""
    return cron(sweep_warranty_outbox, second=set(range(0, 60, 10)), run_at_startup=True)


CRON_JOBS = [sweep_cron()]

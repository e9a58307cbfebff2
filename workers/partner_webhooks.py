"""Jobs delivering partner webhooks (``tenants.partners.webhook_delivery``).

- ``deliver_partner_webhook``: one attempt at one delivery. Woken after the emitting
  transaction commits, by a deferred job at the retry time, or by the sweep. A failed
  attempt asks for the next one at its ``next_attempt_at``.
- ``sweep_partner_webhooks``: every ten seconds and when the worker starts, finds due
  pending deliveries in PostgreSQL and asks for their attempts: delivery survives a
  Redis outage at commit time, a lost job or a killed worker (its lease runs out).

Job IDs name delivery and attempt, so the three paths never queue one attempt twice;
the database decides who actually tries (``for update skip locked``). A delivery left
due and untaken past ``RetryPolicy.reissue_after`` (its job may be locked by a worker
that died holding it) is asked for under a new job ID (``webhook_queue``).
"""

from __future__ import annotations

import logging
from typing import Any

from arq import cron
from arq.cron import CronJob
from arq.worker import func

from tenants.partners import webhook_delivery
from tenants.partners.webhook_queue import JOB_NAME, wake, wake_quietly

log = logging.getLogger("dealernet.worker")

POLICY_KEY = "webhook_retry_policy"
"""ctx key of a ``RetryPolicy`` (tests set a fast one); the default otherwise."""
HTTP_KEY = "webhook_http"
SWEEP_LIMIT = 1000


async def deliver_partner_webhook(ctx: dict[str, Any], dealer_id: int, delivery_id: int) -> str:
    policy: webhook_delivery.RetryPolicy = ctx.get(POLICY_KEY) or webhook_delivery.DEFAULT_POLICY
    result = await webhook_delivery.attempt(
        dealer_id, delivery_id, policy=policy, http=ctx.get(HTTP_KEY)
    )
    if result is None:
        return "skipped"
    if result.status == "pending":
        await wake_quietly([result.wake], defer_until=result.next_attempt_at, redis=ctx["redis"])
    elif result.status == "dead":
        log.warning("webhook delivery %s is dead: %s", delivery_id, result.error)
    return result.status


async def sweep_partner_webhooks(ctx: dict[str, Any]) -> int:
    """Ask for every due attempt; returns how many jobs were new."""
    policy: webhook_delivery.RetryPolicy = ctx.get(POLICY_KEY) or webhook_delivery.DEFAULT_POLICY
    due = await webhook_delivery.due_deliveries(SWEEP_LIMIT, policy.reissue_after)
    woken = await wake(due, redis=ctx["redis"])
    if woken:
        log.info("webhook sweep woke %d of %d due deliveries", woken, len(due))
    return woken


async def startup(ctx: dict[str, Any]) -> None:
    """One HTTP client per worker: connections to a partner are reused."""
    ctx[HTTP_KEY] = webhook_delivery.direct_client()


async def shutdown(ctx: dict[str, Any]) -> None:
    client = ctx.pop(HTTP_KEY, None)
    if client is not None:
        await client.aclose()


FUNCTIONS = [
    func(deliver_partner_webhook, name=JOB_NAME, keep_result=0),
    func(sweep_partner_webhooks, keep_result=0),
]


def sweep_cron() -> CronJob:
    """A fresh schedule of the sweep (arq keeps each cron job's next run on the object)."""
    return cron(sweep_partner_webhooks, second=set(range(5, 60, 10)), run_at_startup=True)


CRON_JOBS = [sweep_cron()]

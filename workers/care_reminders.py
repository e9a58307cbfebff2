"""Reminder jobs of the arq worker: the nightly generation of every dealer's effective
targets at 03:00 in the dealer's own time zone, and a dealer's generation on demand.

The cron ticks every quarter hour; a dealer whose local time is past 03:00 and whose
nightly run of its local today is missing gets one. A worker that was down at 03:00
catches up on its next tick, and the unique nightly run per dealer and day makes a
second worker, or a tick after a restart, do nothing. ``ctx["clock"]`` sets the time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any

from arq import cron

from tenants.care.reminder_targets import generate_targets
from tenants.database import TenantScope, network_transaction, tenant_transaction

log = logging.getLogger("dealernet.worker")

NIGHTLY_AT = time(3, 0)


def _now(ctx: dict[str, Any]) -> datetime:
    clock: Callable[[], datetime] | None = ctx.get("clock")
    return clock() if clock is not None else datetime.now(UTC)


async def dealers_due(now: datetime) -> list[int]:
    """Dealers past 03:00 local time without tonight's run (one short transaction)."""
    async with network_transaction(fresh=True) as tx:
        past = [
            r["id"]
            for r in await tx.connection.fetch(
                "select id from dealer where ($1::timestamptz at time zone time_zone)::time >= $2"
                " order by id",
                now,
                NIGHTLY_AT,
            )
        ]
    if not past:
        return []
    async with tenant_transaction(TenantScope.of(past), fresh=True) as tx:
        rows = await tx.connection.fetch(
            "select d.id from dealer d where d.id = any($1::bigint[])"
            " and not exists (select 1 from care_reminder_run r where r.dealer_id = d.id"
            "   and r.trigger = 'nightly'"
            "   and r.as_of = ($2::timestamptz at time zone d.time_zone)::date)"
            " order by d.id",
            past,
            now,
        )
    return [r["id"] for r in rows]


async def care_reminders_nightly(ctx: dict[str, Any]) -> dict[str, int]:
    """Each due dealer in its own transaction, so one dealer's failure holds up no other."""
    now = _now(ctx)
    done = 0
    failed = 0
    for dealer_id in await dealers_due(now):
        try:
            async with tenant_transaction(TenantScope.of((dealer_id,)), fresh=True) as tx:
                generation = await generate_targets(tx, dealer_id, now, trigger="nightly")
        except Exception:
            failed += 1
            log.exception("reminder generation of dealer %s failed", dealer_id)
            continue
        if generation is not None:
            done += 1
            log.info("reminders of dealer %s: %s", dealer_id, generation)
    return {"generated": done, "failed": failed}


async def care_reminders_generate(ctx: dict[str, Any], dealer_id: int) -> dict[str, int]:
    """One dealer's targets now (on demand), outside the nightly schedule."""
    async with tenant_transaction(TenantScope.of((dealer_id,)), fresh=True) as tx:
        generation = await generate_targets(tx, dealer_id, _now(ctx), trigger="on_demand")
    assert generation is not None
    return {
        "run": generation.run_id,
        "inserted": generation.inserted,
        "refreshed": generation.refreshed,
        "expired": generation.expired,
    }


FUNCTIONS: list[Any] = [care_reminders_nightly, care_reminders_generate]
CRON_JOBS: list[Any] = [
    cron(care_reminders_nightly, minute={4, 19, 34, 49}, run_at_startup=True),
]

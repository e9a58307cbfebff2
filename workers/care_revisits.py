"""Customer-care worker jobs: the revisit generator (回访名单), every ten minutes and at
start-up, so a car that left is on the call list long before its first due day in any
time zone. ``ctx["clock"]`` lets tests set the time; the run loads the policies afresh,
so duties changed since the last run decide the assignees."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from arq import cron

from tenants.care.revisit_generation import generate_revisits

log = logging.getLogger("dealernet.worker")


def _now(ctx: dict[str, Any]) -> datetime:
    clock: Callable[[], datetime] | None = ctx.get("clock")
    return clock() if clock is not None else datetime.now(UTC)


async def generate_revisits_job(ctx: dict[str, Any]) -> int:
    created = await generate_revisits(_now(ctx))
    if created:
        log.info("generated %d revisits", created)
    return created


FUNCTIONS: list[Any] = [generate_revisits_job]
CRON_JOBS: list[Any] = [
    cron(generate_revisits_job, minute=set(range(4, 60, 10)), run_at_startup=True),
]

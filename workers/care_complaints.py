"""Customer-care worker jobs: complaint escalation every five minutes, so an overdue
ticket reaches the front-desk supervisor, the service manager and the general manager
within minutes of its deadline. ``ctx["clock"]`` lets tests set the time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from arq import cron

from tenants.care.complaint_escalation import escalate_overdue

log = logging.getLogger("dealernet.worker")


def _now(ctx: dict[str, Any]) -> datetime:
    clock: Callable[[], datetime] | None = ctx.get("clock")
    return clock() if clock is not None else datetime.now(UTC)


async def escalate_overdue_complaints(ctx: dict[str, Any]) -> int:
    raised = await escalate_overdue(_now(ctx))
    if raised:
        log.info("escalated %d overdue complaints", raised)
    return raised


FUNCTIONS: list[Any] = [escalate_overdue_complaints]
CRON_JOBS: list[Any] = [
    cron(escalate_overdue_complaints, minute=set(range(1, 60, 5)), run_at_startup=True),
]

"""Housekeeping jobs: ended sessions are deleted a week after they end, partner calls
after 90 days."""

from __future__ import annotations

import logging
from typing import Any

from tenants.access import sessions
from tenants.partners import call_log

log = logging.getLogger("dealernet.worker")


async def purge_sessions(ctx: dict[str, Any]) -> int:
    removed = await sessions.purge_expired()
    if removed:
        log.info("purged %d ended sessions", removed)
    return removed


async def purge_partner_calls(ctx: dict[str, Any]) -> int:
    """Partner calls are kept 90 days (recent calls and their summary need a day)."""
    removed = await call_log.purge_older_than()
    if removed:
        log.info("purged %d partner calls older than 90 days", removed)
    return removed

"""Housekeeping jobs: ended sessions are deleted a week after they end, partner calls
and finished webhook deliveries (with their attempts and events) after 90 days."""

from __future__ import annotations

import logging
from typing import Any

from tenants.access import sessions
from tenants.partners import call_log, webhook_retention

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


async def purge_partner_webhooks(ctx: dict[str, Any]) -> int:
    """Delivered and dead webhook deliveries are kept 90 days, as the call log; pending
    ones are never purged. Returns how many rows went."""
    purged = await webhook_retention.purge_older_than()
    if purged.total:
        log.info(
            "purged webhook rows older than 90 days: %d deliveries, %d attempts, %d events",
            purged.deliveries,
            purged.attempts,
            purged.events,
        )
    return purged.total

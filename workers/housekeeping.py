"""Housekeeping jobs: ended sessions are deleted a week after they end."""

from __future__ import annotations

import logging
from typing import Any

from tenants.access import sessions

log = logging.getLogger("dealernet.worker")


async def purge_sessions(ctx: dict[str, Any]) -> int:
    removed = await sessions.purge_expired()
    if removed:
        log.info("purged %d ended sessions", removed)
    return removed

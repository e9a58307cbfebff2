"""The hourly job that scraps old parts after their retention period. Hourly, because
each dealer's local day turns at its own hour; the query is cheap (a partial index
on the parts still waiting). ``ctx["clock"]`` lets tests set the time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tenants.warranty.old_part_retention import scrap_after_retention

log = logging.getLogger("dealernet.worker")


def _now(ctx: dict[str, Any]) -> datetime:
    clock: Callable[[], datetime] | None = ctx.get("clock")
    return clock() if clock is not None else datetime.now(UTC)


async def scrap_old_parts_after_retention(ctx: dict[str, Any]) -> int:
    scrapped = await scrap_after_retention(_now(ctx))
    if scrapped:
        log.info("scrapped %d old parts after their retention period", scrapped)
    return scrapped

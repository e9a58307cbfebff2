"""arq worker settings: `arq workers.settings.WorkerSettings` (or `dealernet worker`)."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron

from tenants.database import close_pool, start_pool
from workers.housekeeping import purge_sessions
from workers.redis import redis_settings


async def startup(ctx: dict[str, Any]) -> None:
    await start_pool(min_size=1, max_size=5)


async def shutdown(ctx: dict[str, Any]) -> None:
    await close_pool()


class WorkerSettings:
    functions: ClassVar[list[Any]] = [purge_sessions]
    cron_jobs: ClassVar[list[Any]] = [cron(purge_sessions, minute={17}, run_at_startup=False)]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = redis_settings()
    queue_name = "dealernet:queue"
    health_check_key = "dealernet:worker:health"

"""arq worker settings: `arq workers.settings.WorkerSettings` (or `dealernet worker`)."""

from __future__ import annotations

from typing import Any, ClassVar

from arq import cron, func

from tenants.database import close_pool, start_pool
from workers import (
    care_complaints,
    care_reminders,
    care_reports,
    care_revisits,
    oversight_kpis,
    oversight_reports,
    partner_webhooks,
    warranty_delivery,
)
from workers.housekeeping import purge_partner_calls, purge_partner_webhooks, purge_sessions
from workers.parts_reorder import RUN_TIMEOUT_SECONDS, reorder_run, reorder_schedule
from workers.redis import QUEUE_NAME, redis_settings
from workers.warranty_old_parts import scrap_old_parts_after_retention


async def startup(ctx: dict[str, Any]) -> None:
    await start_pool(min_size=1, max_size=5)
    await warranty_delivery.startup(ctx)
    await partner_webhooks.startup(ctx)


async def shutdown(ctx: dict[str, Any]) -> None:
    await partner_webhooks.shutdown(ctx)
    await warranty_delivery.shutdown(ctx)
    await close_pool()


class WorkerSettings:
    functions: ClassVar[list[Any]] = [
        purge_sessions,
        purge_partner_calls,
        purge_partner_webhooks,
        scrap_old_parts_after_retention,
        *warranty_delivery.FUNCTIONS,
        func(reorder_run, timeout=RUN_TIMEOUT_SECONDS),
        reorder_schedule,
        *care_revisits.FUNCTIONS,
        *care_complaints.FUNCTIONS,
        *care_reminders.FUNCTIONS,
        *care_reports.FUNCTIONS,
        *oversight_kpis.FUNCTIONS,
        *oversight_reports.FUNCTIONS,
        *partner_webhooks.FUNCTIONS,
    ]
    cron_jobs: ClassVar[list[Any]] = [
        cron(purge_sessions, minute={17}, run_at_startup=False),
        cron(purge_partner_calls, hour={3}, minute={29}, run_at_startup=False),
        cron(purge_partner_webhooks, hour={3}, minute={37}, run_at_startup=False),
        cron(scrap_old_parts_after_retention, minute={43}, run_at_startup=False),
        *warranty_delivery.CRON_JOBS,
        cron(reorder_schedule, minute=set(range(2, 60, 5)), run_at_startup=True),
        *care_revisits.CRON_JOBS,
        *care_complaints.CRON_JOBS,
        *care_reminders.CRON_JOBS,
        *care_reports.CRON_JOBS,
        *oversight_kpis.CRON_JOBS,
        *oversight_reports.CRON_JOBS,
        *partner_webhooks.CRON_JOBS,
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = redis_settings()
    queue_name = QUEUE_NAME
    health_check_key = "dealernet:worker:health"

"""The production worker carries the delivery: the job (keeping no result, so the sweep
can ask for an attempt again once its job has run), the sweep every ten seconds and as
the worker starts, and one HTTP client per worker, closed at shutdown."""

from __future__ import annotations

from typing import Any

from arq.worker import Function

from tenants.warranty.delivery_queue import JOB_NAME
from workers import warranty_delivery
from workers.settings import WorkerSettings


def test_the_worker_registers_the_delivery_job_and_the_sweep() -> None:
    jobs = {f.name: f for f in WorkerSettings.functions if isinstance(f, Function)}
    assert jobs[JOB_NAME].keep_result_s == 0
    assert jobs["sweep_warranty_outbox"].keep_result_s == 0
    [sweep] = [c for c in WorkerSettings.cron_jobs if c.name == "cron:sweep_warranty_outbox"]
    assert sweep.run_at_startup
    assert sweep.second == set(range(0, 60, 10))


async def test_one_http_client_per_worker_closed_at_shutdown() -> None:
    ctx: dict[str, Any] = {}
    await warranty_delivery.startup(ctx)
    client = ctx[warranty_delivery.HTTP_KEY]
    assert not client.is_closed
    await warranty_delivery.shutdown(ctx)
    assert client.is_closed and warranty_delivery.HTTP_KEY not in ctx

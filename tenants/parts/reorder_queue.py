"""Hands reorder runs to the arq worker.

A job id names the run (with the moment it was requested, so that ids stay unique even
where run ids start again, as after restoring a database) and its attempt: a run is
queued at most once per attempt (arq refuses a job id it still holds), and a retry
after a dead worker gets a new id. Enqueuing happens after the run's row committed; if
Redis is unreachable then, the run stays queued and the worker's recovery cron queues
it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from arq import ArqRedis, create_pool

from workers.redis import QUEUE_NAME, redis_settings

JOB_NAME = "reorder_run"


@dataclass(frozen=True)
class QueuedRun:
    run_id: int
    dealer_id: int
    requested_at: datetime
    attempt: int = 0
    """Workers that took the run up before (0: its first job)."""
    reissue: int = 0
    """How often recovery asked again for this attempt (0: the first ask). A worker
    killed after taking the job but before claiming the run leaves arq's lock on that
    job ID for the longest job timeout (half an hour); a new ID is not held."""

    @property
    def job_id(self) -> str:
        stamp = int(self.requested_at.timestamp() * 1_000_000)
        base = f"reorder:{self.run_id}:{stamp}:{self.attempt}"
        return f"{base}:again{self.reissue}" if self.reissue else base


async def enqueue_runs(runs: list[QueuedRun], redis: ArqRedis | None = None) -> int:
    """Queue the runs; returns how many jobs were new. The worker passes its own
    connection; the app opens one for the moment."""
    if not runs:
        return 0
    if redis is not None:
        return await _enqueue(redis, runs)
    own = await create_pool(redis_settings())
    try:
        return await _enqueue(own, runs)
    finally:
        await own.aclose()


async def _enqueue(redis: ArqRedis, runs: list[QueuedRun]) -> int:
    queued = 0
    for run in runs:
        job = await redis.enqueue_job(
            JOB_NAME,
            run.dealer_id,
            run.run_id,
            run.attempt,
            _job_id=run.job_id,
            _queue_name=QUEUE_NAME,
        )
        queued += job is not None
    return queued

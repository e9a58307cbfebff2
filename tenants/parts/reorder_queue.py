"""Hands reorder runs to the arq worker.

A job id names the run and its attempt, so a run is queued at most once per attempt
(arq refuses a job id it still holds) and a retry after a dead worker gets a new id.
Enqueuing happens after the run's row committed; if Redis is unreachable then, the
run stays queued and the worker's recovery cron queues it again.
"""

from __future__ import annotations

from arq import ArqRedis, create_pool

from workers.redis import QUEUE_NAME, redis_settings

JOB_NAME = "reorder_run"


def job_id(run_id: int, attempt: int) -> str:
    return f"reorder:{run_id}:{attempt}"


async def enqueue_runs(runs: list[tuple[int, int, int]], redis: ArqRedis | None = None) -> int:
    """Queue (run id, dealer id, attempts so far) triples; returns how many were new.
    The worker passes its own connection; the app opens one for the moment."""
    if not runs:
        return 0
    if redis is not None:
        return await _enqueue(redis, runs)
    own = await create_pool(redis_settings())
    try:
        return await _enqueue(own, runs)
    finally:
        await own.aclose()


async def _enqueue(redis: ArqRedis, runs: list[tuple[int, int, int]]) -> int:
    queued = 0
    for run_id, dealer_id, attempt in runs:
        job = await redis.enqueue_job(
            JOB_NAME,
            dealer_id,
            run_id,
            _job_id=job_id(run_id, attempt),
            _queue_name=QUEUE_NAME,
        )
        queued += job is not None
    return queued

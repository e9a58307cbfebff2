"""The worker of the claims benchmark: ``python -m bench.claims_worker``, on the bench's
DATABASE_URL and REDIS_URL. It is the production worker (``workers.settings``: its
startup, pool size, concurrency, the delivery jobs and the sweep) plus one job that does
nothing but count itself, the yardstick; it polls Redis every 10 ms instead of arq's
0.5 s, which would otherwise cap both paths alike at about a batch per half second and
measure the wait, not the work."""

from __future__ import annotations

from typing import Any

from arq.worker import func, run_worker

from workers.settings import WorkerSettings

NOOP = "bench_noop"
DONE_KEY = "bench:noop:done"
POLL_SECONDS = 0.01


async def bench_noop(ctx: dict[str, Any]) -> None:
    """A raw arq job: nothing but a counter, so the driver knows when all have run."""
    await ctx["redis"].incr(DONE_KEY)


if __name__ == "__main__":
    run_worker(
        WorkerSettings,  # type: ignore[arg-type]
        functions=[*WorkerSettings.functions, func(bench_noop, name=NOOP, keep_result=0)],
        poll_delay=POLL_SECONDS,
    )

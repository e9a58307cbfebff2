"""Claims delivered per second end to end, as a ratio to raw arq jobs doing nothing.

``<db>_bench_claims`` is recreated, migrated and arranged (``bench.claims_data``); Redis
database 12 of ``REDIS_URL`` is emptied. One production worker runs in its own process
(``bench.claims_worker``), and the driver, in another (``bench.claims_driver``), times on
that same worker and Redis, one after the other: raw no-op jobs, then N claims from
submission (status change, payload, outbox message, audit; the after-commit hook wakes
the worker) through the arq job and the inbox connector (the manufacturer's copy, the
acknowledgement ``submitted -> accepted``) to the recorded outcome, then raw jobs again.

The figure to read is raw jobs/s over claims/s: what exactly-once delivery with its
audit trail costs against arq's own floor, on the same machine in the same minute.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse, urlunparse

import asyncpg
from redis.asyncio import Redis

from bench.claims_data import arrange
from bench.database import ROOT, bench_url, migrate, recreate

BENCH_REDIS_DB = 12
DEALERS = 4


def claims_url() -> str:
    parsed = urlparse(bench_url())
    return urlunparse(parsed._replace(path=parsed.path + "_claims"))


def redis_url() -> str:
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return urlunparse(urlparse(base)._replace(path=f"/{BENCH_REDIS_DB}"))


@dataclass(frozen=True)
class ClaimsBench:
    claims: int
    concurrency: int
    raw_seconds: list[float]
    claims_seconds: float
    consistent: bool

    @property
    def raw_per_second(self) -> float:
        return sum(self.claims / s for s in self.raw_seconds) / len(self.raw_seconds)

    @property
    def claims_per_second(self) -> float:
        return self.claims / self.claims_seconds

    @property
    def ratio(self) -> float:
        return self.raw_per_second / self.claims_per_second


async def run(*, claims: int = 400, concurrency: int = 8) -> ClaimsBench:
    url = claims_url()
    await recreate(url)
    migrate(url)
    owner = await asyncpg.connect(url)
    try:
        await arrange(owner, claims=claims, dealers=DEALERS)
    finally:
        await owner.close()
    redis = Redis.from_url(redis_url())
    await redis.flushdb()
    await redis.aclose()

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url(),
        "DEALERNET_ENV": "production",
    }
    worker = subprocess.Popen(  # noqa: ASYNC220 - started here, stopped in finally
        [sys.executable, "-m", "bench.claims_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        driver = await asyncio.to_thread(
            subprocess.run,
            [
                sys.executable,
                "-m",
                "bench.claims_driver",
                "--claims",
                str(claims),
                "--concurrency",
                str(concurrency),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
    if driver.returncode != 0:
        raise RuntimeError(f"claims driver failed:\n{driver.stderr}")
    result: dict[str, Any] = json.loads(driver.stdout.strip().splitlines()[-1])
    n = int(result["claims"])
    consistent = (
        result["outbox"] == {"delivered": n}
        and result["submissions"] == n
        and result["accepted"] == n
    )
    return ClaimsBench(
        claims=n,
        concurrency=int(result["concurrency"]),
        raw_seconds=[float(s) for s in result["raw_seconds"]],
        claims_seconds=float(result["claims_seconds"]),
        consistent=consistent,
    )


def report(result: ClaimsBench) -> str:
    raw_rates = ", ".join(f"{result.claims / s:.0f}" for s in result.raw_seconds)
    return "\n".join(
        [
            f"Claims delivered end to end through the inbox connector, {result.claims} claims"
            f" over {DEALERS} dealers submitted from {result.concurrency} concurrent"
            " submitters, one production worker (arq, 10 jobs at a time)"
            f" ({datetime.now(UTC):%Y-%m-%d}, {platform.python_implementation()}"
            f" {platform.python_version()}, {platform.machine()}).",
            "",
            "| path | per second |",
            "| --- | ---: |",
            f"| raw arq jobs doing nothing (before, after) | {result.raw_per_second:.0f}"
            f" ({raw_rates}) |",
            f"| claims: submit -> outbox -> arq -> inbox -> recorded |"
            f" {result.claims_per_second:.0f} |",
            "",
            f"**Ratio: raw arq jobs run {result.ratio:.1f}x as fast as claims are delivered**"
            f" (claims/s = {1 / result.ratio:.2f} x raw jobs/s). Every claim delivered once,"
            f" one inbox copy each, all acknowledged: {'yes' if result.consistent else 'NO'}.",
        ]
    )

"""Drill: the worker is killed (SIGKILL: no shutdown, no cleanup) again and again while it
delivers warranty claims to the manufacturer, generates revisits and computes reorder
suggestions; a last worker then finishes. Nothing may be lost and nothing done twice:
the manufacturer applied each idempotency key once and has every claim, every delivered
order has one revisit, every requested reorder run is done with one suggestion set.

Before each worker starts, new work arrives; each kill comes at a random moment 0.05-0.6 s
after the worker polls (``DEALERNET_DRILL_SEED``). The figures say how many kills found
work in flight (a leased claim message, a running reorder run, an open revisit-generation
transaction); the drill fails if none did."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from arq.connections import ArqRedis

from tenants.database import TenantScope, tenant_transaction
from tenants.parts.reorder import request_run
from tenants.warranty.delivery_queue import close_client
from tests.care.factories_care import deliver_order, make_care_desk
from tests.conftest import ROOT
from tests.parts.factories_parts import book, make_parts_shop
from tests.reliability.drills.cluster import DrillCluster
from tests.reliability.figures import record
from tests.warranty.delivery_steps import Submitted, make_http, submitted_claim
from tests.warranty.factories_warranty import make_warranty_desk
from tests.warranty.manufacturer_endpoint import ManufacturerEndpoint, serving

KILLS = 6
CLAIMS_PER_ROUND = 4
ORDERS_PER_ROUND = 2
"""Per dealer (two dealers)."""
SHOPS = 3
SECRET = "crash-drill-secret"
ANSWER_DELAY = 0.15
"""The manufacturer answers this long after taking a claim: the window in which a kill
leaves a claim received there but not yet recorded here."""


class SlowManufacturer(ManufacturerEndpoint):
    """The loopback manufacturer, answering each claim a little after applying it."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def later(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(ANSWER_DELAY)
            await send(message)

        await super().__call__(scope, receive, later)


@pytest.fixture
async def drill_redis(cluster: DrillCluster, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """The drill Redis for the app's queueing in this process and the workers."""
    url = cluster.redis_url(1)
    monkeypatch.setenv("REDIS_URL", url)
    await close_client()  # the delivery queue's client follows REDIS_URL when reopened
    redis = ArqRedis.from_url(url)
    await redis.flushdb()
    yield url
    await redis.flushdb()
    await redis.aclose()
    await close_client()


async def _in_flight(db: asyncpg.Connection) -> dict[str, int]:
    return {
        "leased": await db.fetchval(
            "select count(*) from warranty_outbox where status = 'pending' and locked_until > now()"
        ),
        "running": await db.fetchval("select count(*) from reorder_run where status = 'running'"),
        "generating": await db.fetchval(
            "select count(*) from pg_stat_activity where pid <> pg_backend_pid()"
            " and query like '/* care: revisit generation */%' and state <> 'idle'"
        ),
    }


def _tail(log: Path) -> str:
    return log.read_text()[-4000:]


async def _start_worker(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.reliability.drills.crash_worker_process",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=log.open("a"),
        start_new_session=True,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    assert line.strip() == b"ready", _tail(log)
    return process


async def _kill(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    await asyncio.wait_for(process.wait(), 10)


async def test_killed_workers_lose_nothing_and_do_nothing_twice(
    db: asyncpg.Connection, drill_redis: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    rng = random.Random(os.environ.get("DEALERNET_DRILL_SEED", "6"))
    log = tmp_path / "workers.log"
    env = {**os.environ, "REDIS_URL": drill_redis}
    now = datetime.now(UTC)

    desk = await make_warranty_desk(db)
    care = await make_care_desk(db)
    shops = [await make_parts_shop(db) for _ in range(SHOPS)]
    async with serving(SlowManufacturer(SECRET)) as endpoint:
        await make_http(db, desk, endpoint.url, SECRET)
        claims: list[Submitted] = []
        orders: list[int] = []
        runs: set[int] = set()
        for shop in shops:
            await book(db, shop.dealer_id, shop.items["filter"], "issue", "-8")
        kills, mid_work = 0, 0
        for round_ in range(KILLS):
            # New work for every worker: claims submitted, orders delivered, runs asked for.
            claims += [await submitted_claim(db, desk) for _ in range(CLAIMS_PER_ROUND)]
            orders += [
                await deliver_order(
                    db, care, now - timedelta(minutes=round_ * 10 + i + 1), dealer_id=d
                )
                for d in (care.dealer_id, care.far_dealer_id)
                for i in range(ORDERS_PER_ROUND)
            ]
            for shop in shops:
                scope = TenantScope.of((shop.dealer_id,), shop.users["planner"])
                async with tenant_transaction(scope) as tx:
                    runs.add((await request_run(tx, shop.dealer_id, trigger="on_demand")).run_id)
            worker = await _start_worker(env, log)
            try:
                await asyncio.sleep(rng.uniform(0.05, 0.6))
                busy = await _in_flight(db)
            finally:
                await _kill(worker)
            kills += 1
            mid_work += any(busy.values())
        jobs = len(claims) + len(runs) + kills + 1  # + a revisit generation per worker

        async def finished() -> bool:
            pending = await db.fetchval(
                "select count(*) from warranty_outbox where status <> 'delivered'"
            )
            undone = await db.fetchval(
                "select count(*) from reorder_run where id = any($1::bigint[])"
                " and status <> 'done'",
                list(runs),
            )
            missing = await db.fetchval(
                "select count(*) from unnest($1::bigint[]) o(id)"
                " where not exists (select 1 from revisit r where r.repair_order_id = o.id)",
                orders,
            )
            return pending == 0 and undone == 0 and missing == 0

        survivor = await _start_worker(env, log)
        try:
            async with asyncio.timeout(60):
                for _ in itertools.count():  # the database has no event to wait for
                    if await finished():
                        break
                    await asyncio.sleep(0.1)
        except TimeoutError:
            state = await db.fetch(
                "select 'run' as what, id, status, attempts::text from reorder_run"
                " where status <> 'done' union all select 'claim', id, status, attempts::text"
                " from warranty_outbox where status <> 'delivered'"
            )
            pytest.fail(f"work left after the kills: {[tuple(r) for r in state]}\n{_tail(log)}")
        finally:
            await _kill(survivor)

    # Warranty: the manufacturer has every claim, each applied once.
    keys = [c.key for c in claims]
    applied = [r.key for r in endpoint.requests if r.answered == 201]
    lost = len(set(keys) - set(endpoint.effects))
    duplicated = len(applied) - len(set(applied))
    accepted = await db.fetchval(
        "select count(*) from warranty_claim_event where to_status = 'accepted'"
        " and claim_id = any($1::bigint[])",
        [c.claim_id for c in claims],
    )
    # Revisits: one per delivered order.
    revisits = await db.fetch(
        "select repair_order_id, count(*) as n from revisit"
        " where repair_order_id = any($1::bigint[]) group by 1",
        orders,
    )
    lost += len(orders) - len(revisits)
    duplicated += sum(r["n"] - 1 for r in revisits)
    # Reorder: every run done once, one suggestion per item, open only for the last run.
    doubled_suggestions = await db.fetchval(
        "select count(*) from (select run_id, stock_item_id from reorder_suggestion"
        " group by 1, 2 having count(*) > 1) d"
    )
    duplicated += doubled_suggestions
    per_run = await db.fetch(
        "select r.id, r.status, count(s.id) as suggestions from reorder_run r"
        " left join reorder_suggestion s on s.run_id = r.id"
        " where r.id = any($1::bigint[]) group by r.id",
        list(runs),
    )
    lost += sum(1 for r in per_run if r["status"] != "done" or r["suggestions"] != 1)
    reorder_attempts = await db.fetchval(
        "select sum(attempts) from reorder_run where id = any($1::bigint[])", list(runs)
    )
    record(
        "worker_crash",
        jobs=jobs,
        claims=len(claims),
        revisits=len(orders),
        reorder_runs=len(runs),
        reorder_attempts=reorder_attempts,
        kills=kills,
        kills_mid_work=mid_work,
        manufacturer_requests=len(endpoint.requests),
        lost=lost,
        duplicated=duplicated,
        seconds=round(time.monotonic() - started, 1),
    )
    assert sorted(endpoint.effects) == sorted(keys)
    assert duplicated == 0 and lost == 0
    assert accepted == len(claims)
    assert mid_work >= 1, "no kill found work in flight: the drill proved nothing"

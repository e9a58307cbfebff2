"""Drill: the app behind pgbouncer 1.18 in transaction pooling mode.

A transaction pooler gives each transaction whichever server connection is free, so
nothing of a session survives between transactions. Three checks:

1. asyncpg's statement cache (named prepared statements) breaks there, and the pooled
   settings of ``tenants.database.connection_config`` (``DEALERNET_POOLER_URL``) do
   not, also for the transaction-local tenant scope many clients set at once;
2. a pooler login that is not the app role (row-level security would not apply) is
   refused when the pool opens;
3. a slice of the real suite (sign-in, cross-tenant isolation, policy reload through
   LISTEN on the direct URL, claims, issuing, ledger concurrency, the reorder worker in
   its own process, cancelled transactions) passes with the app's pool behind
   pgbouncer, which counts the transactions it pooled.
"""

from __future__ import annotations

import asyncio
import collections
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator

import asyncpg
import pytest

from tenants.database import APP_ROLE, POOLER_URL_ENV, connection_config, init_connection
from tests.reliability.drills.cluster import ROOT, DrillCluster
from tests.reliability.figures import record

PROBE_DATABASE = "dealernet_drill_pooler_probe"
SUITE_DATABASE = "dealernet_drill_pgbouncer"
SERVER_CONNECTIONS = 8
"""pgbouncer's pool per database and user: fewer than the app's clients, so they share."""
SUITE = [
    "tests/api/test_sign_in.py",
    "tests/api/test_viewer.py",
    "tests/api/test_cross_tenant.py",
    "tests/api/test_policy_overrides.py",
    "tests/warranty/test_claims_submit.py",
    "tests/parts/test_issuing_flow.py",
    "tests/parts/test_ledger_concurrency.py",
    "tests/workers/test_reorder_worker.py",
    "tests/tenancy/test_cancelled_transactions.py",
]

pytestmark = pytest.mark.skipif(
    DrillCluster.bouncer_binary() is None,
    reason="pgbouncer is not installed (make drills installs it)",
)


@pytest.fixture(scope="module")
def bouncer(cluster: DrillCluster) -> Iterator[DrillCluster]:
    cluster.stop_bouncer()  # a fresh one: its statistics count this drill only
    cluster.start_bouncer(pool_size=SERVER_CONNECTIONS)
    cluster.app_role_can_log_in()
    cluster.create_database(PROBE_DATABASE)
    yield cluster
    cluster.stop_bouncer()


async def _hammer(pool: asyncpg.Pool, calls: int) -> collections.Counter[str]:
    """Many clients at once, each statement checked for its own answer."""
    outcome: collections.Counter[str] = collections.Counter()

    async def one(i: int) -> None:
        try:
            if i % 2:
                right = await pool.fetchval("select $1::int + 1", i) == i + 1
            else:
                async with pool.acquire() as connection, connection.transaction():
                    await connection.execute(
                        "select set_config('app.dealer_ids', $1, true)", f"{{{i}}}"
                    )
                    await asyncio.sleep(0)  # let other clients' transactions interleave
                    seen = await connection.fetchval("select current_setting('app.dealer_ids')")
                    right = seen == f"{{{i}}}"
            outcome["right" if right else "wrong"] += 1
        except asyncpg.PostgresError as exc:
            outcome[type(exc).__name__] += 1

    await asyncio.gather(*(one(i) for i in range(calls)))
    return outcome


async def test_the_statement_cache_breaks_behind_the_pooler_and_the_pooled_settings_do_not(
    bouncer: DrillCluster,
) -> None:
    url = bouncer.pooler_url(PROBE_DATABASE)
    calls = 600
    cached = await asyncpg.create_pool(url, min_size=12, max_size=12)
    try:
        broken = await _hammer(cached, calls)
    finally:
        await cached.close()
    pooled = await asyncpg.create_pool(
        **connection_config(url, pooled=True), min_size=12, max_size=12, init=init_connection
    )
    try:
        assert await pooled.fetchval("select current_user") == APP_ROLE
        fine = await _hammer(pooled, calls)
    finally:
        await pooled.close()
    record(
        "pgbouncer_statements",
        requests=calls,
        clients=12,
        server_connections=SERVER_CONNECTIONS,
        control_requests_with_statement_cache=calls,
        control_failures=calls - broken["right"],
        lost=calls - fine["right"],  # wrong or failed answers with the pooled settings
    )
    assert broken["InvalidSQLStatementNameError"] > 0, broken  # the control: it does break
    assert fine == {"right": calls}


async def test_a_pooler_login_that_bypasses_row_level_security_is_refused(
    bouncer: DrillCluster,
) -> None:
    superuser = bouncer.pooler_url(PROBE_DATABASE).replace(f"{APP_ROLE}@", "postgres@")
    with pytest.raises(RuntimeError, match=POOLER_URL_ENV):
        await asyncpg.create_pool(
            **connection_config(superuser, pooled=True), min_size=1, max_size=1,
            init=init_connection,
        )  # fmt: skip


def test_api_and_worker_tests_pass_through_pgbouncer(bouncer: DrillCluster) -> None:
    direct = bouncer.database_url(SUITE_DATABASE)
    env = {
        **os.environ,
        "DATABASE_URL": direct,
        "TEST_DATABASE_URL": direct,  # creating, migrating, inspecting: the owner, direct
        POOLER_URL_ENV: bouncer.pooler_url(SUITE_DATABASE),  # the app's pool
        "REDIS_URL": bouncer.redis_url(0),
    }
    env.pop("DEALERNET_DRILLS", None)
    env.pop("DEALERNET_DRILL_FIGURES", None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    stats = bouncer.bouncer_stats(SUITE_DATABASE)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    counts = {
        k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|error|errors|skipped)", summary)
    }
    record(
        "pgbouncer_suite",
        test_files=len(SUITE),
        tests_passed=counts.get("passed", 0),
        tests_failed=counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0),
        transactions_pooled=stats.get("total_xact_count", 0),
        queries_pooled=stats.get("total_query_count", 0),
        server_connections=SERVER_CONNECTIONS,
        seconds=round(time.monotonic() - started, 1),
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert counts.get("passed", 0) > 0 and stats.get("total_xact_count", 0) > 1000, stats

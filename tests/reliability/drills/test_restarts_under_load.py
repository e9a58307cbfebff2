"""Drill: PostgreSQL and then Redis restart while the app serves a mixed load.

The app runs as in production (``dealernet serve``) against the drill cluster with
the demo network. Six clients read, write (open complaints) and sign in throughout;
the drill stops PostgreSQL (``pg_ctl stop -m fast``: every session is cut, as in a
failover or a restart for maintenance), keeps it down two seconds and starts it, then
does the same to Redis. Every answer must be a success or a clean refusal (503 with
``Retry-After``, or SERVICE_UNAVAILABLE with ``retryAfterSeconds``): never a 500, a
trace or a dropped connection. The same app process must serve again after each
restart, and the owner's SQL must find every write whole or not at all: each complaint
with its ``received`` action and audit entry, and every acknowledged one present."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

from api.schema.relay_conventions import global_id
from tests.reliability.drills.cluster import DrillCluster
from tests.reliability.drills.load import Caller, Tally, run_client
from tests.reliability.drills.served import Served, app_env, prepare_database, serving
from tests.reliability.figures import record

DATABASE = "dealernet_drill_restarts"
CLIENTS = 6
DOWN_SECONDS = 2.0
STEADY_SECONDS = 2.0
RECOVERY_LIMIT = 20.0
"""After a service is back, the app must answer successfully again within this."""
USER, PASSWORD = "cs.sh01", "dealernet-demo"
PARTNER_KEY = "dnk_demosh01_dealernet-demo-partner-secret"


@pytest.fixture(scope="module")
async def served(
    cluster: DrillCluster, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Served]:
    await prepare_database(cluster, DATABASE)
    log = tmp_path_factory.mktemp("restarts") / "app.log"
    async with serving(app_env(cluster, DATABASE), log) as app:
        yield app


async def _caller(served: Served, owner: asyncpg.Connection, marker: str) -> Caller:
    async with httpx.AsyncClient(base_url=served.base_url) as http:
        response = await http.post(
            "/graphql",
            json={
                "query": "mutation($u: String!, $p: String!) { signIn(input: {username: $u,"
                " password: $p, mode: TOKEN}) { token } }",
                "variables": {"u": USER, "p": PASSWORD},
            },
        )
    body = response.json()
    assert not body.get("errors"), body
    customer = await owner.fetchval(
        "select c.id from customer c join dealer d on d.id = c.dealer_id"
        " where d.code = 'SH01' order by c.id limit 1"
    )
    return Caller(
        served.base_url,
        body["data"]["signIn"]["token"],
        PARTNER_KEY,
        USER,
        PASSWORD,
        global_id("Customer", customer),
        marker,
    )


async def _recovered(tally: Tally, since: float) -> float:
    """Seconds from ``since`` until a request succeeded again."""
    deadline = since + RECOVERY_LIMIT
    while time.monotonic() < deadline:
        if tally.last_ok > since:
            return round(tally.last_ok - since, 2)
        await asyncio.sleep(0.05)
    pytest.fail(
        f"no successful request {RECOVERY_LIMIT} s after the restart: {tally.violations[-5:]}"
    )


async def test_restarts_fail_cleanly_recover_and_leave_no_partial_write(
    cluster: DrillCluster, served: Served
) -> None:
    owner = await asyncpg.connect(served.database_url)
    marker = f"drill-{uuid.uuid4().hex[:8]}"
    try:
        caller = await _caller(served, owner, marker)
    finally:
        await owner.close()
    tally, stop, counter = Tally(), asyncio.Event(), itertools.count()
    clients = [
        asyncio.create_task(run_client(caller, tally, stop, counter)) for _ in range(CLIENTS)
    ]
    started = time.monotonic()
    try:
        await asyncio.sleep(STEADY_SECONDS)
        before = tally.ok
        await asyncio.to_thread(cluster.stop_postgres, "fast")
        await asyncio.sleep(DOWN_SECONDS)
        await asyncio.to_thread(cluster.start_postgres)
        postgres_back = time.monotonic()
        postgres_recovery = await _recovered(tally, postgres_back)
        refused_postgres = tally.refused
        await asyncio.sleep(STEADY_SECONDS)

        await asyncio.to_thread(cluster.stop_redis)
        await asyncio.sleep(DOWN_SECONDS)
        await asyncio.to_thread(cluster.start_redis)
        redis_back = time.monotonic()
        redis_recovery = await _recovered(tally, redis_back)
        refused_redis = tally.refused - refused_postgres
        await asyncio.sleep(STEADY_SECONDS)
        tail_start, tail_ok = time.monotonic(), tally.ok
        await asyncio.sleep(1.0)
        tail_ok = tally.ok - tail_ok
    finally:
        stop.set()
        await asyncio.gather(*clients)
    # After both restarts the app serves normally again, as the same process.
    assert served.process.poll() is None
    assert before > 0 and tail_ok > 0, tally.violations[-5:]
    assert tally.last_refused < tail_start, "still refusing requests after the restarts"

    owner = await asyncpg.connect(served.database_url)
    try:
        complaints = await owner.fetch(
            "select c.id, c.summary,"
            " exists (select 1 from complaint_action a where a.dealer_id = c.dealer_id"
            "   and a.complaint_id = c.id and a.kind = 'received') as has_action,"
            " exists (select 1 from audit_entry e where e.dealer_id = c.dealer_id"
            "   and e.action = 'complaint.received' and e.object_id = c.id::text) as has_audit"
            " from complaint c where c.summary like $1",
            f"{marker}-%",
        )
        orphans = await owner.fetchval(
            "select count(*) from complaint_action a where a.kind = 'received'"
            " and a.note like $1 and not exists (select 1 from complaint c"
            "   where c.dealer_id = a.dealer_id and c.id = a.complaint_id)",
            f"{marker}-%",
        )
    finally:
        await owner.close()
    partial = sum(1 for c in complaints if not (c["has_action"] and c["has_audit"])) + orphans
    present = {c["summary"] for c in complaints}
    lost = len(set(tally.acknowledged) - present)
    record(
        "restarts_under_load",
        requests=tally.requests,
        succeeded=tally.ok,
        refused_503=tally.refused_503,
        refused_in_graphql=tally.refused_in_graphql,
        refused_while_postgres_down=refused_postgres,
        refused_while_redis_down=refused_redis,
        faults_injected=2,
        postgres_recovery_seconds=postgres_recovery,
        redis_recovery_seconds=redis_recovery,
        writes_acknowledged=len(tally.acknowledged),
        writes_refused=len(tally.refused_writes),
        writes_refused_but_committed=len(set(tally.refused_writes) & present),
        violations=len(tally.violations),
        partial_writes=partial,
        lost=lost,
        seconds=round(time.monotonic() - started, 1),
    )
    assert tally.violations == []
    assert refused_postgres > 0, "PostgreSQL's restart went unnoticed: the drill proved nothing"
    assert partial == 0 and lost == 0

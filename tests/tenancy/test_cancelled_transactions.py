"""A tenant transaction cancelled in the middle of a query (graphql-core cancels sibling
resolvers when one field fails) gives its connection back to the pool: nothing is left
checked out or idle in a transaction, and the pool serves the next request."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from tenants.database import TenantScope, engine, tenant_transaction


async def _idle_in_transaction(owner: asyncpg.Connection) -> int:
    count: int = await owner.fetchval(
        "select count(*) from pg_stat_activity"
        " where datname = current_database() and state like 'idle in transaction%'"
        " and pid <> pg_backend_pid()"
    )
    return count


async def test_a_cancelled_query_releases_its_connection(
    owner: asyncpg.Connection, pool: None
) -> None:
    db_pool = engine().pool
    assert db_pool is not None
    free_before = db_pool.get_idle_size() + (db_pool.get_max_size() - db_pool.get_size())

    async def slow_read() -> None:
        async with tenant_transaction(TenantScope.of([1]), fresh=True) as tx:
            await tx.connection.execute("select pg_sleep(5)")

    # Cancelled at every step: taking the connection, BEGIN, the scope, the query.
    for steps in range(40):
        task = asyncio.create_task(slow_read())
        for _ in range(steps):
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    task = asyncio.create_task(slow_read())
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    for _ in range(50):
        free = db_pool.get_idle_size() + (db_pool.get_max_size() - db_pool.get_size())
        if free >= free_before and await _idle_in_transaction(owner) == 0:
            break
        await asyncio.sleep(0.1)
    # Another test's connection may come back meanwhile (more free), none may go missing.
    assert free >= free_before
    assert await _idle_in_transaction(owner) == 0
    async with tenant_transaction(TenantScope.of([1]), fresh=True) as tx:
        assert await tx.connection.fetchval("select 1") == 1

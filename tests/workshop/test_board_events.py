"""Board events leave only after commit: the tenant transaction's commit hooks, and
``publish_board_change`` collecting one event per order and transaction."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator

import asyncpg
import pytest
from redis.asyncio import Redis

from tenants.database import TenantScope, current_transaction, tenant_transaction
from tenants.service.board_events import (
    BoardChange,
    board_changes,
    board_channel,
    publish_board_change,
)
from tests.workshop.factories_workshop import Workshop, make_board_order, make_shop


@pytest.fixture
async def shop(db: asyncpg.Connection) -> Workshop:
    return await make_shop(db)


@pytest.fixture
async def heard(shop: Workshop) -> AsyncIterator[list[BoardChange]]:
    """Everything published on the shop's board channel while the test runs."""
    redis = Redis.from_url(os.environ["REDIS_URL"])
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(board_channel(shop.dealer_id))
    got: list[BoardChange] = []

    async def listen() -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                got.append(BoardChange.from_json(message["data"]))

    task = asyncio.create_task(listen())
    yield got
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await pubsub.aclose()
    await redis.aclose()


async def settle() -> None:
    await asyncio.sleep(0.2)


async def test_hooks_run_before_and_after_commit_never_after_rollback(
    db: asyncpg.Connection, shop: Workshop
) -> None:
    seen: list[str] = []
    scope = TenantScope.of((shop.dealer_id,))

    async with tenant_transaction(scope) as tx:

        async def before() -> None:
            assert current_transaction() is tx  # still inside, may still write
            seen.append("before")

        async def after() -> None:
            assert current_transaction() is None
            seen.append("after")

        tx.before_commit.append(before)
        tx.on_commit(after)
        seen.append("body")
    assert seen == ["body", "before", "after"]

    seen.clear()
    with pytest.raises(RuntimeError):
        async with tenant_transaction(scope) as tx:
            tx.before_commit.append(lambda: _note(seen, "before"))
            tx.on_commit(lambda: _note(seen, "after"))
            raise RuntimeError("rolled back")
    assert seen == []

    async def broken() -> None:
        raise ConnectionError("redis is down")

    async with tenant_transaction(scope) as tx:
        tx.on_commit(broken)
        tx.on_commit(lambda: _note(seen, "still runs"))
    assert seen == ["still runs"]  # the committed change is not turned into an error


async def _note(seen: list[str], what: str) -> None:
    seen.append(what)


async def test_one_event_per_order_after_commit_with_the_committed_status(
    db: asyncpg.Connection, shop: Workshop, heard: list[BoardChange]
) -> None:
    first = await make_board_order(db, shop)
    second = await make_board_order(db, shop)
    scope = TenantScope.of((shop.dealer_id,))
    async with tenant_transaction(scope) as tx:
        await publish_board_change(shop.dealer_id, first.id)
        await publish_board_change(shop.dealer_id, second.id)
        await tx.connection.execute(
            "update repair_order set status = 'in_progress' where id = $1", first.id
        )
        await publish_board_change(shop.dealer_id, first.id)
        await settle()
        assert heard == []  # nothing before commit
    await settle()
    assert sorted((c.order_id, c.status) for c in heard) == [
        (first.id, "in_progress"),
        (second.id, "approved"),
    ]

    heard.clear()
    with pytest.raises(RuntimeError):
        async with tenant_transaction(scope):
            await publish_board_change(shop.dealer_id, first.id)
            raise RuntimeError("rolled back")
    await settle()
    assert heard == []

    await publish_board_change(shop.dealer_id, second.id)  # outside: sent at once
    await settle()
    assert [(c.order_id, c.status) for c in heard] == [(second.id, "approved")]


async def numsub(dealer_id: int) -> int:
    redis = Redis.from_url(os.environ["REDIS_URL"])
    try:
        counts = await redis.pubsub_numsub(board_channel(dealer_id))
    finally:
        await redis.aclose()
    return int(counts[0][1]) if counts else 0


async def test_watchers_in_one_process_share_one_redis_subscription(
    db: asyncpg.Connection, shop: Workshop
) -> None:
    order = await make_board_order(db, shop)
    streams = [board_changes(shop.dealer_id) for _ in range(3)]
    waiting = [asyncio.create_task(anext(stream)) for stream in streams]
    for _ in range(100):
        if await numsub(shop.dealer_id) == 1:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    assert await numsub(shop.dealer_id) == 1  # three watchers, one Redis subscriber

    await publish_board_change(shop.dealer_id, order.id)
    changes = await asyncio.wait_for(asyncio.gather(*waiting), 5)
    assert [(c.order_id, c.status) for c in changes] == [(order.id, "approved")] * 3

    for stream in streams:
        await stream.aclose()
    assert await numsub(shop.dealer_id) == 0

"""The order's status moves only along the process: every (from, to) pair is tried."""

from __future__ import annotations

import itertools
import json

import asyncpg
import pytest

from tenants.database import TenantScope, tenant_transaction
from tenants.service.orders.errors import OrderRuleError
from tenants.service.orders.state_machine import ALLOWED, STATUSES, refusal, transition
from tests.service_orders.factories_orders import Workshop, make_order

PAIRS = list(itertools.product(STATUSES, STATUSES))


def test_the_process_path_is_allowed() -> None:
    path = ["open", "awaiting_approval", "approved", "in_progress", "work_done", "ready"]
    path += ["settled", "delivered"]
    for step in itertools.pairwise(path):
        assert step in ALLOWED
    assert refusal("in_progress", "settled") == (
        "no_settlement_before_final_check",
        "no settlement before the final check",
    )


async def test_every_pair_is_allowed_or_refused_by_name(
    db: asyncpg.Connection, shop: Workshop
) -> None:
    order = await make_order(db, shop)
    scope = TenantScope.of([shop.dealer_id], user_id=shop.users["advisor"])
    outcomes: dict[tuple[str, str], str] = {}
    for from_status, to_status in PAIRS:
        await db.execute(
            "update repair_order set status = $2, rework_count = 0 where id = $1",
            order,
            from_status,
        )
        events_before = await db.fetchval("select count(*) from order_event")
        try:
            async with tenant_transaction(scope) as tx:
                moved = await transition(tx, order, to_status, "table test")
        except OrderRuleError as refused:
            outcomes[from_status, to_status] = refused.rule
            assert (from_status, to_status) not in ALLOWED
            assert await db.fetchval("select status from repair_order where id = $1", order) == (
                from_status
            )
            assert await db.fetchval("select count(*) from order_event") == events_before
            continue
        outcomes[from_status, to_status] = "allowed"
        assert (from_status, to_status) in ALLOWED
        assert moved.to_status == to_status
        event = await db.fetchrow("select * from order_event order by id desc limit 1")
        assert (event["from_status"], event["to_status"]) == (from_status, to_status)
        assert event["actor_user_id"] == shop.users["advisor"]
        audit = await db.fetchrow(
            "select * from audit_entry where object_type = 'repair_order' order by id desc limit 1"
        )
        assert audit["object_id"] == str(order)
        assert json.loads(audit["after"])["status"] == to_status
    assert sum(1 for o in outcomes.values() if o == "allowed") == len(ALLOWED)
    assert outcomes["in_progress", "settled"] == "no_settlement_before_final_check"
    assert outcomes["approved", "settled"] == "no_settlement_before_final_check"
    assert outcomes["ready", "delivered"] == "no_delivery_before_settlement"
    assert outcomes["in_progress", "cancelled"] == "no_cancel_after_work_started"
    assert outcomes["open", "in_progress"] == "no_work_before_approval"
    assert outcomes["delivered", "open"] == "order_closed"
    assert outcomes["cancelled", "approved"] == "order_closed"
    assert outcomes["ready", "in_progress"] == "no_rework_after_final_check"
    assert outcomes["in_progress", "ready"] == "no_ready_before_final_check"


async def test_rework_counts_and_steps_are_stamped(db: asyncpg.Connection, shop: Workshop) -> None:
    order = await make_order(db, shop, "work_done")
    scope = TenantScope.of([shop.dealer_id], user_id=shop.users["inspector"])
    async with tenant_transaction(scope) as tx:
        back = await transition(tx, order, "in_progress", "brake noise remains")
        assert back.rework_count == 1
        await transition(tx, order, "work_done")
        await transition(tx, order, "ready")
    row = await db.fetchrow("select * from repair_order where id = $1", order)
    assert row["rework_count"] == 1
    assert row["work_done_at"] is not None and row["ready_at"] is not None
    actions = [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where object_id = $1 order by id", str(order)
        )
    ]
    assert actions == ["repair_order.rework", "repair_order.work_done", "repair_order.ready"]


async def test_a_foreign_order_is_not_found(db: asyncpg.Connection, shop: Workshop) -> None:
    from tenants.service.orders.errors import OrderNotFound

    order = await make_order(db, shop)
    scope = TenantScope.of([shop.other_dealer_id], user_id=shop.users["other_advisor"])
    with pytest.raises(OrderNotFound):
        async with tenant_transaction(scope) as tx:
            await transition(tx, order, "cancelled")
    assert await db.fetchval("select status from repair_order where id = $1", order) == "open"


async def test_a_committed_move_is_announced_to_the_board_and_a_rolled_back_one_not(
    db: asyncpg.Connection, shop: Workshop
) -> None:
    import asyncio
    import os

    from redis.asyncio import Redis

    order = await make_order(db, shop, "approved")
    redis = Redis.from_url(os.environ["REDIS_URL"])
    pubsub = redis.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(f"dealernet:board:{shop.dealer_id}")
    scope = TenantScope.of([shop.dealer_id], user_id=shop.users["leader"])
    try:
        with pytest.raises(RuntimeError):
            async with tenant_transaction(scope) as tx:
                await transition(tx, order, "in_progress")
                raise RuntimeError("rolled back")
        async with tenant_transaction(scope) as tx:
            await transition(tx, order, "cancelled", "customer left")
        messages = []
        for _ in range(20):
            message = await pubsub.get_message(timeout=0.1)
            if message is not None:
                messages.append(json.loads(message["data"]))
            elif messages:
                break
            await asyncio.sleep(0)
        assert [(m["orderId"], m["status"]) for m in messages] == [(order, "cancelled")]
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()
        await redis.aclose()

"""The ledger under real concurrency: movements from separate transactions on the pool race
for the same stock; exactly what is on the shelf goes out, the rest is refused naming the
part and the shortfall, and on-hand, the ledger and the open lots agree afterwards."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import asyncpg

from tenants.database import TenantScope, tenant_transaction
from tenants.parts import ledger
from tenants.parts.errors import InsufficientStock
from tests.parts.factories_parts import PartsShop

INVARIANTS_SQL = """
select s.id, s.on_hand,
       coalesce((select sum(m.quantity) from stock_movement m
                  where m.dealer_id = s.dealer_id and m.stock_item_id = s.id), 0) as ledger,
       coalesce((select sum(l.remaining) from stock_lot l
                  where l.dealer_id = s.dealer_id and l.stock_item_id = s.id), 0) as lots,
       coalesce((select sum(a.quantity) from stock_lot_allocation a
                   join stock_movement m on m.dealer_id = a.dealer_id and m.id = a.movement_id
                  where m.dealer_id = s.dealer_id and m.stock_item_id = s.id), 0) as allocated,
       coalesce((select -sum(m.quantity) from stock_movement m
                  where m.dealer_id = s.dealer_id and m.stock_item_id = s.id
                    and m.quantity < 0), 0) as outbound
  from stock_item s where s.dealer_id = $1 order by s.id
"""


async def assert_ledger_agrees(db: asyncpg.Connection, dealer_id: int) -> None:
    """For every item: on-hand = sum of the ledger = sum of open lots, and every outbound
    unit was taken from exactly one lot."""
    for row in await db.fetch(INVARIANTS_SQL, dealer_id):
        assert row["on_hand"] == row["ledger"] == row["lots"], dict(row)
        assert row["allocated"] == row["outbound"], dict(row)
        assert row["on_hand"] >= 0


async def test_twenty_concurrent_issues_of_one_against_ten_on_hand(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    dealer, item = parts_shop.dealer_id, parts_shop.items["filter"]
    assert await db.fetchval("select on_hand from stock_item where id = $1", item) == 10
    part_number = await db.fetchval(
        "select part_number from part where id = $1", parts_shop.parts["filter"]
    )
    scope = TenantScope.of([dealer], user_id=parts_shop.users["keeper"])
    start = asyncio.Event()
    inside = 0
    most_inside = 0

    async def issue_one() -> ledger.Movement | InsufficientStock:
        nonlocal inside, most_inside
        await start.wait()
        async with tenant_transaction(scope, fresh=True) as tx:
            inside += 1
            most_inside = max(most_inside, inside)
            try:
                # Yield once inside the transaction so the others open theirs too.
                await asyncio.sleep(0)
                return await ledger.post(
                    tx, dealer, item, "issue", Decimal(1), document_type="test", document_id=None
                )
            except InsufficientStock as refused:
                return refused
            finally:
                inside -= 1

    tasks = [asyncio.create_task(issue_one()) for _ in range(20)]
    start.set()
    results = await asyncio.gather(*tasks)

    issued = [r for r in results if isinstance(r, ledger.Movement)]
    refusals = [r for r in results if isinstance(r, InsufficientStock)]
    assert most_inside > 1, "the issues did not overlap"
    assert len(issued) == 10
    assert len(refusals) == 10
    for refused in refusals:
        assert refused.extensions["code"] == "INSUFFICIENT_STOCK"
        assert refused.extensions["partNumber"] == part_number
        assert Decimal(refused.extensions["missing"]) == 1
        assert Decimal(refused.extensions["available"]) == 0
        assert part_number in refused.message
    assert all(m.quantity == -1 and m.unit_cost == Decimal("50.00") for m in issued)
    assert await db.fetchval("select on_hand from stock_item where id = $1", item) == 0
    assert (
        await db.fetchval(
            "select count(*) from stock_movement where stock_item_id = $1 and kind = 'issue'", item
        )
        == 10
    )
    await assert_ledger_agrees(db, dealer)


async def test_documents_locking_many_items_in_any_order_neither_deadlock_nor_drift(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    """Documents touching the same items in opposite orders lock them in id order first
    (``lock_items``): they queue instead of deadlocking, and every balance still agrees."""
    dealer = parts_shop.dealer_id
    filter_item, oil_item = parts_shop.items["filter"], parts_shop.items["oil"]
    scope = TenantScope.of([dealer], user_id=parts_shop.users["keeper"])

    async def document(n: int) -> int:
        order = [filter_item, oil_item] if n % 2 else [oil_item, filter_item]
        booked = 0
        async with tenant_transaction(scope, fresh=True) as tx:
            await ledger.lock_items(tx.connection, dealer, order)
            for item in order:
                try:
                    await ledger.post(
                        tx, dealer, item, "issue", Decimal(1), document_type="test", document_id=n
                    )
                    booked += 1
                except InsufficientStock:
                    pass
            await ledger.post(
                tx,
                dealer,
                order[0],
                "receipt",
                Decimal(2),
                document_type="test",
                document_id=n,
                unit_cost=Decimal(40 + n),
            )
        return booked

    booked = await asyncio.gather(*(document(n) for n in range(16)))
    assert sum(booked) == 32  # stock was always there: 10 filters and 40 oil, plus receipts
    await assert_ledger_agrees(db, dealer)
    on_hand = {
        r["id"]: r["on_hand"]
        for r in await db.fetch("select id, on_hand from stock_item where dealer_id = $1", dealer)
    }
    # 16 issues and 8 receipts of 2 on each item.
    assert on_hand[filter_item] == Decimal(10 - 16 + 16)
    assert on_hand[oil_item] == Decimal(40 - 16 + 16)

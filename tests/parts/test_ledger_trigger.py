"""The ledger keeps itself: balance, lots and FIFO allocations follow every movement,
whoever inserts it, and negative stock is impossible."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import pytest

from tests.parts.factories_parts import PartsShop, book


async def test_balance_and_lots_follow_the_movements(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    item = parts_shop.items["filter"]
    await book(db, parts_shop.dealer_id, item, "receipt", "5", unit_cost="60")
    issue = await book(db, parts_shop.dealer_id, item, "issue", "-12")
    row = await db.fetchrow(
        "select s.on_hand, (select sum(quantity) from stock_movement m where m.stock_item_id = s.id)"
        " as ledger, (select sum(remaining) from stock_lot l where l.stock_item_id = s.id) as lots"
        " from stock_item s where s.id = $1",
        item,
    )
    assert row["on_hand"] == row["ledger"] == row["lots"] == Decimal(3)
    taken = await db.fetch(
        "select a.quantity, a.unit_cost from stock_lot_allocation a where a.movement_id = $1"
        " order by a.id",
        issue,
    )
    # FIFO: all 10 of the first receipt at 50, then 2 of the second at 60.
    assert [(r["quantity"], r["unit_cost"]) for r in taken] == [
        (Decimal(10), Decimal(50)),
        (Decimal(2), Decimal(60)),
    ]


async def test_negative_stock_is_refused_by_the_database(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    with pytest.raises(asyncpg.CheckViolationError):
        await book(db, parts_shop.dealer_id, parts_shop.items["pad"], "issue", "-5")
    assert await db.fetchval(
        "select on_hand from stock_item where id = $1", parts_shop.items["pad"]
    ) == Decimal(4)

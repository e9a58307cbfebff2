"""``ledger.post``: FIFO allocation and cost, refusals that name the part and the shortfall,
the movement's who/why/document, tenancy, and an append-only ledger for the app role."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import pytest

from tenants.database import TenantScope, tenant_transaction
from tenants.parts import ledger
from tenants.parts.errors import InsufficientStock, RecordNotFound, RuleViolation
from tests.parts.factories_parts import PartsShop
from tests.parts.test_ledger_concurrency import assert_ledger_agrees


def _scope(shop: PartsShop, dealer_id: int | None = None) -> TenantScope:
    return TenantScope.of([dealer_id or shop.dealer_id], user_id=shop.users["keeper"])


async def test_outbound_takes_the_oldest_lots_first_at_their_cost(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    dealer, item = parts_shop.dealer_id, parts_shop.items["filter"]  # 10 on hand at 50
    async with tenant_transaction(_scope(parts_shop)) as tx:
        receipt = await ledger.post(
            tx, dealer, item, "receipt", Decimal(5), document_type="test", document_id=None,
            unit_cost=Decimal("60"),
        )  # fmt: skip
        first = await ledger.post(
            tx, dealer, item, "issue", Decimal(12), document_type="parts_request", document_id=7,
            reason="SH01-RO-1 沪A12345",
        )  # fmt: skip
        second = await ledger.post(
            tx, dealer, item, "issue", Decimal(3), document_type="test", document_id=None
        )
    assert receipt.quantity == 5 and receipt.unit_cost == Decimal("60.00")
    # 10 at 50 and 2 at 60: (500 + 120) / 12 = 51.67; then the rest of the 60 lot.
    assert first.quantity == -12 and first.unit_cost == Decimal("51.67")
    assert second.unit_cost == Decimal("60.00")
    taken = await db.fetch(
        "select a.quantity, a.unit_cost from stock_lot_allocation a where a.movement_id = $1"
        " order by a.id",
        first.id,
    )
    assert [(r["quantity"], r["unit_cost"]) for r in taken] == [
        (Decimal(10), Decimal(50)),
        (Decimal(2), Decimal(60)),
    ]
    row = await db.fetchrow("select * from stock_movement where id = $1", first.id)
    assert row["kind"] == "issue"
    assert row["created_by"] == parts_shop.users["keeper"]
    assert (row["document_type"], row["document_id"], row["reason"]) == (
        "parts_request",
        7,
        "SH01-RO-1 沪A12345",
    )
    assert await db.fetchval("select on_hand from stock_item where id = $1", item) == 0
    await assert_ledger_agrees(db, dealer)


async def test_inbound_kinds_open_lots_and_adjustments_go_either_way(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    dealer, item = parts_shop.dealer_id, parts_shop.items["oil"]  # 40 at 35
    async with tenant_transaction(_scope(parts_shop)) as tx:
        await ledger.post(tx, dealer, item, "return", Decimal(2), document_type="t", document_id=None,
                          unit_cost=Decimal("33"))  # fmt: skip
        await ledger.post(tx, dealer, item, "count_adjustment", Decimal(-5), document_type="t",
                          document_id=None)  # fmt: skip
        up = await ledger.post(tx, dealer, item, "count_adjustment", Decimal(3), document_type="t",
                               document_id=None)  # fmt: skip
        await ledger.post(tx, dealer, item, "write_off", Decimal(1), document_type="t",
                          document_id=None)  # fmt: skip
        await ledger.post(tx, dealer, item, "transfer_out", Decimal(4), document_type="t",
                          document_id=None)  # fmt: skip
    assert up.unit_cost == Decimal("35.00")  # an inbound adjustment at the item's cost
    assert await db.fetchval("select on_hand from stock_item where id = $1", item) == 35
    assert (
        await db.fetchval("select count(*) from stock_lot where stock_item_id = $1", item) == 3
    )  # the opening receipt, the return and the upward adjustment
    await assert_ledger_agrees(db, dealer)


async def test_a_refused_outbound_names_the_part_and_the_shortfall_and_books_nothing(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    dealer, item = parts_shop.dealer_id, parts_shop.items["pad"]  # 4 on hand
    part_number = await db.fetchval(
        "select part_number from part where id = $1", parts_shop.parts["pad"]
    )
    before = await db.fetchval("select count(*) from stock_movement")
    cases: list[tuple[ledger.MovementKind, Decimal]] = [
        ("issue", Decimal(7)),
        ("count_adjustment", Decimal(-7)),
    ]
    for kind, quantity in cases:
        async with tenant_transaction(_scope(parts_shop)) as tx:
            with pytest.raises(InsufficientStock) as refused:
                await ledger.post(
                    tx, dealer, item, kind, quantity, document_type="t", document_id=None
                )
        extensions = refused.value.extensions
        assert extensions["code"] == "INSUFFICIENT_STOCK"
        assert extensions["rule"] == "stock_available"
        assert extensions["partNumber"] == part_number
        assert Decimal(extensions["missing"]) == 3
        assert f"{part_number}" in refused.value.message and "3" in refused.value.message
    assert await db.fetchval("select count(*) from stock_movement") == before
    assert await db.fetchval("select on_hand from stock_item where id = $1", item) == 4


async def test_quantities_must_make_sense(db: asyncpg.Connection, parts_shop: PartsShop) -> None:
    dealer, item = parts_shop.dealer_id, parts_shop.items["filter"]
    cases: list[tuple[ledger.MovementKind, Decimal, str]] = [
        ("receipt", Decimal(0), "non_zero"),
        ("issue", Decimal(-1), "positive"),
        ("receipt", Decimal(-1), "positive"),
    ]
    for kind, quantity, rule in cases:
        async with tenant_transaction(_scope(parts_shop)) as tx:
            with pytest.raises(RuleViolation) as refused:
                await ledger.post(
                    tx, dealer, item, kind, quantity, document_type="t", document_id=None
                )
        assert refused.value.rule == rule


async def test_another_dealers_item_is_not_found(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    """Naming the peer's item while working for the dealer finds nothing (RLS and filter)."""
    peer_item = parts_shop.peer_items["pad"]
    async with tenant_transaction(_scope(parts_shop)) as tx:
        with pytest.raises(RecordNotFound):
            await ledger.post(tx, parts_shop.dealer_id, peer_item, "issue", Decimal(1),
                              document_type="t", document_id=None)  # fmt: skip
        # Even naming the peer dealer: outside the scope, RLS hides its items.
        with pytest.raises(RecordNotFound):
            await ledger.post(tx, parts_shop.peer_dealer_id, peer_item, "issue", Decimal(1),
                              document_type="t", document_id=None)  # fmt: skip
    assert await db.fetchval("select on_hand from stock_item where id = $1", peer_item) == 12


@pytest.mark.parametrize(
    "statement",
    [
        "update stock_movement set quantity = 100 where stock_item_id = $1",
        "delete from stock_movement where stock_item_id = $1",
        "update stock_lot_allocation set quantity = 1 where movement_id in"
        " (select id from stock_movement where stock_item_id = $1)",
        "delete from stock_lot_allocation where movement_id in"
        " (select id from stock_movement where stock_item_id = $1)",
    ],
)
async def test_the_ledger_is_append_only_for_the_app(
    db: asyncpg.Connection, parts_shop: PartsShop, statement: str
) -> None:
    dealer, item = parts_shop.dealer_id, parts_shop.items["filter"]
    async with tenant_transaction(_scope(parts_shop)) as tx:
        await ledger.post(
            tx, dealer, item, "issue", Decimal(1), document_type="t", document_id=None
        )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(_scope(parts_shop)) as tx:
            await tx.connection.execute(statement, item)
    assert (
        await db.fetchval("select sum(quantity) from stock_movement where stock_item_id = $1", item)
        == 9
    )
    await assert_ledger_agrees(db, dealer)

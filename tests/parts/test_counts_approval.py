"""Approval: by someone who neither counted nor submitted; it books each difference as
a signed count adjustment (a surplus at the item's cost, a shortage at FIFO cost) and
the balance, the ledger and the lots agree afterwards; a rejection sends the count back
with a note; a shortage no longer on the shelf refuses the whole approval."""

from __future__ import annotations

import json
from decimal import Decimal

import asyncpg
import pytest

from policies.errors import SegregationOfDutiesError
from tenants.parts import count_review
from tenants.parts.errors import InsufficientStock, RuleViolation
from tests.parts.counts_steps import (
    acting,
    approve,
    create,
    explain,
    ledger_state,
    lines,
    record,
    submit,
)
from tests.parts.factories_parts import PartsShop, book


async def _submitted(
    shop: PartsShop, db: asyncpg.Connection, quantities: dict[str, str], prefix: str = ""
) -> int:
    """A cycle count of the given items (key -> counted), differences explained, submitted
    by the keeper."""
    created = await create(shop, "cycle", bin_prefix=prefix)
    taken = {r["stock_item_id"]: r for r in await lines(db, created.id)}
    await record(shop, db, created.id, {shop.items[k]: q for k, q in quantities.items()})
    for key, quantity in quantities.items():
        if Decimal(quantity) != taken[shop.items[key]]["expected_qty"]:
            await explain(shop, db, created.id, shop.items[key])
    await submit(shop, created.id)
    return created.id


async def test_counters_and_the_submitter_cannot_decide(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, items = parts_shop, parts_shop.items
    created = await create(shop, "cycle")
    await record(shop, db, created.id, {items["filter"]: "10"}, post="parts_manager")
    await record(shop, db, created.id, {items["pad"]: "4", items["oil"]: "40"})
    await submit(shop, created.id)
    for step in (
        lambda tx: count_review.approve_count(tx, shop.dealer_id, created.id),
        lambda tx: count_review.reject_count(tx, shop.dealer_id, created.id, note="recount"),
    ):
        for post in ("parts_manager", "keeper"):  # counted a line; counted and submitted
            async with acting(shop, post) as tx:
                with pytest.raises(SegregationOfDutiesError):
                    await step(tx)
    assert await db.fetchval("select status from stock_count where id = $1", created.id) == (
        "submitted"
    )
    await approve(shop, created.id, post="manager")
    row = await db.fetchrow("select status, approved_by from stock_count where id = $1", created.id)
    assert (row["status"], row["approved_by"]) == ("approved", shop.users["manager"])


async def test_whoever_submits_cannot_approve(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    created = await create(shop, "cycle", bin_prefix="A-02")
    await record(shop, db, created.id, {shop.items["pad"]: "4"})
    await submit(shop, created.id, post="parts_manager")
    with pytest.raises(SegregationOfDutiesError):
        await approve(shop, created.id, post="parts_manager")


async def test_adjustments_agree_with_ledger_and_lots(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, items = parts_shop, parts_shop.items
    # filter: lot 10 @ 50, then 5 @ 60; 8 issued -> lots 2 @ 50 and 5 @ 60, on hand 7.
    await book(db, shop.dealer_id, items["filter"], "receipt", "5", unit_cost="60")
    await book(db, shop.dealer_id, items["filter"], "issue", "-8")
    # pad: 4 on hand from a lot at 250; the item's cost is now 260.
    await db.execute("update stock_item set unit_cost = 260 where id = $1", items["pad"])
    count_id = await _submitted(shop, db, {"filter": "4", "pad": "6", "oil": "38"})
    # Five litres of oil are issued after the counting, before the approval.
    await book(db, shop.dealer_id, items["oil"], "issue", "-5")

    adjustments = {a.stock_item_id: a for a in await approve(shop, count_id)}
    # Shortage of 3 filters at FIFO: 2 @ 50 + 1 @ 60 = 160, 53.33 each.
    assert (adjustments[items["filter"]].quantity, adjustments[items["filter"]].unit_cost) == (
        Decimal(-3),
        Decimal("53.33"),
    )
    taken = await db.fetch(
        "select quantity, unit_cost from stock_lot_allocation where movement_id = $1 order by id",
        adjustments[items["filter"]].movement_id,
    )
    assert [(r["quantity"], r["unit_cost"]) for r in taken] == [
        (Decimal(2), Decimal(50)),
        (Decimal(1), Decimal(60)),
    ]
    # Surplus of 2 pads at the item's cost: a new lot at 260.
    assert (adjustments[items["pad"]].quantity, adjustments[items["pad"]].unit_cost) == (
        Decimal(2),
        Decimal(260),
    )
    lot = await db.fetchrow(
        "select quantity, unit_cost from stock_lot where movement_id = $1",
        adjustments[items["pad"]].movement_id,
    )
    assert (lot["quantity"], lot["unit_cost"]) == (Decimal(2), Decimal(260))
    # Oil: the difference (38 - 40) is booked as a delta, the later issue stays: 40 - 5 - 2.
    assert adjustments[items["oil"]].quantity == Decimal(-2)

    expected = {"filter": 4, "pad": 6, "oil": 33}
    for key, on_hand in expected.items():
        state = await ledger_state(db, items[key])
        assert state["on_hand"] == state["ledger"] == state["lots"] == Decimal(on_hand), key
    movements = await db.fetch(
        "select kind, document_type, document_id, reason, created_by from stock_movement"
        " where document_type = 'stock_count'"
    )
    assert {(m["kind"], m["document_id"], m["created_by"]) for m in movements} == {
        ("count_adjustment", count_id, shop.users["parts_manager"])
    }
    assert len(movements) == 3
    line_movements = await db.fetch(
        "select stock_item_id, adjustment_movement_id from stock_count_line"
        " where stock_count_id = $1",
        count_id,
    )
    assert {r["stock_item_id"]: r["adjustment_movement_id"] for r in line_movements} == {
        item: a.movement_id for item, a in adjustments.items()
    }
    audit = await db.fetchval(
        "select after from audit_entry where action = 'stock_count.approve' and object_id = $1",
        str(count_id),
    )
    assert len(json.loads(audit)["adjustments"]) == 3


async def test_a_count_without_differences_books_nothing(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    count_id = await _submitted(parts_shop, db, {"pad": "4"}, prefix="A-02")
    assert await approve(parts_shop, count_id) == []
    assert (
        await db.fetchval("select count(*) from stock_movement where document_type = 'stock_count'")
        == 0
    )


async def test_rejection_sends_the_count_back_with_a_note(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, pad = parts_shop, parts_shop.items["pad"]
    count_id = await _submitted(shop, db, {"pad": "1"}, prefix="A-02")
    async with acting(shop, "parts_manager") as tx:
        with pytest.raises(RuleViolation) as refused:
            await count_review.reject_count(tx, shop.dealer_id, count_id, note=" ")
    assert refused.value.rule == "note_required"
    async with acting(shop, "parts_manager") as tx:
        await count_review.reject_count(
            tx, shop.dealer_id, count_id, note="Three pads missing? Recount bin A-02-3-04"
        )
    row = await db.fetchrow("select * from stock_count where id = $1", count_id)
    assert (row["status"], row["returned_count"], row["submitted_by"]) == ("open", 1, None)
    assert row["decision_note"].startswith("Three pads missing")

    await record(shop, db, count_id, {pad: "4"})
    await submit(shop, count_id)
    assert await approve(shop, count_id) == []
    assert (await ledger_state(db, pad))["on_hand"] == Decimal(4)
    actions = [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where object_type = 'stock_count' and object_id = $1"
            " order by id",
            str(count_id),
        )
    ]
    assert actions == [
        "stock_count.create",
        "stock_count.record",
        "stock_count.explain",
        "stock_count.submit",
        "stock_count.reject",
        "stock_count.record",
        "stock_count.submit",
        "stock_count.approve",
    ]


async def test_a_shortage_no_longer_on_the_shelf_refuses_the_whole_approval(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, items = parts_shop, parts_shop.items
    count_id = await _submitted(shop, db, {"filter": "12", "pad": "1"}, prefix="A-0")
    # Two of the remaining pads are issued after the counting: -3 no longer fits.
    await book(db, shop.dealer_id, items["pad"], "issue", "-2")
    with pytest.raises(InsufficientStock) as refused:
        await approve(shop, count_id)
    assert refused.value.part_number == await db.fetchval(
        "select part_number from part where id = $1", shop.parts["pad"]
    )
    assert refused.value.missing == Decimal(1)
    assert await db.fetchval("select status from stock_count where id = $1", count_id) == (
        "submitted"
    )
    assert (
        await db.fetchval("select count(*) from stock_movement where document_type = 'stock_count'")
        == 0
    )
    assert (await ledger_state(db, items["filter"]))["on_hand"] == Decimal(10)

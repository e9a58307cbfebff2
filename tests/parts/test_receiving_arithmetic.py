"""Receiving arithmetic: partial deliveries, refused lines staying outstanding until
closed short, over-delivery only when accepted, the stock item's cost following a
price change, the ledger, balance and FIFO lots agreeing after every posting, and two
receipts posted at once never over-receiving a line."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import asyncpg
import pytest

from policies.errors import PolicyDenied
from tenants.parts import purchase_orders, receiving
from tenants.parts.errors import RuleViolation
from tests.parts.factories_parts import PartsShop
from tests.parts.purchasing_steps import (
    acting,
    allowed_as,
    allowed_for,
    balance,
    order_line,
    ordered,
    receipt_lines,
    status_of,
)

D = Decimal


async def open_checked(
    shop: PartsShop, order_id: int, shipped: dict[int, str] | None = None
) -> int:
    """A receipt whose shipping list the planner (the purchaser) checked."""
    async with acting(shop, "keeper") as tx:
        receipt = await receiving.open_receipt(tx, shop.dealer_id, order_id, "SL-1")
    async with acting(shop, "planner") as tx:
        await receiving.check_shipping_list(
            tx, shop.dealer_id, receipt, {k: D(v) for k, v in (shipped or {}).items()}
        )
    return receipt


async def count(
    shop: PartsShop, line_id: int, counted: str, refused: str = "0", quality: str = "ok", *,
    over: bool = False,
) -> None:  # fmt: skip
    async with acting(shop, "keeper") as tx:
        await receiving.count_line(
            tx,
            shop.dealer_id,
            line_id,
            receiving.Count(D(counted), D(refused), quality, over),
            allowed_as("keeper"),
        )


async def post(shop: PartsShop, receipt_id: int) -> receiving.Posted:
    async with acting(shop, "keeper") as tx:
        return await receiving.post_receipt(tx, shop.dealer_id, receipt_id)


async def test_two_partial_deliveries_receive_an_order_at_its_new_price(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    item = shop.items["filter"]  # 10 on hand at 50
    order_id = await ordered(db, shop, {"filter": ("20", "55")})
    first = await open_checked(shop, order_id)
    line = (await receipt_lines(db, first))[item]
    assert await db.fetchval("select shipped_qty from parts_receipt_line where id = $1", line) == 20
    await count(shop, line, "12")
    posted = await post(shop, first)
    assert posted.order_status == "partially_received"
    assert posted.cost_changes == {item: (D(50), D(55))}
    po_line = await order_line(db, order_id, shop, "filter")
    assert (po_line["received_qty"], po_line["refused_qty"]) == (D(12), D(0))
    assert await balance(db, item) == (D(22), D(22), D(22))
    movement = await db.fetchrow(
        "select m.* from stock_movement m join parts_receipt_line rl on rl.movement_id = m.id"
        " where rl.id = $1",
        line,
    )
    assert (movement["kind"], movement["quantity"], movement["unit_cost"]) == (
        "receipt",
        D(12),
        D(55),
    )
    assert (movement["document_type"], movement["document_id"]) == ("parts_receipt", first)
    lot = await db.fetchrow("select * from stock_lot where movement_id = $1", movement["id"])
    assert (lot["quantity"], lot["remaining"], lot["unit_cost"]) == (D(12), D(12), D(55))
    assert await db.fetchval("select unit_cost from stock_item where id = $1", item) == D(55)
    on_order = await db.fetchval(
        "select on_order from stock_on_order where stock_item_id = $1", item
    )
    assert on_order == D(8)

    second = await open_checked(shop, order_id)
    line2 = (await receipt_lines(db, second))[item]
    assert await db.fetchval("select shipped_qty from parts_receipt_line where id = $1", line2) == 8
    await count(shop, line2, "8")
    again = await post(shop, second)
    assert again.order_status == "received"
    assert again.cost_changes == {}, "same price: no change"
    assert await balance(db, item) == (D(30), D(30), D(30))
    assert await db.fetchval(
        "select closed_at is not null from purchase_order where id = $1", order_id
    )
    assert (
        await db.fetchval("select count(*) from stock_on_order where stock_item_id = $1", item) == 0
    )
    # FIFO: an issue of 15 takes the old 10 at 50, then 5 of the first delivery at 55.
    await db.execute(
        "insert into stock_movement (dealer_id, stock_item_id, kind, quantity) values ($1, $2,"
        " 'issue', -15)",
        shop.dealer_id,
        item,
    )
    assert await balance(db, item) == (D(15), D(15), D(15))


async def test_refused_parts_stay_outstanding_until_the_line_is_closed_short(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await ordered(db, shop, {"filter": "10", "oil": "24"})
    receipt = await open_checked(shop, order_id)
    lines = await receipt_lines(db, receipt)
    await count(shop, lines[shop.items["filter"]], "10", "3", "damaged")
    await count(shop, lines[shop.items["oil"]], "24")
    await post(shop, receipt)
    po_filter = await order_line(db, order_id, shop, "filter")
    assert (po_filter["received_qty"], po_filter["refused_qty"]) == (D(7), D(3))
    assert await status_of(db, order_id) == "partially_received"
    assert await balance(db, shop.items["filter"]) == (D(17), D(17), D(17))
    assert await db.fetchval(
        "select on_order from stock_on_order where stock_item_id = $1", shop.items["filter"]
    ) == D(3)
    # The supplier will not replace them: closed short, the order is complete.
    with pytest.raises(RuleViolation) as no_reason:
        async with acting(shop, "planner") as tx:
            await purchase_orders.close_line_short(tx, shop.dealer_id, po_filter["id"], "")
    assert no_reason.value.rule == "reason_required"
    async with acting(shop, "planner") as tx:
        await purchase_orders.close_line_short(tx, shop.dealer_id, po_filter["id"], "not resent")
    assert await status_of(db, order_id) == "received"
    assert (
        await db.fetchval(
            "select count(*) from stock_on_order where stock_item_id = $1", shop.items["filter"]
        )
        == 0
    )


async def test_closing_every_line_before_anything_came_cancels_the_order(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await ordered(db, shop, {"pad": "2"})
    line = await order_line(db, order_id, shop, "pad")
    async with acting(shop, "planner") as tx:
        await purchase_orders.close_line_short(tx, shop.dealer_id, line["id"], "discontinued")
    assert await status_of(db, order_id) == "cancelled"


async def test_over_delivery_is_refused_unless_accepted(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    item = shop.items["oil"]
    order_id = await ordered(db, shop, {"oil": "24"})
    receipt = await open_checked(shop, order_id)
    line = (await receipt_lines(db, receipt))[item]
    with pytest.raises(RuleViolation) as over:
        await count(shop, line, "30")
    assert over.value.rule == "over_delivery"
    assert "acceptOverDelivery" in over.value.message
    assert (over.value.extra["accepted"], over.value.extra["outstanding"]) == ("30.00", "24.00")
    # Refusing the surplus is fine too; here the keeper accepts it explicitly.
    await count(shop, line, "30", over=True)
    await post(shop, receipt)
    po_line = await order_line(db, order_id, shop, "oil")
    assert po_line["received_qty"] == D(30)
    assert await status_of(db, order_id) == "received"
    assert await balance(db, item) == (D(70), D(70), D(70))


async def test_inspections_in_order_and_quality_rules(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await ordered(db, shop, {"filter": "10", "pad": "4"})
    async with acting(shop, "keeper") as tx:
        receipt = await receiving.open_receipt(tx, shop.dealer_id, order_id)
    lines = await receipt_lines(db, receipt)
    with pytest.raises(RuleViolation) as unchecked:
        await post(shop, receipt)
    assert unchecked.value.rule == "shipping_list_unchecked"
    async with acting(shop, "planner") as tx:
        await receiving.check_shipping_list(
            tx, shop.dealer_id, receipt, {lines[shop.items["pad"]]: D(0)}
        )
    with pytest.raises(RuleViolation) as uncounted:
        await post(shop, receipt)
    assert uncounted.value.rule == "line_not_counted"
    filter_line = lines[shop.items["filter"]]
    for counted, refused, quality, rule in (
        ("10", "0", "damaged", "faulty_refused"),
        ("10", "4", "wrong_part", "wrong_part_refused"),
        ("10", "11", "damaged", "within_count"),
        ("-1", "0", "ok", "not_negative"),
    ):
        with pytest.raises(RuleViolation) as bad:
            await count(shop, filter_line, counted, refused, quality)
        assert bad.value.rule == rule
    # Refusing needs parts_receipt:refuse (here someone with only receipt:create).
    with pytest.raises(PolicyDenied):
        async with acting(shop, "keeper") as tx:
            await receiving.count_line(
                tx,
                shop.dealer_id,
                filter_line,
                receiving.Count(D(10), D(2), "damaged"),
                lambda o, a: (o, a) == ("parts_receipt", "create"),
            )
    with pytest.raises(RuleViolation) as not_posted:
        async with acting(shop, "keeper") as tx:
            await receiving.confirm_shelving(tx, shop.dealer_id, receipt)
    assert not_posted.value.rule == "status_transition"
    await count(shop, filter_line, "10", "10", "wrong_part")
    posted = await post(shop, receipt)
    assert posted.movement_ids == [], "nothing accepted: nothing booked"
    assert await status_of(db, order_id) == "ordered"
    async with acting(shop, "keeper") as tx:
        await receiving.confirm_shelving(tx, shop.dealer_id, receipt)
    row = await db.fetchrow("select * from parts_receipt where id = $1", receipt)
    assert row["shipping_list_checked_by"] == shop.users["planner"]
    assert row["posted_by"] == row["shelved_by"] == shop.users["keeper"]
    with pytest.raises(RuleViolation) as twice:
        await post(shop, receipt)
    assert twice.value.rule == "status_transition"
    with pytest.raises(RuleViolation) as shelved:
        async with acting(shop, "keeper") as tx:
            await receiving.confirm_shelving(tx, shop.dealer_id, receipt)
    assert shelved.value.rule == "already_shelved"
    actions = await db.fetch(
        "select action from audit_entry where object_type = 'parts_receipt' and object_id = $1"
        " order by id",
        str(receipt),
    )
    assert [a["action"] for a in actions] == [
        "parts_receipt.open",
        "parts_receipt.shipping_list_checked",
        "parts_receipt.count",
        "parts_receipt.post",
        "parts_receipt.shelved",
    ]


async def test_receipts_only_against_ordered_orders(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    from tests.parts.purchasing_steps import draft

    plan = await draft(shop, {"filter": "5"})
    with pytest.raises(RuleViolation) as refused:
        async with acting(shop, "keeper") as tx:
            await receiving.open_receipt(tx, shop.dealer_id, plan)
    assert refused.value.rule == "not_ordered"


async def test_two_receipts_posted_at_once_never_over_receive(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    item = shop.items["pad"]
    # The filters stay outstanding, so the order is still receivable after one posting.
    order_id = await ordered(db, shop, {"pad": "10", "filter": "5"})
    first = await open_checked(shop, order_id)
    second = await open_checked(shop, order_id)
    # Each count sees 10 outstanding: both look fine on their own.
    for receipt in (first, second):
        lines = await receipt_lines(db, receipt)
        await count(shop, lines[item], "10")
        await count(shop, lines[shop.items["filter"]], "0")

    async def post_as_keeper(receipt: int) -> str:
        try:
            await post(shop, receipt)
            return "posted"
        except RuleViolation as refused:
            return refused.rule

    outcomes = await asyncio.gather(post_as_keeper(first), post_as_keeper(second))
    assert sorted(outcomes) == ["over_delivery", "posted"]
    po_line = await order_line(db, order_id, shop, "pad")
    assert po_line["received_qty"] == D(10)
    assert await balance(db, item) == (D(14), D(14), D(14))
    assert await status_of(db, order_id) == "partially_received"
    # The loser stays open: recounted to what is still outstanding (nothing), it posts.
    loser = second if outcomes[1] != "posted" else first
    await count(shop, (await receipt_lines(db, loser))[item], "10", "10")
    await post(shop, loser)
    assert await balance(db, item) == (D(14), D(14), D(14))


async def test_a_completed_order_takes_no_further_receipt(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await ordered(db, shop, {"pad": "2"})
    first = await open_checked(shop, order_id)
    second = await open_checked(shop, order_id)
    for receipt in (first, second):
        await count(shop, (await receipt_lines(db, receipt))[shop.items["pad"]], "2")
    await post(shop, first)
    with pytest.raises(RuleViolation) as refused:
        await post(shop, second)
    assert refused.value.rule == "not_ordered"
    async with acting(shop, "keeper") as tx:
        await receiving.cancel_receipt(tx, shop.dealer_id, second, "second copy of the delivery")
    assert await db.fetchval("select status from parts_receipt where id = $1", second) == (
        "cancelled"
    )


async def test_a_refused_over_delivery_through_a_role_without_refuse_rights(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    """The parts manager (receipt:create and refuse) counts too; a keeper's surplus may be
    refused rather than accepted, and then only what was ordered enters stock."""
    shop = parts_shop
    item = shop.items["filter"]
    order_id = await ordered(db, shop, {"filter": "5"})
    receipt = await open_checked(shop, order_id)
    line = (await receipt_lines(db, receipt))[item]
    async with acting(shop, "parts_manager") as tx:
        await receiving.count_line(
            tx,
            shop.dealer_id,
            line,
            receiving.Count(D(7), D(2), "ok", note="2 not ordered"),
            allowed_for("parts_manager"),
        )
    await post(shop, receipt)
    po_line = await order_line(db, order_id, shop, "filter")
    assert (po_line["received_qty"], po_line["refused_qty"]) == (D(5), D(2))
    assert await balance(db, item) == (D(15), D(15), D(15))

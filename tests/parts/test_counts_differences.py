"""Counting and explaining: the expected quantity is the ledger's on-hand when a line is
counted; a count is submitted only when every line is counted and every difference
has a cause and a responsibility (with the person, when a person is responsible);
a quarterly count names its finance witness; the state machine refuses other moves."""

from __future__ import annotations

import json
from decimal import Decimal

import asyncpg
import pytest

from tenants.parts import count_review, counts
from tenants.parts.errors import RecordNotFound, RuleViolation
from tests.parts.counts_steps import acting, create, explain, lines, record, submit
from tests.parts.factories_parts import PartsShop, book


async def _line(db: asyncpg.Connection, count_id: int, item: int) -> asyncpg.Record:
    return next(r for r in await lines(db, count_id) if r["stock_item_id"] == item)


async def test_expected_is_the_on_hand_when_the_line_is_counted(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, filter_ = parts_shop, parts_shop.items["filter"]
    created = await create(shop, "cycle")
    # Two filters are issued after the count opened, before the keeper reaches the bin.
    await book(db, shop.dealer_id, filter_, "issue", "-2")
    await record(shop, db, created.id, {filter_: "8"})
    line = await _line(db, created.id, filter_)
    assert (line["expected_qty"], line["counted_qty"]) == (Decimal(8), Decimal(8))
    assert line["counted_by"] == shop.users["keeper"] and line["counted_at"] is not None
    # No false difference: the shelf agrees with the balance of the same moment.
    entry = await db.fetchval(
        "select after from audit_entry where object_type = 'stock_count'"
        " and object_id = $1 and action = 'stock_count.record'",
        str(created.id),
    )
    assert [(e["expected"], e["counted"]) for e in json.loads(entry)["lines"]] == [("8.00", "8.00")]


async def test_a_recount_overwrites_and_clears_an_explanation_that_no_longer_applies(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, pad = parts_shop, parts_shop.items["pad"]
    created = await create(shop, "cycle")
    await record(shop, db, created.id, {pad: "3"})
    await explain(shop, db, created.id, pad, "warehouse_keeper", person=shop.users["keeper"])
    line = await _line(db, created.id, pad)
    assert (line["responsibility"], line["responsible_user_id"]) == (
        "warehouse_keeper",
        shop.users["keeper"],
    )
    await record(shop, db, created.id, {pad: "4"})
    line = await _line(db, created.id, pad)
    assert (line["counted_qty"], line["cause"], line["responsibility"]) == (Decimal(4), "", None)


async def test_submit_needs_every_line_counted_and_every_difference_explained(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, items = parts_shop, parts_shop.items
    created = await create(shop, "cycle")
    await record(shop, db, created.id, {items["filter"]: "9", items["pad"]: "4"})
    with pytest.raises(RuleViolation) as refused:
        await submit(shop, created.id)
    assert (refused.value.rule, refused.value.extra["uncounted"]) == ("all_counted", 1)

    await record(shop, db, created.id, {items["oil"]: "41"})
    with pytest.raises(RuleViolation) as refused:
        await submit(shop, created.id)
    assert (refused.value.rule, refused.value.extra["unexplained"]) == ("difference_explained", 2)

    await explain(shop, db, created.id, items["filter"], "theft", cause="Empty box on shelf")
    await explain(shop, db, created.id, items["oil"], "supplier", cause="Delivery had one extra")
    await submit(shop, created.id)
    assert await db.fetchval("select status from stock_count where id = $1", created.id) == (
        "submitted"
    )


@pytest.mark.parametrize(
    ("responsibility", "person", "rule"),
    [
        ("warehouse_keeper", None, "responsible_person_required"),
        ("technician", None, "responsible_person_required"),
        ("supplier", "keeper", "no_person_for_responsibility"),
        ("unknown", "keeper", "no_person_for_responsibility"),
        ("carelessness", None, "responsibility"),
        ("technician", "peer_keeper", "dealer_staff"),
    ],
)
async def test_responsibility_rules(
    db: asyncpg.Connection,
    parts_shop: PartsShop,
    responsibility: str,
    person: str | None,
    rule: str,
) -> None:
    shop, pad = parts_shop, parts_shop.items["pad"]
    created = await create(shop, "cycle")
    await record(shop, db, created.id, {pad: "3"})
    with pytest.raises(RuleViolation) as refused:
        await explain(
            shop, db, created.id, pad, responsibility, person=shop.users[person] if person else None
        )
    assert refused.value.rule == rule


async def test_a_technician_is_named_and_an_empty_cause_is_refused(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, pad = parts_shop, parts_shop.items["pad"]
    created = await create(shop, "cycle")
    await record(shop, db, created.id, {pad: "3"})
    with pytest.raises(RuleViolation) as refused:
        await explain(shop, db, created.id, pad, "recording_error", cause="   ")
    assert refused.value.rule == "cause_required"
    await explain(shop, db, created.id, pad, "technician", person=shop.users["technician"])
    line = await _line(db, created.id, pad)
    assert (line["responsibility"], line["responsible_user_id"]) == (
        "technician",
        shop.users["technician"],
    )


async def test_only_a_counted_difference_is_explained(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, items = parts_shop, parts_shop.items
    created = await create(shop, "cycle")
    await record(shop, db, created.id, {items["pad"]: "4"})
    for item in (items["pad"], items["filter"]):  # no difference; not counted
        with pytest.raises(RuleViolation) as refused:
            await explain(shop, db, created.id, item)
        assert refused.value.rule == "no_difference"


async def test_counted_quantities_are_checked(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, pad = parts_shop, parts_shop.items["pad"]
    created = await create(shop, "cycle")
    for quantity, rule in (("-1", "non_negative"), ("1.005", "two_decimals")):
        with pytest.raises(RuleViolation) as refused:
            await record(shop, db, created.id, {pad: quantity})
        assert refused.value.rule == rule
    foreign_line = await db.fetchval("select max(id) + 100 from stock_count_line")
    async with acting(shop, "keeper") as tx:
        with pytest.raises(RecordNotFound):
            await counts.record_counted(
                tx, shop.dealer_id, created.id, [counts.CountedEntry(foreign_line, Decimal(1))]
            )


async def test_a_quarterly_count_is_witnessed_by_finance(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    created = await create(shop, "quarterly")
    await record(
        shop,
        db,
        created.id,
        {r["stock_item_id"]: str(r["expected_qty"]) for r in await lines(db, created.id)},
    )
    with pytest.raises(RuleViolation) as refused:
        await submit(shop, created.id)
    assert (refused.value.rule, refused.value.field) == (
        "finance_witness_required",
        "financeWitness",
    )
    await submit(shop, created.id, witness="  Li Na (finance)  ")
    assert await db.fetchval(
        "select finance_witness from stock_count where id = $1", created.id
    ) == ("Li Na (finance)")


async def test_the_state_machine_refuses_illegal_moves(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, items = parts_shop, parts_shop.items
    created = await create(shop, "cycle", bin_prefix="A-02")
    async with acting(shop, "parts_manager") as tx:
        with pytest.raises(RuleViolation) as refused:
            await count_review.approve_count(tx, shop.dealer_id, created.id)
    assert refused.value.rule == "status_transition"
    async with acting(shop, "parts_manager") as tx:
        with pytest.raises(RuleViolation) as refused:
            await count_review.reject_count(tx, shop.dealer_id, created.id, note="no")
    assert refused.value.rule == "status_transition"

    await record(shop, db, created.id, {items["pad"]: "4"})
    await submit(shop, created.id)
    for step in (
        lambda tx: counts.record_counted(
            tx, shop.dealer_id, created.id, [counts.CountedEntry(1, Decimal(1))]
        ),
        lambda tx: count_review.submit_count(tx, shop.dealer_id, created.id),
        lambda tx: count_review.cancel_count(tx, shop.dealer_id, created.id),
    ):
        async with acting(shop, "keeper") as tx:
            with pytest.raises(RuleViolation) as refused:
                await step(tx)
        assert refused.value.rule == "status_transition"

    other = await create(shop, "cycle", bin_prefix="A-01")
    async with acting(shop, "keeper") as tx:
        await count_review.cancel_count(tx, shop.dealer_id, other.id, note="wrong zone")
    row = await db.fetchrow(
        "select status, cancelled_by, decision_note from stock_count where id = $1", other.id
    )
    assert (row["status"], row["cancelled_by"], row["decision_note"]) == (
        "cancelled",
        shop.users["keeper"],
        "wrong zone",
    )
    actions = await db.fetch(
        "select action from audit_entry where object_type = 'stock_count' and object_id = $1"
        " order by id",
        str(other.id),
    )
    assert [a["action"] for a in actions] == ["stock_count.create", "stock_count.cancel"]

"""Transport-damage claims: only from parts refused as damaged on a posted receipt, for
at most the damaged quantity not yet claimed; settled with the amount paid or
rejected (which frees the parts to be claimed elsewhere); never twice decided."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import pytest

from tenants.parts import damage_claims, receiving
from tenants.parts.errors import RuleViolation
from tests.parts.factories_parts import PartsShop
from tests.parts.purchasing_steps import acting, allowed_as, ordered, receipt_lines

D = Decimal


async def damaged_delivery(
    db: asyncpg.Connection, shop: PartsShop, *, post: bool = True
) -> dict[str, int]:
    """Filters: 10 counted, 4 refused as damaged; oil: 24 fine."""
    order_id = await ordered(db, shop, {"filter": "10", "oil": "24"})
    async with acting(shop, "keeper") as tx:
        receipt = await receiving.open_receipt(tx, shop.dealer_id, order_id, "SL-9")
    async with acting(shop, "planner") as tx:
        await receiving.check_shipping_list(tx, shop.dealer_id, receipt, {})
    lines = await receipt_lines(db, receipt)
    async with acting(shop, "keeper") as tx:
        for key, count in (
            ("filter", receiving.Count(D(10), D(4), "damaged", note="crushed box")),
            ("oil", receiving.Count(D(24))),
        ):
            await receiving.count_line(
                tx, shop.dealer_id, lines[shop.items[key]], count, allowed_as("keeper")
            )
        if post:
            await receiving.post_receipt(tx, shop.dealer_id, receipt)
    return {
        "receipt": receipt,
        "filter": lines[shop.items["filter"]],
        "oil": lines[shop.items["oil"]],
    }


def claim(line: int, quantity: str, against: str = "carrier") -> damage_claims.ClaimInput:
    return damage_claims.ClaimInput(
        receipt_line_id=line,
        against=against,
        party="Yunda Logistics",
        quantity=D(quantity),
        amount=D(quantity) * 55,
        description="Carton crushed in transit, 4 filters dented",
    )


async def record(shop: PartsShop, value: damage_claims.ClaimInput) -> int:
    async with acting(shop, "keeper") as tx:
        return await damage_claims.record_claim(tx, shop.dealer_id, value)


async def test_a_claim_for_damaged_parts_is_recorded_and_settled(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    delivery = await damaged_delivery(db, shop)
    claim_id = await record(shop, claim(delivery["filter"], "3"))
    row = await db.fetchrow("select * from transport_damage_claim where id = $1", claim_id)
    assert (row["against"], row["quantity"], row["amount"], row["status"]) == (
        "carrier",
        D(3),
        D(165),
        "open",
    )
    assert row["created_by"] == shop.users["keeper"]
    # One more damaged filter is left to claim; two is too many.
    with pytest.raises(RuleViolation) as too_many:
        await record(shop, claim(delivery["filter"], "2", "insurer"))
    assert too_many.value.rule == "claim_exceeds_damaged"
    assert too_many.value.extra["claimable"] == "1.00"
    async with acting(shop, "planner") as tx:
        await damage_claims.settle_claim(tx, shop.dealer_id, claim_id, D("150.00"), "paid less")
    row = await db.fetchrow("select * from transport_damage_claim where id = $1", claim_id)
    assert (row["status"], row["settled_amount"], row["closed_by"]) == (
        "settled",
        D(150),
        shop.users["planner"],
    )
    with pytest.raises(RuleViolation) as twice:
        async with acting(shop, "planner") as tx:
            await damage_claims.reject_claim(tx, shop.dealer_id, claim_id, "changed our mind")
    assert twice.value.rule == "status_transition"
    # Damaged parts never entered stock: 10 + 6 accepted filters.
    assert await db.fetchval(
        "select on_hand from stock_item where id = $1", shop.items["filter"]
    ) == D(16)


async def test_a_rejected_claim_frees_the_parts_to_claim_elsewhere(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    delivery = await damaged_delivery(db, shop)
    first = await record(shop, claim(delivery["filter"], "4"))
    async with acting(shop, "planner") as tx:
        with pytest.raises(RuleViolation):
            await damage_claims.reject_claim(tx, shop.dealer_id, first, "  ")
    async with acting(shop, "planner") as tx:
        await damage_claims.reject_claim(tx, shop.dealer_id, first, "carrier not liable")
    second = await record(shop, claim(delivery["filter"], "4", "insurer"))
    statuses = await db.fetch(
        "select status from transport_damage_claim where id = any($1::bigint[]) order by id",
        [first, second],
    )
    assert [s["status"] for s in statuses] == ["rejected", "open"]
    actions = await db.fetch(
        "select action from audit_entry where object_type = 'transport_damage_claim' order by id"
    )
    assert [a["action"] for a in actions] == [
        "transport_damage_claim.create",
        "transport_damage_claim.reject",
        "transport_damage_claim.create",
    ]


async def test_only_damaged_lines_of_posted_receipts_are_claimed(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    unposted = await damaged_delivery(db, shop, post=False)
    with pytest.raises(RuleViolation) as early:
        await record(shop, claim(unposted["filter"], "1"))
    assert early.value.rule == "receipt_not_posted"
    delivery = await damaged_delivery(db, shop)
    with pytest.raises(RuleViolation) as fine:
        await record(shop, claim(delivery["oil"], "1"))
    assert fine.value.rule == "not_damaged"
    for field, bad, rule in (
        ("against", "courier", "unknown_party"),
        ("quantity", D(0), "positive"),
        ("amount", D(-1), "not_negative"),
        ("description", " ", "required"),
        ("party", "", "required"),
    ):
        value = claim(delivery["filter"], "1")
        values = {**value.__dict__, field: bad}
        with pytest.raises(RuleViolation) as invalid:
            await record(shop, damage_claims.ClaimInput(**values))
        assert invalid.value.rule == rule, field

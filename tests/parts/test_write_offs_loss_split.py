"""The loss split of an approved write-off: 70% company, 10% each the signing service
manager, the signing parts manager and the keeper named on the request; each person's
share rounded down to the cent, the company absorbing the rest. Hand-computed cases."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import pytest

from tenants.parts.loss_split import split_loss
from tests.factories import make_membership, make_user
from tests.parts.counts_steps import SIGNERS, ledger_state, request_write_off, sign
from tests.parts.factories_parts import PartsShop, book


@pytest.mark.parametrize(
    ("loss", "company", "each"),
    [
        ("100.00", "70.00", "10.00"),
        ("123.45", "86.43", "12.34"),  # 12.345 -> 12.34 each; 123.45 - 37.02
        ("999.99", "700.02", "99.99"),  # 99.999 -> 99.99 each; 999.99 - 299.97
        ("10.01", "7.01", "1.00"),
        ("0.05", "0.05", "0.00"),
        ("0", "0.00", "0.00"),
    ],
)
def test_hand_computed_splits(loss: str, company: str, each: str) -> None:
    shares = split_loss(Decimal(loss))
    assert [(s.party, s.share) for s in shares] == [
        ("company", Decimal("0.70")),
        ("service_manager", Decimal("0.10")),
        ("parts_manager", Decimal("0.10")),
        ("warehouse_keeper", Decimal("0.10")),
    ]
    assert [s.amount for s in shares] == [Decimal(company), *[Decimal(each)] * 3]
    assert sum(s.amount for s in shares) == Decimal(loss)


def test_a_negative_loss_is_impossible() -> None:
    with pytest.raises(ValueError):
        split_loss(Decimal("-1"))


async def test_the_approved_loss_is_the_fifo_value_split_among_the_signers_and_keeper(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop, pad = parts_shop, parts_shop.items["pad"]
    # Lots: 4 pads @ 250 (factory), then 2 @ 263.45. Five written off take 4 @ 250 and
    # 1 @ 263.45: 1,263.45, i.e. 252.69 each.
    await book(db, shop.dealer_id, pad, "receipt", "2", unit_cost="263.45")
    created = await request_write_off(shop, "pad", "5", reason="obsolete")
    assert created.unit_cost == Decimal("252.69")  # the estimate at request
    for post, capacity in SIGNERS:
        await sign(shop, created.id, post, capacity)

    row = await db.fetchrow("select * from write_off where id = $1", created.id)
    assert (row["status"], row["loss_amount"], row["unit_cost"]) == (
        "approved",
        Decimal("1263.45"),
        Decimal("252.69"),
    )
    shares = await db.fetch(
        "select party, user_id, share, amount from write_off_loss_share where write_off_id = $1",
        created.id,
    )
    # 10% of 1,263.45 is 126.345: 126.34 each, the company 1,263.45 - 379.02 = 884.43.
    assert {(r["party"], r["user_id"], r["share"], r["amount"]) for r in shares} == {
        ("company", None, Decimal("0.7000"), Decimal("884.43")),
        ("service_manager", shop.users["manager"], Decimal("0.1000"), Decimal("126.34")),
        ("parts_manager", shop.users["parts_manager"], Decimal("0.1000"), Decimal("126.34")),
        ("warehouse_keeper", shop.users["keeper"], Decimal("0.1000"), Decimal("126.34")),
    }
    # The parts stay in the store until disposed, but are off the books.
    state = await ledger_state(db, pad)
    assert state["on_hand"] == state["ledger"] == state["lots"] == Decimal(1)
    remaining = await db.fetchrow(
        "select remaining, unit_cost from stock_lot where stock_item_id = $1 and remaining > 0",
        pad,
    )
    assert (remaining["remaining"], remaining["unit_cost"]) == (Decimal(1), Decimal("263.45"))


async def test_the_keeper_named_on_the_request_shares_the_loss(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    night_keeper = await make_user(db, "night_keeper")
    await make_membership(db, parts_shop.dealer_id, night_keeper, ["warehouse_keeper"])
    parts_shop.users["night_keeper"] = night_keeper
    created = await request_write_off(parts_shop, "filter", "3", keeper="night_keeper")
    for post, capacity in SIGNERS:
        await sign(parts_shop, created.id, post, capacity)
    keeper_share = await db.fetchrow(
        "select user_id, amount from write_off_loss_share where write_off_id = $1"
        " and party = 'warehouse_keeper'",
        created.id,
    )
    # 3 filters @ 50 = 150.00: 15.00 for the keeper on the request, not the requester.
    assert (keeper_share["user_id"], keeper_share["amount"]) == (night_keeper, Decimal("15.00"))

"""Steps of the count and write-off tests, run through the services as a person of the
parts department (each step its own tenant transaction, as a mutation would be)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg

from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tenants.parts import count_review, counts, write_off_signing, write_offs
from tests.parts.factories_parts import PartsShop


@asynccontextmanager
async def acting(shop: PartsShop, post: str) -> AsyncIterator[ActiveTransaction]:
    """One transaction at the shop's dealer on behalf of ``post``."""
    scope = TenantScope.of([shop.dealer_id], user_id=shop.users[post])
    async with tenant_transaction(scope) as tx:
        yield tx


async def create(
    shop: PartsShop,
    kind: str,
    *,
    post: str = "keeper",
    since: datetime | None = None,
    bin_prefix: str = "",
) -> counts.CreatedCount:
    async with acting(shop, post) as tx:
        return await counts.create_count(
            tx, shop.dealer_id, kind, since=since, bin_prefix=bin_prefix
        )


async def lines(owner: asyncpg.Connection, count_id: int) -> list[asyncpg.Record]:
    """The count's lines in bin order, with the item's part key columns."""
    return await owner.fetch(
        "select l.*, s.bin_location from stock_count_line l"
        " join stock_item s on s.id = l.stock_item_id where l.stock_count_id = $1"
        " order by s.bin_location = '', s.bin_location",
        count_id,
    )


async def item_ids(owner: asyncpg.Connection, count_id: int) -> list[int]:
    return [r["stock_item_id"] for r in await lines(owner, count_id)]


async def record(
    shop: PartsShop,
    owner: asyncpg.Connection,
    count_id: int,
    quantities: Mapping[int, str],
    *,
    post: str = "keeper",
) -> None:
    """Counted quantities per stock item id."""
    by_item = {r["stock_item_id"]: r["id"] for r in await lines(owner, count_id)}
    async with acting(shop, post) as tx:
        await counts.record_counted(
            tx,
            shop.dealer_id,
            count_id,
            [counts.CountedEntry(by_item[item], Decimal(q)) for item, q in quantities.items()],
        )


async def explain(
    shop: PartsShop,
    owner: asyncpg.Connection,
    count_id: int,
    item: int,
    responsibility: str = "recording_error",
    *,
    person: int | None = None,
    cause: str = "miscounted at receipt",
    post: str = "keeper",
) -> None:
    line = next(r["id"] for r in await lines(owner, count_id) if r["stock_item_id"] == item)
    async with acting(shop, post) as tx:
        await counts.explain_differences(
            tx,
            shop.dealer_id,
            count_id,
            [counts.Explanation(line, cause, responsibility, person)],
        )


async def submit(
    shop: PartsShop, count_id: int, *, post: str = "keeper", witness: str | None = None
) -> None:
    async with acting(shop, post) as tx:
        await count_review.submit_count(tx, shop.dealer_id, count_id, finance_witness=witness)


async def approve(
    shop: PartsShop, count_id: int, *, post: str = "parts_manager"
) -> list[count_review.Adjustment]:
    async with acting(shop, post) as tx:
        return await count_review.approve_count(tx, shop.dealer_id, count_id)


async def counted_and_approved(
    shop: PartsShop, owner: asyncpg.Connection, kind: str = "cycle", **quantities: str
) -> int:
    """A count of ``kind`` counted as given (item key -> quantity; others as on hand),
    differences explained as recording errors, submitted by the keeper and approved by
    the parts manager."""
    created = await create(shop, kind)
    on_hand = {r["stock_item_id"]: r["expected_qty"] for r in await lines(owner, created.id)}
    wanted = {shop.items[k]: q for k, q in quantities.items()}
    await record(shop, owner, created.id, {i: wanted.get(i, str(q)) for i, q in on_hand.items()})
    for item, quantity in wanted.items():
        if Decimal(quantity) != on_hand[item]:
            await explain(shop, owner, created.id, item)
    await submit(shop, created.id)
    await approve(shop, created.id)
    return created.id


async def ledger_state(owner: asyncpg.Connection, item: int) -> dict[str, Any]:
    """Balance, ledger sum and lots remaining of one item: the three always agree."""
    row = await owner.fetchrow(
        "select s.on_hand,"
        " (select coalesce(sum(quantity), 0) from stock_movement where stock_item_id = s.id)"
        "   as ledger,"
        " (select coalesce(sum(remaining), 0) from stock_lot where stock_item_id = s.id) as lots"
        " from stock_item s where s.id = $1",
        item,
    )
    assert row is not None
    return dict(row)


async def request_write_off(
    shop: PartsShop,
    key: str = "pad",
    quantity: str = "1",
    *,
    post: str = "keeper",
    keeper: str = "keeper",
    **overrides: Any,
) -> write_offs.CreatedWriteOff:
    fields: dict[str, Any] = {
        "stock_item_id": shop.items[key],
        "quantity": Decimal(quantity),
        "reason": "damaged",
        "description": "Crushed in the rack",
        "cannot_claim": True,
        "cannot_return": True,
        "cannot_repair": True,
        "human_caused": False,
        "warehouse_keeper_id": shop.users[keeper],
    }
    fields.update(overrides)
    async with acting(shop, post) as tx:
        return await write_offs.request_write_off(
            tx, shop.dealer_id, write_offs.WriteOffRequest(**fields)
        )


SIGNERS = (
    ("manager", "service_manager"),
    ("claims", "claims_supervisor"),
    ("parts_manager", "parts_manager"),
)
"""Post of the shop and the capacity each signs in."""


async def sign(
    shop: PartsShop,
    write_off_id: int,
    post: str,
    capacity: str,
    *,
    approve: bool = True,
    note: str = "",
) -> write_off_signing.SignOutcome:
    async with acting(shop, post) as tx:
        return await write_off_signing.sign_write_off(
            tx,
            shop.dealer_id,
            write_off_id,
            capacity=capacity,
            decision="approved" if approve else "rejected",
            note=note,
        )

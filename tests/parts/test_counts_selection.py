"""Which items each kind of count takes: cycle counts take the items moved since their
last approved count (or since a date), daily and monthly counts the items with stock
or a movement in the period, quarterly counts every item; lines come in bin order and
an item is never in two unfinished counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from tenants.parts.errors import RuleViolation
from tests.parts.counts_steps import counted_and_approved, create, item_ids, lines
from tests.parts.factories_parts import PartsShop, add_part, add_stock_item, book


async def _item(db: asyncpg.Connection, shop: PartsShop, name: str, bin_location: str) -> int:
    part = await add_part(db, shop.manufacturer_id, name, "10")
    return await add_stock_item(db, shop.dealer_id, part, bin_location=bin_location, unit_cost="5")


async def test_cycle_count_takes_moved_items_in_bin_order(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    items = parts_shop.items
    created = await create(parts_shop, "cycle")
    # old_pad never moved; the others' receipts are their movements. Bin order:
    # A-01-1-01 filter, A-02-3-04 pad, B-01-1-01 oil.
    assert await item_ids(db, created.id) == [items["filter"], items["pad"], items["oil"]]
    assert [r["expected_qty"] for r in await lines(db, created.id)] == [10, 4, 40]
    assert created.skipped == 0
    assert created.number.startswith(
        await db.fetchval("select code from dealer where id = $1", parts_shop.dealer_id) + "-SC-"
    )


async def test_cycle_count_takes_only_items_moved_since_their_last_approved_count(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    await counted_and_approved(parts_shop, db, filter="9")
    # The approval's own adjustment is not a move to count again.
    with pytest.raises(RuleViolation) as refused:
        await create(parts_shop, "cycle")
    assert refused.value.rule == "nothing_to_count"
    await book(db, parts_shop.dealer_id, parts_shop.items["pad"], "issue", "-1")
    created = await create(parts_shop, "cycle")
    assert await item_ids(db, created.id) == [parts_shop.items["pad"]]


async def test_cycle_count_since_a_date(db: asyncpg.Connection, parts_shop: PartsShop) -> None:
    now = datetime.now(UTC)
    old = await _item(db, parts_shop, "Wiper blade", "C-09-1-01")
    await book(
        db, parts_shop.dealer_id, old, "receipt", "3", at=(now - timedelta(days=10)).isoformat()
    )
    recent = await create(parts_shop, "cycle", since=now - timedelta(days=5))
    assert old not in await item_ids(db, recent.id)
    assert parts_shop.items["filter"] in await item_ids(db, recent.id)

    await db.execute("update stock_count set status = 'cancelled' where id = $1", recent.id)
    wider = await create(parts_shop, "cycle", since=now - timedelta(days=20))
    assert old in await item_ids(db, wider.id)


async def test_a_cycle_count_of_one_zone(db: asyncpg.Connection, parts_shop: PartsShop) -> None:
    created = await create(parts_shop, "cycle", bin_prefix="a-02")
    assert await item_ids(db, created.id) == [parts_shop.items["pad"]]
    assert (
        await db.fetchval("select bin_prefix from stock_count where id = $1", created.id) == "A-02"
    )


async def test_daily_count_takes_items_with_stock_or_moved_today(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    emptied = await _item(db, parts_shop, "Spark plug", "C-01-2-01")
    await book(db, parts_shop.dealer_id, emptied, "receipt", "2", unit_cost="5")
    await book(db, parts_shop.dealer_id, emptied, "issue", "-2")
    created = await create(parts_shop, "daily")
    taken = await item_ids(db, created.id)
    assert emptied in taken  # no stock, but it moved today
    assert parts_shop.items["old_pad"] not in taken  # no stock, never moved
    assert set(taken) >= {parts_shop.items[k] for k in ("filter", "pad", "oil")}


async def test_monthly_and_quarterly_counts(db: asyncpg.Connection, parts_shop: PartsShop) -> None:
    last_month = await db.fetchval("select date_trunc('month', now()) - interval '5 days'")
    stale = await _item(db, parts_shop, "Fuse 10A", "D-01-1-01")
    await book(db, parts_shop.dealer_id, stale, "receipt", "1", at=last_month.isoformat())
    await book(db, parts_shop.dealer_id, stale, "issue", "-1", at=last_month.isoformat())
    retired = await _item(db, parts_shop, "Old gasket", "D-01-1-02")
    await db.execute("update stock_item set active = false where id = $1", retired)

    monthly = await create(parts_shop, "monthly")
    taken = await item_ids(db, monthly.id)
    assert stale not in taken and parts_shop.items["old_pad"] not in taken
    assert set(taken) == {parts_shop.items[k] for k in ("filter", "pad", "oil")}

    await db.execute("update stock_count set status = 'cancelled' where id = $1", monthly.id)
    quarterly = await create(parts_shop, "quarterly")
    taken = await item_ids(db, quarterly.id)
    # Every item the dealer keeps, stocked or not; a retired empty item is not kept.
    assert set(taken) == {*parts_shop.items.values(), stale}
    assert retired not in taken


async def test_an_item_is_never_in_two_unfinished_counts(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    zone = await create(parts_shop, "cycle", bin_prefix="A-01")
    assert await item_ids(db, zone.id) == [parts_shop.items["filter"]]
    daily = await create(parts_shop, "daily")
    assert parts_shop.items["filter"] not in await item_ids(db, daily.id)
    assert daily.skipped == 1
    assert await db.fetchval("select skipped_items from stock_count where id = $1", daily.id) == 1

    with pytest.raises(RuleViolation) as refused:
        await create(parts_shop, "monthly")
    assert refused.value.rule == "count_in_progress"


@pytest.mark.parametrize(
    ("kind", "fields", "rule"),
    [
        ("daily", {"since": datetime(2026, 1, 1, tzinfo=UTC)}, "cycle_only"),
        ("monthly", {"bin_prefix": "A-01"}, "full_count"),
        ("cycle", {"bin_prefix": "A_01;"}, "bin_prefix"),
        ("cycle", {"since": datetime.now(UTC) + timedelta(days=2)}, "not_in_future"),
        ("weekly", {}, "count_kind"),
    ],
)
async def test_bad_count_scopes_are_refused(
    db: asyncpg.Connection, parts_shop: PartsShop, kind: str, fields: dict[str, object], rule: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        await create(parts_shop, kind, **fields)  # type: ignore[arg-type]
    assert refused.value.rule == rule
    assert await db.fetchval("select count(*) from stock_count") == 0


async def test_two_counts_opened_at_once_never_share_an_item(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    results = await asyncio.gather(
        create(parts_shop, "daily"), create(parts_shop, "daily"), return_exceptions=True
    )
    opened = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    # The second waits for the first (advisory lock) and finds every item taken.
    assert len(opened) == 1 and len(refused) == 1, results
    assert refused[0].rule == "nothing_to_count"
    assert (
        await db.fetchval("select count(*) - count(distinct stock_item_id) from stock_count_line")
        == 0
    )

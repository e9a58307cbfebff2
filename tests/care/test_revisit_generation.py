"""Revisit generation: one revisit per delivered order, due on the dealer's local days
(1 to 3 after delivery by default, as the dealer sets it) in any time zone and across
daylight saving changes; nothing for cancelled, future or long-past orders; never
twice, however often and however concurrently the generator runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import asyncpg
import pytest

from tenants.care.revisit_generation import dealers_due, generate_revisits
from tests.care.factories_care import CareDesk, deliver_order, make_care_desk
from tests.care.generation_arrange import local, revisits, set_rules

ZONES = ("Asia/Shanghai", "America/New_York", "Europe/Berlin")


@pytest.mark.parametrize("time_zone", ZONES)
@pytest.mark.parametrize(("hour", "minute"), [(0, 30), (23, 30)])
async def test_due_days_are_the_dealers_local_days(
    db: asyncpg.Connection, time_zone: str, hour: int, minute: int
) -> None:
    desk = await make_care_desk(db, time_zone=time_zone)
    delivered = local(time_zone, 2026, 6, 10, hour, minute)
    order = await deliver_order(db, desk, delivered)
    assert await generate_revisits(delivered + timedelta(hours=2)) == 1
    [revisit] = await revisits(db, desk.dealer_id)
    assert revisit["repair_order_id"] == order
    assert revisit["delivered_at"] == delivered
    assert (revisit["due_from"], revisit["due_by"]) == (date(2026, 6, 11), date(2026, 6, 13))
    assert (revisit["status"], revisit["round"], revisit["attempts"]) == ("open", 1, 0)
    assert (revisit["customer_id"], revisit["vehicle_id"]) == (desk.customer_id, desk.vehicle_id)
    assert revisit["advisor_user_id"] == desk.users["advisor"]


async def test_one_moment_is_a_different_day_in_each_dealers_zone(
    db: asyncpg.Connection,
) -> None:
    """16:30 UTC is already tomorrow 00:30 in Shanghai, still today in New York and Berlin."""
    moment = datetime(2026, 6, 10, 16, 30, tzinfo=UTC)
    desks = {zone: await make_care_desk(db, time_zone=zone) for zone in ZONES}
    for desk in desks.values():
        await deliver_order(db, desk, moment)
    assert await generate_revisits(moment + timedelta(minutes=1)) == len(ZONES)
    due = {
        zone: [(r["due_from"], r["due_by"]) for r in await revisits(db, desk.dealer_id)]
        for zone, desk in desks.items()
    }
    assert due == {
        "Asia/Shanghai": [(date(2026, 6, 12), date(2026, 6, 14))],
        "America/New_York": [(date(2026, 6, 11), date(2026, 6, 13))],
        "Europe/Berlin": [(date(2026, 6, 11), date(2026, 6, 13))],
    }


# The evening before each change (2026): New York springs forward on 8 March and falls back
# on 1 November; Berlin on 29 March and 25 October. 23:30 local is already the next day in
# UTC in New York; 00:30 local the day before in UTC in Berlin.
DST_CASES = [
    ("America/New_York", (2026, 3, 7, 23, 30), date(2026, 3, 7)),
    ("America/New_York", (2026, 10, 31, 23, 30), date(2026, 10, 31)),
    ("America/New_York", (2026, 3, 8, 3, 30), date(2026, 3, 8)),
    ("Europe/Berlin", (2026, 3, 28, 23, 30), date(2026, 3, 28)),
    ("Europe/Berlin", (2026, 10, 24, 23, 30), date(2026, 10, 24)),
    ("Europe/Berlin", (2026, 3, 29, 0, 30), date(2026, 3, 29)),
    ("Europe/Berlin", (2026, 10, 25, 0, 30), date(2026, 10, 25)),
]


@pytest.mark.parametrize(("time_zone", "wall", "local_day"), DST_CASES)
async def test_due_days_across_daylight_saving_changes(
    db: asyncpg.Connection, time_zone: str, wall: tuple[int, ...], local_day: date
) -> None:
    desk = await make_care_desk(db, time_zone=time_zone)
    delivered = local(time_zone, *wall)
    await deliver_order(db, desk, delivered)
    # The generator runs three days later, past the change, with the clock in UTC.
    assert await generate_revisits(delivered + timedelta(days=3)) == 1
    [revisit] = await revisits(db, desk.dealer_id)
    assert revisit["due_from"] == local_day + timedelta(days=1)
    assert revisit["due_by"] == local_day + timedelta(days=3)


async def test_the_dealers_own_delay(db: asyncpg.Connection, desk: CareDesk) -> None:
    await set_rules(db, desk, revisit_after_days=2, revisit_within_days=5)
    delivered = local(desk.time_zone, 2026, 9, 1, 17, 0)
    await deliver_order(db, desk, delivered)
    await generate_revisits(delivered + timedelta(minutes=10))
    [revisit] = await revisits(db, desk.dealer_id)
    assert (revisit["due_from"], revisit["due_by"]) == (date(2026, 9, 3), date(2026, 9, 6))


async def test_same_day_calls_when_the_dealer_says_so(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    await set_rules(db, desk, revisit_after_days=0, revisit_within_days=1)
    delivered = local(desk.time_zone, 2026, 9, 1, 10, 0)
    await deliver_order(db, desk, delivered)
    await generate_revisits(delivered + timedelta(minutes=10))
    [revisit] = await revisits(db, desk.dealer_id)
    assert (revisit["due_from"], revisit["due_by"]) == (date(2026, 9, 1), date(2026, 9, 2))


async def test_cancelled_future_and_old_orders_get_none(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    now = local(desk.time_zone, 2026, 9, 20, 12, 0)
    cancelled = await deliver_order(db, desk, now - timedelta(days=1))
    await db.execute("update repair_order set status = 'cancelled' where id = $1", cancelled)
    await deliver_order(db, desk, now + timedelta(minutes=5))  # not yet, by this clock
    # Default window 3 days + 30 days of grace: 34 days back is history, 32 is not.
    await deliver_order(db, desk, now - timedelta(days=34))
    kept = await deliver_order(db, desk, now - timedelta(days=32))
    assert await generate_revisits(now) == 1
    assert [r["repair_order_id"] for r in await revisits(db, desk.dealer_id)] == [kept]


async def test_a_redelivered_order_keeps_its_one_revisit(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    delivered = local(desk.time_zone, 2026, 9, 1, 15, 0)
    order = await deliver_order(db, desk, delivered)
    await generate_revisits(delivered + timedelta(hours=1))
    # Reopened for a forgotten item and delivered again the next day.
    await db.execute("update repair_order set status = 'settled' where id = $1", order)
    await db.execute(
        "update repair_order set status = 'delivered', delivered_at = $2 where id = $1",
        order,
        delivered + timedelta(days=1),
    )
    assert await generate_revisits(delivered + timedelta(days=1, hours=1)) == 0
    [revisit] = await revisits(db, desk.dealer_id)
    assert revisit["due_from"] == date(2026, 9, 2)


async def test_each_dealer_gets_its_own_and_the_others_are_untouched(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    now = local(desk.time_zone, 2026, 9, 2, 9, 0)
    mine = await deliver_order(db, desk, now - timedelta(hours=20))
    far = await deliver_order(db, desk, now - timedelta(hours=20), dealer_id=desk.far_dealer_id)
    assert await dealers_due(now) == sorted([desk.dealer_id, desk.far_dealer_id])
    assert await generate_revisits(now, [desk.dealer_id]) == 1
    assert [r["repair_order_id"] for r in await revisits(db, desk.dealer_id)] == [mine]
    assert await revisits(db, desk.far_dealer_id) == []
    assert await dealers_due(now) == [desk.far_dealer_id]
    assert await generate_revisits(now) == 1
    assert [r["repair_order_id"] for r in await revisits(db, desk.far_dealer_id)] == [far]
    assert await dealers_due(now) == []


async def test_every_revisit_is_audited_as_generated(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    now = local(desk.time_zone, 2026, 9, 2, 9, 0)
    for hours in (5, 6):
        await deliver_order(db, desk, now - timedelta(hours=hours))
    await generate_revisits(now)
    entries = await db.fetch(
        "select a.object_id, a.after ->> 'actor' as actor from audit_entry a where a.dealer_id = $1"
        " and a.action = 'revisit.generated' order by a.object_id",
        desk.dealer_id,
    )
    rows = await revisits(db, desk.dealer_id)
    assert [e["object_id"] for e in entries] == sorted(str(r["id"]) for r in rows)
    assert {e["actor"] for e in entries} == {"revisit_generator"}


async def test_runs_repeated_or_concurrent_never_duplicate_or_lose(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    now = local(desk.time_zone, 2026, 9, 2, 9, 0)
    orders = [await deliver_order(db, desk, now - timedelta(hours=h)) for h in range(1, 13)]
    far = [
        await deliver_order(db, desk, now - timedelta(hours=h), dealer_id=desk.far_dealer_id)
        for h in range(1, 5)
    ]
    results = await asyncio.gather(*(generate_revisits(now) for _ in range(3)))
    assert sum(results) == len(orders) + len(far)
    assert [r["repair_order_id"] for r in await revisits(db, desk.dealer_id)] == orders
    assert [r["repair_order_id"] for r in await revisits(db, desk.far_dealer_id)] == far
    assert await generate_revisits(now + timedelta(minutes=10)) == 0
    assert await db.fetchval("select count(*) from revisit") == len(orders) + len(far)


async def test_needs_an_aware_clock(db: asyncpg.Connection) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await generate_revisits(local("UTC", 2026, 1, 1, 0, 0).replace(tzinfo=None))

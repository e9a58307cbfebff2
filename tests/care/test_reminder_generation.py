"""Who is a target and how the list is kept: lost customers and those long not back
(lapsed, listed apart) are excluded; the horizon counts in the dealer's local date;
regenerating changes nothing, targets no longer effective expire and come back when
effective again; maintenance already worked since the last visit is not offered again."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg

from tenants.care.reminder_targets import lapsed_vehicles
from tenants.care.reminders import record_contact
from tenants.database import TenantScope, tenant_transaction
from tests.care.factories_care import CareDesk, deliver_order, make_care_desk, make_customer_vehicle
from tests.care.reminder_arrange import add_reading, generate, targets

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


async def test_lost_and_lapsed_customers_are_not_targets(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    due = date(2026, 3, 20)
    kept = await make_customer_vehicle(db, desk, insurance_expires_on=due)
    lost = await make_customer_vehicle(db, desk, insurance_expires_on=due, lost=True)
    lapsed = await make_customer_vehicle(db, desk, insurance_expires_on=due)
    recent = await make_customer_vehicle(db, desk, insurance_expires_on=due)
    # 18 months before 2026-03-10 is 2024-09-10: a last visit before it is too long ago.
    await deliver_order(db, desk, datetime(2024, 9, 9, 2, tzinfo=UTC), customer_vehicle=lapsed)
    await deliver_order(db, desk, datetime(2024, 9, 11, 2, tzinfo=UTC), customer_vehicle=recent)
    await db.execute(
        "update customer set created_at = '2023-01-01' where id = any($1::bigint[])",
        [kept[0], lost[0], lapsed[0], recent[0]],
    )
    # A customer never serviced but sold a car recently is not lapsed either.
    await db.execute("update vehicle set sale_date = '2025-06-01' where id = $1", kept[1])

    await generate(desk, NOW)
    assert {r["vehicle_id"] for r in await targets(db, desk, "insurance")} == {
        kept[1],
        recent[1],
    }
    async with tenant_transaction(TenantScope.of((desk.dealer_id,)), fresh=True) as tx:
        listed = await lapsed_vehicles(tx.connection, desk.dealer_id, NOW, 0, 50)
    assert [r["vehicle_id"] for r in listed] == [lapsed[1]]
    assert listed[0]["last_visit_on"] == date(2024, 9, 9)
    assert listed[0]["months_away"] == 18


async def test_recent_visit_with_another_car_keeps_the_customer(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    customer, old_car = await make_customer_vehicle(
        db, desk, insurance_expires_on=date(2026, 3, 25)
    )
    second: int = await db.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin) values ($1, $2, 'LSVCC2BM900000001')"
        " returning id",
        desk.dealer_id,
        customer,
    )
    await db.execute("update customer set created_at = '2020-01-01' where id = $1", customer)
    await deliver_order(
        db, desk, datetime(2026, 1, 4, 2, tzinfo=UTC), customer_vehicle=(customer, second)
    )
    await generate(desk, NOW)
    assert [r["vehicle_id"] for r in await targets(db, desk, "insurance")] == [old_car]


async def test_the_horizon_ends_in_the_dealers_local_date(db: asyncpg.Connection) -> None:
    # 06:00 UTC on 10 March 2026 is 14:00 on the 10th in Shanghai but 23:00 on the 9th in
    # Los Angeles (daylight saving time began on 8 March there): each today + 30 days.
    instant = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    for zone, last_day in (
        ("Asia/Shanghai", date(2026, 4, 9)),
        ("America/Los_Angeles", date(2026, 4, 8)),
    ):
        desk = await make_care_desk(db, time_zone=zone)
        edge = await make_customer_vehicle(db, desk, insurance_expires_on=last_day)
        after = await make_customer_vehicle(
            db, desk, insurance_expires_on=date.fromordinal(last_day.toordinal() + 1)
        )
        run = await generate(desk, instant)
        assert run.as_of == date.fromordinal(last_day.toordinal() - 30)
        listed = {r["vehicle_id"] for r in await targets(db, desk, "insurance")}
        assert edge[1] in listed, zone
        assert after[1] not in listed, zone


async def test_overdue_maintenance_stays_60_days(db: asyncpg.Connection, desk: CareDesk) -> None:
    cars = {}
    for days_late in (60, 61):
        cv = await make_customer_vehicle(db, desk)
        due = date.fromordinal(date(2026, 3, 10).toordinal() - days_late)
        await deliver_order(
            db, desk, datetime(2025, 10, 1, 2, tzinfo=UTC), customer_vehicle=cv,
            next_service_date=due, next_service_km=90000,
        )  # fmt: skip
        cars[days_late] = cv[1]
    await generate(desk, NOW)
    assert [r["vehicle_id"] for r in await targets(db, desk, "maintenance")] == [cars[60]]


async def test_regeneration_is_idempotent_and_expires_what_is_no_longer_due(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    first = await make_customer_vehicle(db, desk, insurance_expires_on=date(2026, 3, 20))
    second = await make_customer_vehicle(db, desk, insurance_expires_on=date(2026, 3, 21))
    run = await generate(desk, NOW)
    assert (run.inserted, run.refreshed, run.expired) == (2, 0, 0)
    ids = {r["id"] for r in await targets(db, desk)}
    again = await generate(desk, NOW)
    assert (again.inserted, again.refreshed, again.expired) == (0, 2, 0)
    assert {r["id"] for r in await targets(db, desk)} == ids

    # The first customer's call is recorded; the second is marked lost, then found again.
    first_id = next(r["id"] for r in await targets(db, desk) if r["vehicle_id"] == first[1])
    async with tenant_transaction(TenantScope.of((desk.dealer_id,), desk.users["cs"])) as tx:
        await record_contact(tx, desk.dealer_id, first_id, "contacted", "calls back", NOW)
    await db.execute("update customer set lost = true where id = any($1::bigint[])",
                     [first[0], second[0]])  # fmt: skip
    gone = await generate(desk, NOW)
    assert gone.expired == 1  # the open one; the call made is kept
    statuses = {r["vehicle_id"]: r["status"] for r in await targets(db, desk)}
    assert statuses == {first[1]: "contacted", second[1]: "expired"}

    await db.execute("update customer set lost = false where id = $1", second[0])
    back = await generate(desk, NOW)
    assert (back.inserted, back.refreshed, back.expired) == (0, 1, 0)
    rows = await targets(db, desk)
    assert {r["id"] for r in rows} == ids
    assert {r["vehicle_id"]: r["status"] for r in rows}[second[1]] == "open"
    runs = await db.fetch(
        "select trigger, inserted, refreshed, expired from care_reminder_run"
        " where dealer_id = $1 order by id",
        desk.dealer_id,
    )
    assert [tuple(r) for r in runs] == [
        ("on_demand", 2, 0, 0),
        ("on_demand", 0, 2, 0),
        ("on_demand", 0, 0, 1),
        ("on_demand", 0, 1, 0),
    ]
    assert (
        await db.fetchval(
            "select count(*) from audit_entry where action = 'care_reminder.generate'"
        )
        == 4
    )


async def test_worked_maintenance_is_not_offered_again_until_the_next_visit(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cv = await make_customer_vehicle(db, desk)
    await deliver_order(
        db, desk, datetime(2025, 12, 1, 2, tzinfo=UTC), customer_vehicle=cv,
        next_service_date=date(2026, 6, 1), next_service_km=15000, mileage=10000,
    )  # fmt: skip
    await add_reading(db, desk, cv[1], 10000, datetime(2025, 12, 1, 2, tzinfo=UTC))
    await add_reading(db, desk, cv[1], 11500, datetime(2025, 12, 31, 2, tzinfo=UTC))
    await generate(desk, NOW)
    [target] = await targets(db, desk, "maintenance")
    async with tenant_transaction(TenantScope.of((desk.dealer_id,), desk.users["cs"])) as tx:
        await record_contact(tx, desk.dealer_id, target["id"], "declined", "next month", NOW)
    # A new reading moves the estimate to 14 February (66.67 km/day): the same
    # maintenance, already worked.
    await add_reading(db, desk, cv[1], 14000, datetime(2026, 1, 30, 2, tzinfo=UTC))
    later = datetime(2026, 3, 12, 2, tzinfo=UTC)
    await generate(desk, later)
    rows = await targets(db, desk, "maintenance")
    assert [(r["id"], r["status"]) for r in rows] == [(target["id"], "declined")]

    # After the next visit the cycle starts again.
    await deliver_order(
        db, desk, datetime(2026, 3, 13, 2, tzinfo=UTC), customer_vehicle=cv,
        next_service_date=date(2026, 4, 1), mileage=16000,
    )  # fmt: skip
    await generate(desk, datetime(2026, 3, 14, 2, tzinfo=UTC))
    rows = await targets(db, desk, "maintenance")
    assert [(r["status"], r["due_on"]) for r in rows] == [
        ("declined", target["due_on"]),
        ("open", date(2026, 4, 1)),
    ]

"""Due dates of the effective targets, computed by hand: maintenance by the date told at
delivery, by months after the last service, by the mileage estimate, the first service
of a car never serviced here; insurance and warranty expiry (under the km limit by
estimate); declined work; open recalls on the VIN. The dealer is in Shanghai; "today"
is 2026-03-10 local, the horizon 30 days (to 2026-04-09)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from tests.care.factories_care import CareDesk, deliver_order, make_customer_vehicle
from tests.care.reminder_arrange import (
    add_reading,
    decline_line,
    generate,
    make_recall,
    targets,
    vin_of,
)
from tests.factories import make_manufacturer

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def utc(y: int, m: int, d: int, h: int = 2) -> datetime:
    return datetime(y, m, d, h, 0, tzinfo=UTC)


async def only(db: asyncpg.Connection, desk: CareDesk, vehicle: int, kind: str) -> dict[str, Any]:
    rows = [r for r in await targets(db, desk, kind) if r["vehicle_id"] == vehicle]
    assert len(rows) == 1, rows
    return rows[0]


async def test_maintenance_by_the_date_told_at_delivery(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cv = await make_customer_vehicle(db, desk)
    await deliver_order(
        db, desk, utc(2025, 9, 20), customer_vehicle=cv,
        next_service_date=date(2026, 3, 25), next_service_km=30000, mileage=25000,
    )  # fmt: skip
    await generate(desk, NOW)
    row = await only(db, desk, cv[1], "maintenance")
    assert (row["due_on"], row["status"], row["source_key"]) == (date(2026, 3, 25), "open", "")
    basis = row["basis"]
    assert basis["by"] == "date"
    assert basis["date_rule"] == "next_service_date"
    assert basis["km_rule"] == "next_service_km"
    assert basis["target_km"] == 30000
    assert basis["km_due"] is None  # no readings: no estimate
    assert basis["last_service_on"] == "2025-09-20"


async def test_maintenance_months_after_the_local_delivery_day(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cv = await make_customer_vehicle(db, desk)
    # 18:00 UTC on 30 September is 02:00 on 1 October in Shanghai: the local day counts.
    await deliver_order(db, desk, utc(2025, 9, 30, 18), customer_vehicle=cv, mileage=20000)
    await generate(desk, NOW)
    row = await only(db, desk, cv[1], "maintenance")
    assert row["due_on"] == date(2026, 4, 1)  # 2025-10-01 + 6 months
    assert row["basis"]["date_rule"] == "maintenance_months"
    assert row["basis"]["months"] == 6
    assert (row["basis"]["km_rule"], row["basis"]["target_km"]) == ("maintenance_km", 25000)


async def test_maintenance_by_mileage_estimate_when_earlier(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cv = await make_customer_vehicle(db, desk)
    await deliver_order(
        db, desk, utc(2025, 12, 1), customer_vehicle=cv,
        next_service_date=date(2026, 6, 1), next_service_km=15000, mileage=10000,
    )  # fmt: skip
    await add_reading(db, desk, cv[1], 10000, utc(2025, 12, 1))
    await add_reading(db, desk, cv[1], 11500, utc(2025, 12, 31))  # 1500 km in 30 days
    await generate(desk, NOW)
    row = await only(db, desk, cv[1], "maintenance")
    # 3500 km to go at 50 km/day = 70 days after the reading of 2025-12-31.
    assert row["due_on"] == date(2026, 3, 11)
    basis = row["basis"]
    assert basis["by"] == "km"
    assert Decimal(str(basis["km_per_day"])) == Decimal("50.00")
    assert (basis["km_due"], basis["date_due"]) == ("2026-03-11", "2026-06-01")
    assert (basis["reading_km"], basis["reading_on"]) == (11500, "2025-12-31")


async def test_readings_less_than_14_days_apart_give_no_estimate(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cv = await make_customer_vehicle(db, desk)
    await deliver_order(
        db, desk, utc(2025, 12, 1), customer_vehicle=cv,
        next_service_date=date(2026, 6, 1), next_service_km=15000, mileage=10000,
    )  # fmt: skip
    await add_reading(db, desk, cv[1], 10000, utc(2026, 2, 20))
    await add_reading(db, desk, cv[1], 14000, utc(2026, 3, 2))  # 400 km/day, but 10 days
    await generate(desk, NOW)
    assert await targets(db, desk, "maintenance") == []  # by date: June, beyond the horizon


async def test_a_correction_restarts_the_estimate(db: asyncpg.Connection, desk: CareDesk) -> None:
    cv = await make_customer_vehicle(db, desk)
    await deliver_order(
        db, desk, utc(2025, 12, 1), customer_vehicle=cv,
        next_service_date=date(2026, 9, 1), next_service_km=15000, mileage=10000,
    )  # fmt: skip
    await add_reading(db, desk, cv[1], 90000, utc(2025, 11, 1))  # before the new odometer
    await add_reading(db, desk, cv[1], 10000, utc(2025, 12, 1), source="correction")
    await add_reading(db, desk, cv[1], 12000, utc(2026, 1, 10))  # 2000 km in 40 days
    await generate(desk, NOW)
    row = await only(db, desk, cv[1], "maintenance")
    assert row["due_on"] == date(2026, 3, 11)  # 3000 km at 50 km/day: 60 days after 01-10


async def test_first_service_of_a_car_never_serviced_here(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    cv = await make_customer_vehicle(db, desk, sale_date=date(2025, 9, 15))
    await generate(desk, NOW)
    row = await only(db, desk, cv[1], "maintenance")
    assert row["due_on"] == date(2026, 3, 15)  # the manufacturer's 6 months after the sale
    assert (row["basis"]["date_rule"], row["basis"]["target_km"]) == ("first_service", 7500)


async def test_insurance_within_the_horizon_only(db: asyncpg.Connection, desk: CareDesk) -> None:
    inside = await make_customer_vehicle(db, desk, insurance_expires_on=date(2026, 4, 9))
    beyond = await make_customer_vehicle(db, desk, insurance_expires_on=date(2026, 4, 10))
    lapsed = await make_customer_vehicle(db, desk, insurance_expires_on=date(2026, 3, 9))
    today = await make_customer_vehicle(db, desk, insurance_expires_on=date(2026, 3, 10))
    await generate(desk, NOW)
    rows = await targets(db, desk, "insurance")
    assert {r["vehicle_id"]: r["due_on"] for r in rows} == {
        inside[1]: date(2026, 4, 9),
        today[1]: date(2026, 3, 10),
    }
    assert beyond[1] not in {r["vehicle_id"] for r in rows}
    assert lapsed[1] not in {r["vehicle_id"] for r in rows}
    assert rows[0]["basis"] == {"expires_on": rows[0]["due_on"].isoformat()}


async def test_warranty_expiry_under_the_km_limit_by_estimate(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    sold = date(2023, 3, 20)  # 36 months: expires 2026-03-20
    low = await make_customer_vehicle(db, desk, sale_date=sold)
    high = await make_customer_vehicle(db, desk, sale_date=sold)
    for cv, first, last in ((low, 50000, 60000), (high, 80000, 95000)):
        await deliver_order(
            db, desk, utc(2026, 1, 5), customer_vehicle=cv,
            next_service_date=date(2026, 7, 5), mileage=last,
        )  # fmt: skip
        await add_reading(db, desk, cv[1], first, utc(2025, 12, 1))
        await add_reading(db, desk, cv[1], last, utc(2026, 1, 5))
    await generate(desk, NOW)
    rows = await targets(db, desk, "warranty_expiry")
    assert [r["vehicle_id"] for r in rows] == [low[1]]
    basis = rows[0]["basis"]
    assert rows[0]["due_on"] == date(2026, 3, 20)
    # 10000 km in 35 days = 285.71 km/day; 74 days to go: 60000 + 21143 = 81143 km.
    assert basis["estimated_km"] == 81143
    assert (basis["base_months"], basis["base_km"]) == (36, 100000)
    # The high-mileage car would be at 95000 + 428.57 * 74 = 126714 km: out of warranty.


async def test_declined_work_of_the_last_visit(db: asyncpg.Connection, desk: CareDesk) -> None:
    cv = await make_customer_vehicle(db, desk)
    order = await deliver_order(
        db, desk, utc(2026, 2, 20), customer_vehicle=cv, next_service_date=date(2026, 8, 20)
    )
    line = await decline_line(db, desk, order, "Replace front brake pads", utc(2026, 2, 20, 1))
    await generate(desk, NOW)
    row = await only(db, desk, cv[1], "declined_work")
    assert (row["due_on"], row["source_key"]) == (date(2026, 2, 20), f"line:{line}")
    assert row["basis"]["description"] == "Replace front brake pads"

    # Back for another visit: the advisor offered it again, the target has expired.
    await deliver_order(
        db, desk, utc(2026, 3, 5), customer_vehicle=cv, next_service_date=date(2026, 9, 5)
    )
    await generate(desk, NOW)
    assert (await only(db, desk, cv[1], "declined_work"))["status"] == "expired"


async def test_open_recalls_on_the_vin(db: asyncpg.Connection, desk: CareDesk) -> None:
    cv = await make_customer_vehicle(db, desk)
    vin = await vin_of(db, cv[1])
    open_recall = await make_recall(db, desk, [vin], starts_on=date(2026, 3, 1))
    await make_recall(db, desk, [vin], starts_on=date(2026, 3, 1), completed=True)
    await make_recall(db, desk, [vin], starts_on=date(2026, 3, 1), status="closed")
    await make_recall(db, desk, [vin], starts_on=date(2025, 1, 1), ends_on=date(2026, 3, 9))
    other = await make_manufacturer(db)
    await make_recall(db, desk, [vin], starts_on=date(2026, 3, 1), manufacturer_id=other)
    await generate(desk, NOW)
    row = await only(db, desk, cv[1], "recall")
    assert row["source_key"] == f"campaign:{open_recall}"
    assert row["due_on"] == date(2026, 3, 1)
    assert row["basis"]["title_zh"] == "气囊气体发生器"

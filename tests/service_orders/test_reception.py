"""Reception: walk-in and appointment orders, numbering, mileage in, refusals."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import asyncpg
import httpx

from tenants.database import TenantScope, tenant_transaction
from tenants.service.orders.numbering import next_order_number
from tenants.service.orders.reception import open_walk_in as open_walk_in_service
from tests.service_orders.factories_orders import Workshop, make_customer, vin
from tests.service_orders.order_steps import OPEN, SignIn, gid, ok, open_walk_in, pk, refused


async def _today_prefix(db: asyncpg.Connection, shop: Workshop) -> str:
    prefix: str = await db.fetchval(
        "select code || '-' || to_char((now() at time zone time_zone)::date, 'YYYYMMDD') || '-'"
        " from dealer where id = $1",
        shop.dealer_id,
    )
    return prefix


async def test_first_visit_creates_customer_and_vehicle(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    data = await ok(
        client,
        OPEN,
        {
            "input": {
                "mileageIn": 1200,
                "customer": {"name": "Zhao Min", "phone": "+86 138 0000 1111"},
                "vehicle": {"vin": vin(777), "plate": "沪B12345", "model": "Lavida"},
                "customerDescription": "squeak when braking",
            }
        },
        advisor,
    )
    opened = data["openRepairOrder"]
    assert opened["status"] == "OPEN"
    assert opened["customer"]["name"] == "Zhao Min"
    assert opened["vehicle"]["vin"] == vin(777)
    assert opened["number"] == await _today_prefix(db, api_shop) + "001"
    row = await db.fetchrow("select * from repair_order where id = $1", pk(opened["id"]))
    assert row["customer_description"] == "squeak when braking"
    assert row["advisor_user_id"] == api_shop.users["advisor"]
    assert (
        await db.fetchval(
            "select count(*) from audit_entry where action in ('customer.create', 'vehicle.create')"
        )
        == 2
    )


async def test_opening_from_an_appointment_carries_items_and_reservations(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_shop
    starts = datetime.now().astimezone() + timedelta(hours=1)
    appointment = await db.fetchval(
        "insert into appointment (dealer_id, customer_id, vehicle_id, advisor_user_id,"
        " starts_at, work_date, status, booked_hours, customer_request)"
        " values ($1, $2, $3, $4, $5, $5::timestamptz::date, 'confirmed', 1.5, 'oil service')"
        " returning id",
        shop.dealer_id, shop.customer_id, shop.vehicle_id, shop.users["advisor"], starts,
    )  # fmt: skip
    await db.execute(
        "insert into appointment_item (dealer_id, appointment_id, kind, operation_id)"
        " values ($1, $2, 'maintenance', $3), ($1, $2, 'fault', null)",
        shop.dealer_id, appointment, shop.operation_id,
    )  # fmt: skip
    await db.execute(
        "update appointment_item set description = 'rattle at the rear', standard_hours = 0.5"
        " where operation_id is null and appointment_id = $1",
        appointment,
    )
    reservation = await db.fetchval(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity, appointment_id,"
        " picked) values ($1, $2, 1, $3, true) returning id",
        shop.dealer_id, shop.stock_item_id, appointment,
    )  # fmt: skip
    data = await ok(
        client,
        OPEN,
        {"input": {"appointmentId": gid("Appointment", appointment), "mileageIn": 30_500}},
        await sign_in("advisor"),
    )
    opened = data["openRepairOrder"]
    lines = {(line["kind"], line["description"], line["hours"]) for line in opened["lines"]}
    assert lines == {
        ("LABOUR", "Oil service", "1.50"),
        ("LABOUR", "rattle at the rear", "0.50"),
        ("PART", "Oil filter", None),
    }
    assert all(line["status"] == "PROPOSED" for line in opened["lines"])
    assert opened["totals"]["total"] == "485.00"  # (1.5 + 0.5) x 200 + 85
    appointment_row = await db.fetchrow("select * from appointment where id = $1", appointment)
    assert appointment_row["status"] == "arrived"
    assert appointment_row["repair_order_id"] == pk(opened["id"])
    held = await db.fetchrow("select * from stock_reservation where id = $1", reservation)
    part_line = next(line for line in opened["lines"] if line["kind"] == "PART")
    assert held["status"] == "active"
    assert held["repair_order_line_id"] == pk(part_line["id"])
    again = await refused(
        client,
        OPEN,
        {"input": {"appointmentId": gid("Appointment", appointment), "mileageIn": 30_600}},
        await sign_in("advisor2"),
    )
    assert again["rule"] == "appointment_not_open"


async def test_refused_openings(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    await open_walk_in(client, api_shop, advisor, mileage=50_000)
    twice = await refused(
        client,
        OPEN,
        {"input": {"vehicleId": gid("Vehicle", api_shop.vehicle_id), "mileageIn": 50_001}},
        advisor,
    )
    assert (twice["code"], twice["rule"]) == ("BAD_USER_INPUT", "one_open_order_per_vehicle")
    _, other_vehicle = await make_customer(db, api_shop.dealer_id, "Sun Li")
    await db.execute(
        "insert into mileage_reading (dealer_id, vehicle_id, km, source) values ($1, $2, 9000, 'import')",
        api_shop.dealer_id,
        other_vehicle,
    )
    lower = await refused(
        client,
        OPEN,
        {"input": {"vehicleId": gid("Vehicle", other_vehicle), "mileageIn": 8000}},
        advisor,
    )
    assert lower["rule"] == "mileage_never_decreases"
    assert (
        await db.fetchval("select count(*) from repair_order where vehicle_id = $1", other_vehicle)
        == 0
    )
    technician = await refused(
        client,
        OPEN,
        {"input": {"vehicleId": gid("Vehicle", other_vehicle), "mileageIn": 9100}},
        await sign_in("technician"),
    )
    assert technician == {"code": "FORBIDDEN", "permission": "repair_order:create"}
    foreign = await refused(
        client,
        OPEN,
        {"input": {"vehicleId": gid("Vehicle", api_shop.other_vehicle_id), "mileageIn": 1}},
        advisor,
    )
    assert foreign["code"] == "NOT_FOUND"


async def test_numbers_have_no_gaps_under_concurrency(
    db: asyncpg.Connection, shop: Workshop
) -> None:
    vehicles = [(await make_customer(db, shop.dealer_id, f"Customer {i}"))[1] for i in range(6)]
    scope = TenantScope.of([shop.dealer_id], user_id=shop.users["advisor"])

    async def open_one(vehicle: int, fail: bool) -> str | None:
        try:
            async with tenant_transaction(scope, fresh=True) as tx:
                opened = await open_walk_in_service(
                    tx, shop.dealer_id, mileage_in=100, vehicle_id=vehicle
                )
                await asyncio.sleep(0.01)
                if fail:
                    raise RuntimeError("the desk gave up")
                return opened.number
        except RuntimeError:
            return None

    numbers = await asyncio.gather(
        *(open_one(vehicle, fail=(i == 2)) for i, vehicle in enumerate(vehicles))
    )
    prefix = await _today_prefix(db, shop)
    kept = sorted(n for n in numbers if n is not None)
    assert kept == [f"{prefix}{i:03d}" for i in range(1, 6)]
    async with tenant_transaction(scope) as tx:
        assert await next_order_number(tx.connection, shop.dealer_id) == f"{prefix}006"
    other_scope = TenantScope.of([shop.other_dealer_id], user_id=shop.users["other_advisor"])
    async with tenant_transaction(other_scope) as tx:
        first_other = await next_order_number(tx.connection, shop.other_dealer_id)
    assert first_other.endswith("-001")


DIAGNOSIS = """
mutation($input: RecordDiagnosisInput!) {
  recordDiagnosis(input: $input) { diagnosis customerDescription }
}
"""


async def test_diagnosis_is_recorded_until_the_work_is_done(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    opened = await open_walk_in(client, api_shop, advisor)
    data = await ok(
        client,
        DIAGNOSIS,
        {"input": {"orderId": opened["id"], "diagnosis": "front pads at 2 mm",
                   "customerDescription": "grinding noise"}},
        advisor,
    )  # fmt: skip
    assert data["recordDiagnosis"] == {
        "diagnosis": "front pads at 2 mm", "customerDescription": "grinding noise",
    }  # fmt: skip
    await db.execute("update repair_order set status = 'work_done'")
    late = await refused(
        client, DIAGNOSIS, {"input": {"orderId": opened["id"], "diagnosis": "x"}}, advisor
    )
    assert late["rule"] == "diagnosis_before_work_done"

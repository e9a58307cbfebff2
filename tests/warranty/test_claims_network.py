"""Claims of the same VIN at the manufacturer's other dealers: a fault is paid once and a
first service is claimed once in the whole network, though each dealer sees only its own
claims. Another brand's dealers and unscoped callers learn nothing."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
import httpx

from tenants.database import TenantScope, tenant_transaction
from tests.factories import (
    make_dealer,
    make_manufacturer,
    make_membership,
    make_region,
    make_user,
)
from tests.warranty.claims_arrange import (
    add_line,
    add_operation,
    add_part,
    dealer_today,
    eligibility_of,
    set_order,
)
from tests.warranty.claims_steps import SignIn, check, codes, create, standard_input
from tests.warranty.factories_warranty import WarrantyDesk


async def claim_at(
    db: asyncpg.Connection,
    dealer_id: int,
    vin: str,
    *,
    claim_type: str = "standard",
    fault_code: str = "WP-LEAK-01",
    fault_date: date,
    status: str = "submitted",
) -> None:
    """The same car repaired and claimed at another dealer (as that dealer leaves it)."""
    vehicle = await db.fetchval(
        "select id from vehicle where dealer_id = $1 and vin = $2", dealer_id, vin
    )
    if vehicle is None:
        customer = await db.fetchval(
            "insert into customer (dealer_id, name, phone)"
            " values ($1, 'Elsewhere', '13800000000') returning id",
            dealer_id,
        )
        vehicle = await db.fetchval(
            "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
            " values ($1, $2, $3, '', 'Magotan') returning id",
            dealer_id,
            customer,
            vin,
        )
    customer = await db.fetchval("select customer_id from vehicle where id = $1", vehicle)
    order = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, mileage_in) values ($1, $2, $3, $4,"
        " (select min(user_id) from membership where dealer_id = $1), 'delivered', 9000)"
        " returning id",
        dealer_id,
        f"NW-{vehicle}-{fault_date}-{status}",
        customer,
        vehicle,
    )
    await db.execute(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, fault_code, fault_date, status)"
        " values ($1, $2, $3, $4, $5, 9000, $6, $7, $8, $9)",
        dealer_id,
        f"NWC-{vehicle}-{fault_date}-{status}",
        order,
        vehicle,
        vin,
        claim_type,
        fault_code,
        fault_date,
        status,
    )


async def dealer_code(db: asyncpg.Connection, dealer_id: int) -> str:
    code: str = await db.fetchval("select code from dealer where id = $1", dealer_id)
    return code


async def test_the_same_fault_claimed_at_another_dealer_blocks_with_its_code(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    today = await dealer_today(db, desk)
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(desk))
    assert "DUPLICATE_CLAIM_ELSEWHERE" not in codes(
        (await check(client, claims, claim["id"]))["errors"]
    )

    # A draft elsewhere is nobody's claim yet; a submitted one is.
    await claim_at(db, desk.far_dealer_id, desk.vin, fault_date=today, status="draft")
    assert "DUPLICATE_CLAIM_ELSEWHERE" not in codes(
        (await check(client, claims, claim["id"]))["errors"]
    )
    await claim_at(db, desk.far_dealer_id, desk.vin, fault_date=today - timedelta(days=10))
    found = [
        e
        for e in (await check(client, claims, claim["id"]))["errors"]
        if e["code"] == "DUPLICATE_CLAIM_ELSEWHERE"
    ]
    assert found[0]["params"] == {
        "dealerCodes": [await dealer_code(db, desk.far_dealer_id)],
        "windowDays": 90,
    }


async def test_another_fault_another_period_or_another_brand_is_no_duplicate(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    today = await dealer_today(db, desk)
    await claim_at(db, desk.far_dealer_id, desk.vin, fault_code="BRAKE-01", fault_date=today)
    await claim_at(db, desk.far_dealer_id, desk.vin, fault_date=today - timedelta(days=91))
    other_brand = await make_dealer(db, await make_region(db, await make_manufacturer(db)))
    await make_membership(
        db, other_brand, await make_user(db, f"brand{other_brand}"), ["service_advisor"]
    )
    await claim_at(db, other_brand, desk.vin, fault_date=today)
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(desk))
    assert "DUPLICATE_CLAIM_ELSEWHERE" not in codes(
        (await check(client, claims, claim["id"]))["errors"]
    )


async def test_the_network_lookup_answers_only_for_a_dealer_in_scope(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    await claim_at(db, desk.far_dealer_id, desk.vin, fault_date=date(2026, 3, 1))
    sql = "select dealer_code from warranty_network_claims($1, $2)"
    async with tenant_transaction(TenantScope.of([desk.dealer_id], desk.users["claims"])) as tx:
        assert len(await tx.connection.fetch(sql, desk.dealer_id, desk.vin)) == 1
    # Asking in another dealer's name, from this dealer's scope, answers nothing.
    async with tenant_transaction(
        TenantScope.of([desk.far_dealer_id], desk.users["far_claims"])
    ) as tx:
        assert await tx.connection.fetch(sql, desk.dealer_id, desk.vin) == []


async def test_a_first_service_claimed_at_another_dealer_uses_it_up(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    oil_filter = await add_part(db, desk, "filters")
    service = await add_operation(db, desk, kind="maintenance", parts=(oil_filter,))
    labour = await add_line(db, desk, kind="labour", operation_id=service)
    sold = date(2026, 1, 1)
    await set_order(db, desk, sale_date=sold, opened_on=date(2026, 6, 30), mileage=7500)
    assert (await eligibility_of(desk, labour))[labour].reason == "FIRST_SERVICE"

    await claim_at(
        db,
        desk.far_dealer_id,
        desk.vin,
        claim_type="first_service",
        fault_date=date(2026, 3, 1),
        status="rejected",
    )
    assert (await eligibility_of(desk, labour))[labour].reason == "FIRST_SERVICE"
    await claim_at(
        db,
        desk.far_dealer_id,
        desk.vin,
        claim_type="first_service",
        fault_date=date(2026, 3, 2),
        status="approved",
    )
    found = (await eligibility_of(desk, labour))[labour]
    assert (found.covered, found.reason, found.first_service_claim) == (
        False,
        "FIRST_SERVICE_USED",
        await dealer_code(db, desk.far_dealer_id),
    )

"""Eligibility of warranty lines on hand-computed cases: the desk's policy is 36 months /
100,000 km, first service 6 months / 7,500 km; batteries 24 months / 50,000 km; wear
parts 6 months / 10,000 km; the recall covers the water-pump operation for the desk's
VIN. Periods include their limits: the day before the anniversary, and the km limit."""

from __future__ import annotations

from datetime import date

import asyncpg

from tests.warranty.claims_arrange import (
    add_line,
    add_operation,
    add_part,
    assess,
    dealer_today,
    eligibility_of,
    set_order,
)
from tests.warranty.factories_warranty import WarrantyDesk

SOLD = date(2023, 3, 15)


async def test_base_terms_cover_up_to_the_day_before_the_anniversary(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    await set_order(db, desk, sale_date=SOLD, opened_on=date(2026, 3, 14), mileage=23000)
    found = (await eligibility_of(desk, desk.part_line_id))[desk.part_line_id]
    assert (found.covered, found.reason, found.term_source) == (True, "WITHIN_BASE_TERMS", "base")
    assert (found.months_since_sale, found.months_limit) == (35, 36)
    assert found.covered_until == date(2026, 3, 14)
    assert (found.km, found.km_limit) == (23000, 100000)

    await set_order(db, desk, sale_date=SOLD, opened_on=date(2026, 3, 15), mileage=23000)
    found = (await eligibility_of(desk, desk.part_line_id))[desk.part_line_id]
    assert (found.covered, found.reason) == (False, "EXPIRED_BY_TIME")
    assert found.months_since_sale == 36


async def test_base_terms_cover_exactly_the_km_limit(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    await set_order(db, desk, sale_date=SOLD, opened_on=date(2024, 1, 10), mileage=100000)
    found = (await eligibility_of(desk, desk.part_line_id))[desk.part_line_id]
    assert (found.covered, found.reason) == (True, "WITHIN_BASE_TERMS")

    await set_order(db, desk, sale_date=SOLD, opened_on=date(2024, 1, 10), mileage=100001)
    found = (await eligibility_of(desk, desk.part_line_id))[desk.part_line_id]
    assert (found.covered, found.reason) == (False, "EXPIRED_BY_MILEAGE")
    assert (found.km, found.km_limit) == (100001, 100000)


async def test_a_part_groups_own_term_replaces_the_base_terms(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    battery = await add_line(db, desk, kind="part", part_id=desk.battery_part_id)
    # Sold 31 January: 24 months end on 30 January two years later.
    sold = date(2024, 1, 31)
    await set_order(db, desk, sale_date=sold, opened_on=date(2026, 1, 30), mileage=50000)
    found = (await eligibility_of(desk, battery))[battery]
    assert (found.covered, found.reason, found.term_source) == (
        True,
        "WITHIN_PART_GROUP_TERMS",
        "part_group",
    )
    assert (found.part_group, found.months_limit, found.km_limit) == ("battery", 24, 50000)
    assert found.covered_until == date(2026, 1, 30)

    await set_order(db, desk, sale_date=sold, opened_on=date(2026, 1, 31), mileage=50000)
    assert (await eligibility_of(desk, battery))[battery].reason == "EXPIRED_BY_TIME"
    # Within the base terms (36 months / 100,000 km) but past the battery's 50,000 km.
    await set_order(db, desk, sale_date=sold, opened_on=date(2025, 6, 1), mileage=50001)
    found = (await eligibility_of(desk, battery))[battery]
    assert (found.covered, found.reason) == (False, "EXPIRED_BY_MILEAGE")


async def test_labour_follows_its_causal_part_else_the_strictest_operation_part(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    wear = await add_part(db, desk, "wear")
    mixed_op = await add_operation(db, desk, parts=(desk.battery_part_id, wear, desk.part_id))
    bare_op = await add_operation(db, desk)
    by_parts = await add_line(db, desk, kind="labour", operation_id=mixed_op)
    by_cause = await add_line(db, desk, kind="labour", operation_id=mixed_op)
    await assess(db, desk, by_cause, "defect", desk.battery_part_id)
    bare = await add_line(db, desk, kind="labour", operation_id=bare_op)
    # 8 months after the sale: past the wear parts' 6 months, within the battery's 24.
    await set_order(
        db, desk, sale_date=date(2025, 1, 10), opened_on=date(2025, 9, 10), mileage=9000
    )
    found = await eligibility_of(desk, by_parts, by_cause, bare)
    assert (found[by_parts].part_group, found[by_parts].reason) == ("wear", "EXPIRED_BY_TIME")
    assert (found[by_cause].part_group, found[by_cause].reason) == (
        "battery",
        "WITHIN_PART_GROUP_TERMS",
    )
    assert found[by_cause].causal_part_id == desk.battery_part_id
    assert (found[bare].term_source, found[bare].reason) == ("base", "WITHIN_BASE_TERMS")


async def test_excluded_causes_are_not_warranty(db: asyncpg.Connection, desk: WarrantyDesk) -> None:
    accident = await add_line(db, desk, kind="part", part_id=desk.battery_part_id)
    defect = await add_line(db, desk, kind="part", part_id=desk.battery_part_id)
    misuse = await add_line(db, desk, kind="part", part_id=desk.battery_part_id)
    await assess(db, desk, accident, "accident")
    await assess(db, desk, defect, "defect")
    await assess(db, desk, misuse, "lack_of_maintenance")
    await set_order(
        db, desk, sale_date=date(2025, 1, 10), opened_on=date(2025, 9, 10), mileage=9000
    )
    found = await eligibility_of(desk, accident, defect, misuse)
    assert (found[accident].covered, found[accident].reason) == (False, "EXCLUDED_CAUSE")
    assert found[accident].cause == "accident"
    assert found[defect].covered is True
    # Lack of maintenance is not excluded by this policy's default list.
    assert found[misuse].covered is True
    await db.execute(
        "update warranty_policy set excluded_causes = '{accident,lack_of_maintenance}'"
        " where manufacturer_id = $1",
        desk.manufacturer_id,
    )
    assert (await eligibility_of(desk, misuse))[misuse].reason == "EXCLUDED_CAUSE"


async def test_first_service_window_and_only_once(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    oil_filter = await add_part(db, desk, "filters")
    service = await add_operation(db, desk, kind="maintenance", parts=(oil_filter,))
    labour = await add_line(db, desk, kind="labour", operation_id=service)
    filter_line = await add_line(db, desk, kind="part", part_id=oil_filter)
    sold = date(2026, 1, 1)
    await set_order(db, desk, sale_date=sold, opened_on=date(2026, 6, 30), mileage=7500)
    found = await eligibility_of(desk, labour, filter_line)
    for line in (labour, filter_line):
        assert (found[line].covered, found[line].reason) == (True, "FIRST_SERVICE")
        assert (found[line].months_limit, found[line].km_limit) == (6, 7500)
        assert found[line].covered_until == date(2026, 6, 30)

    await set_order(db, desk, sale_date=sold, opened_on=date(2026, 7, 1), mileage=7500)
    assert (await eligibility_of(desk, labour))[labour].reason == "FIRST_SERVICE_EXPIRED"
    await set_order(db, desk, sale_date=sold, opened_on=date(2026, 6, 30), mileage=7501)
    assert (await eligibility_of(desk, labour))[labour].reason == "FIRST_SERVICE_EXPIRED"

    # A first-service claim on another order uses it up.
    earlier = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, mileage_in) values ($1, 'FS-1', $2, $3, $4, 'delivered', 5000) returning id",
        desk.dealer_id,
        desk.customer_id,
        desk.vehicle_id,
        desk.users["advisor"],
    )
    await db.execute(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, fault_date, status) values ($1, 'FS-CLAIM', $2, $3, $4, 5000,"
        " 'first_service', $5, 'approved')",
        desk.dealer_id,
        earlier,
        desk.vehicle_id,
        desk.vin,
        date(2026, 3, 1),
    )
    await set_order(db, desk, sale_date=sold, opened_on=date(2026, 6, 30), mileage=7500)
    found = (await eligibility_of(desk, labour))[labour]
    assert (found.covered, found.reason, found.first_service_claim) == (
        False,
        "FIRST_SERVICE_USED",
        "FS-CLAIM",
    )


async def test_an_open_recall_covers_whatever_the_age(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    today = await dealer_today(db, desk)
    await set_order(db, desk, sale_date=date(2014, 1, 1), opened_on=today, mileage=310000)
    found = (await eligibility_of(desk, desk.labour_line_id))[desk.labour_line_id]
    assert (found.covered, found.reason, found.term_source) == (True, "CAMPAIGN", "campaign")
    assert found.campaign is not None and found.campaign.id == desk.campaign_id
    # The part line is not in the recall's operation: ordinary terms, long expired.
    assert (await eligibility_of(desk, desk.part_line_id))[desk.part_line_id].covered is False

    await db.execute(
        "update campaign_vehicle set completed_at = now(), completed_dealer_id = $2"
        " where campaign_id = $1",
        desk.campaign_id,
        desk.dealer_id,
    )
    assert (await eligibility_of(desk, desk.labour_line_id))[
        desk.labour_line_id
    ].reason == "EXPIRED_BY_TIME"
    await db.execute(
        "update campaign_vehicle set completed_at = null where campaign_id = $1", desk.campaign_id
    )
    await db.execute("update campaign set status = 'closed' where id = $1", desk.campaign_id)
    assert (await eligibility_of(desk, desk.labour_line_id))[
        desk.labour_line_id
    ].reason == "EXPIRED_BY_TIME"


async def test_missing_facts_leave_it_undecided(db: asyncpg.Connection, desk: WarrantyDesk) -> None:
    await set_order(db, desk, sale_date=None, opened_on=await dealer_today(db, desk), mileage=23000)
    found = (await eligibility_of(desk, desk.part_line_id))[desk.part_line_id]
    assert (found.covered, found.reason) == (None, "SALE_DATE_MISSING")
    # A recall does not need the sale date.
    assert (await eligibility_of(desk, desk.labour_line_id))[desk.labour_line_id].covered is True

    await set_order(db, desk, sale_date=SOLD, opened_on=date(2024, 5, 1), mileage=None)
    assert (await eligibility_of(desk, desk.part_line_id))[
        desk.part_line_id
    ].reason == "MILEAGE_MISSING"

    await db.execute("delete from warranty_policy where manufacturer_id = $1", desk.manufacturer_id)
    found = (await eligibility_of(desk, desk.part_line_id))[desk.part_line_id]
    assert (found.covered, found.reason) == (None, "NO_POLICY")


async def test_only_warranty_lines_are_judged(db: asyncpg.Connection, desk: WarrantyDesk) -> None:
    found = await eligibility_of(desk, desk.customer_line_id, desk.part_line_id)
    assert set(found) == {desk.part_line_id}

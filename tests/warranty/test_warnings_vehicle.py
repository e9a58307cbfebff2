"""三包预警 on hand-computed cases: the desk's policy warns at 2 repairs of one fault and
at 30 cumulative days in the workshop, within the last 24 months. The desk's own order
(opened today, still in the workshop: 1 day) repairs the water pump under warranty."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from tenants.database import TenantScope, tenant_transaction
from tenants.warranty.warnings import WarrantyWarning, vehicle_warnings
from tests.warranty.claims_arrange import (
    add_line,
    add_operation,
    assess,
    dealer_today,
    new_order,
)
from tests.warranty.factories_warranty import WarrantyDesk


async def _warnings(desk: WarrantyDesk) -> list[WarrantyWarning]:
    async with tenant_transaction(TenantScope.of([desk.dealer_id], desk.users["advisor"])) as tx:
        found = await vehicle_warnings(tx.connection, desk.dealer_id, [desk.vehicle_id])
    return found[desk.vehicle_id]


async def test_the_same_operation_repaired_again_within_the_window(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    today = await dealer_today(db, desk)
    assert await _warnings(desk) == []
    earlier = await new_order(
        db, desk, opened_on=today - timedelta(days=90), delivered_on=today - timedelta(days=89)
    )
    await add_line(db, desk, kind="labour", operation_id=desk.operation_id, order_id=earlier)
    too_old = await new_order(
        db, desk, opened_on=today - timedelta(days=760), delivered_on=today - timedelta(days=759)
    )
    await add_line(db, desk, kind="labour", operation_id=desk.operation_id, order_id=too_old)
    # Customer-paid work and cancelled orders are not warranty repairs.
    paid = await new_order(
        db, desk, opened_on=today - timedelta(days=30), delivered_on=today - timedelta(days=30)
    )
    await add_line(
        db, desk, kind="labour", operation_id=desk.operation_id, order_id=paid, pay_type="customer"
    )
    cancelled = await new_order(db, desk, opened_on=today - timedelta(days=20), status="cancelled")
    await add_line(db, desk, kind="labour", operation_id=desk.operation_id, order_id=cancelled)

    (warning,) = await _warnings(desk)
    assert (warning.kind, warning.fault_kind, warning.operation_id) == (
        "repeat_repair",
        "operation",
        desk.operation_id,
    )
    assert (warning.count, warning.threshold) == (2, 2)
    assert warning.order_ids == (desk.order_id, earlier)
    assert warning.window_start == today.replace(year=today.year - 2)


async def test_the_same_part_group_counts_through_causal_parts(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    today = await dealer_today(db, desk)
    await add_line(db, desk, kind="part", part_id=desk.battery_part_id)
    earlier = await new_order(
        db, desk, opened_on=today - timedelta(days=200), delivered_on=today - timedelta(days=200)
    )
    other_op = await add_operation(db, desk, name="Charging fault")
    labour = await add_line(db, desk, kind="labour", operation_id=other_op, order_id=earlier)
    await assess(db, desk, labour, "defect", desk.battery_part_id)
    # Maintenance is not a fault.
    service = await add_operation(db, desk, kind="maintenance")
    for order in (desk.order_id, earlier):
        await add_line(db, desk, kind="labour", operation_id=service, order_id=order)

    (warning,) = await _warnings(desk)
    assert (warning.fault_kind, warning.part_group, warning.count) == ("part_group", "battery", 2)
    assert warning.order_ids == (desk.order_id, earlier)


async def test_cumulative_days_in_the_workshop_for_warranty_repairs(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    today = await dealer_today(db, desk)
    ten_days = await new_order(
        db, desk, opened_on=today - timedelta(days=100), delivered_on=today - timedelta(days=91)
    )
    other = await add_operation(db, desk, name="Gearbox")
    await add_line(db, desk, kind="labour", operation_id=other, order_id=ten_days)
    eighteen = await new_order(
        db, desk, opened_on=today - timedelta(days=60), delivered_on=today - timedelta(days=43)
    )
    third = await add_operation(db, desk, name="Electrics")
    await add_line(db, desk, kind="labour", operation_id=third, order_id=eighteen)
    # 10 + 18 + 1 (today, still in) = 29: below 30.
    assert await _warnings(desk) == []

    await db.execute(
        "update repair_order set delivered_at = delivered_at + interval '1 day' where id = $1",
        eighteen,
    )
    (warning,) = await _warnings(desk)
    assert (warning.kind, warning.count, warning.threshold) == ("cumulative_days", 30, 30)
    assert warning.order_ids == tuple(sorted((desk.order_id, ten_days, eighteen)))

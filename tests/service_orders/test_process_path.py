"""The whole path through GraphQL: reception to delivery, with the history it leaves."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import httpx

from tests.service_orders.factories_orders import Workshop
from tests.service_orders.order_steps import (
    SignIn,
    approved_order,
    gid,
    move,
    ok,
    order,
    pk,
)

CHECK = """
mutation($input: RecordQualityCheckInput!) {
  recordQualityCheck(input: $input) { stage round passed order { status reworkCount } }
}
"""
SETTLE = """
mutation($id: ID!) {
  createSettlement(orderId: $id) {
    labourTotal partsTotal materialsTotal customerAmount total byPayType { payType amount }
  }
}
"""
PAY = """
mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { paidAmount order { status } } }
"""
DELIVER = """
mutation($input: DeliverVehicleInput!) {
  deliverVehicle(input: $input) { status nextServiceKm nextServiceDate deliveredAt
    lines { kind oldPartDisposition } }
}
"""


async def test_reception_to_delivery(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_shop
    placed = await approved_order(client, shop, sign_in)
    assert placed["status"] == "APPROVED"
    assert placed["totals"]["labour"] == "300.00"
    assert placed["totals"]["parts"] == "170.00"
    assert placed["totals"]["materials"] == "270.00"
    assert placed["totals"]["customerShare"] == "570.00"
    order_id = placed["id"]
    await move(shop, order_id, "in_progress", "work_done")
    for post, stage in (("technician", "SELF"), ("leader", "TEAM"), ("inspector", "FINAL")):
        done = await ok(
            client,
            CHECK,
            {"input": {"orderId": order_id, "stage": stage, "passed": True}},
            await sign_in(post),
        )
    assert done["recordQualityCheck"]["order"]["status"] == "READY"
    advisor = await sign_in("advisor")
    settled = (await ok(client, SETTLE, {"id": order_id}, advisor))["createSettlement"]
    assert settled["customerAmount"] == "570.00"
    assert settled["total"] == "740.00"
    by_pay = {p["payType"]: p["amount"] for p in settled["byPayType"]}
    assert by_pay == {
        "CUSTOMER": "570.00",
        "WARRANTY": "170.00",
        "INSURANCE": "0.00",
        "INTERNAL": "0.00",
    }
    paid = await ok(
        client,
        PAY,
        {"input": {"orderId": order_id, "amount": "570.00", "method": "WECHAT"}},
        await sign_in("cashier"),
    )
    assert paid["recordPayment"]["order"]["status"] == "SETTLED"
    part_line = next(line for line in placed["lines"] if line["kind"] == "PART")
    delivered = await ok(
        client,
        DELIVER,
        {
            "input": {
                "orderId": order_id,
                "mileageOut": 42_012,
                "nextServiceKm": 52_000,
                "nextServiceDate": "2030-05-01",
                "oldParts": [{"lineId": part_line["id"], "disposition": "KEEP_FOR_WARRANTY"}],
            }
        },
        advisor,
    )
    assert delivered["deliverVehicle"]["status"] == "DELIVERED"
    assert delivered["deliverVehicle"]["nextServiceKm"] == 52_000
    final = await order(client, advisor, order_id)
    steps = [(e["fromStatus"], e["toStatus"]) for e in final["history"]]
    assert steps == [
        (None, "OPEN"),
        ("OPEN", "AWAITING_APPROVAL"),
        ("AWAITING_APPROVAL", "APPROVED"),
        ("APPROVED", "IN_PROGRESS"),
        ("IN_PROGRESS", "WORK_DONE"),
        ("WORK_DONE", "READY"),
        ("READY", "SETTLED"),
        ("SETTLED", "DELIVERED"),
    ]
    km = await db.fetch(
        "select km, source from mileage_reading where repair_order_id = $1 order by id",
        pk(order_id),
    )
    assert [(r["km"], r["source"]) for r in km] == [(42_000, "reception"), (42_012, "delivery")]
    actions = {
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where object_type = 'repair_order' and object_id = $1",
            str(pk(order_id)),
        )
    }
    assert {
        "repair_order.open",
        "repair_order_line.add",
        "quotation.send",
        "quotation.approve",
        "quality_check.final",
        "settlement.create",
        "settlement.collect",
        "repair_order.deliver",
        "repair_order.delivered",
    } <= actions
    assert Decimal(final["totals"]["total"]) == Decimal("740.00")
    assert gid("RepairOrder", pk(order_id)) == order_id

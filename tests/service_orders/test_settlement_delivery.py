"""Settlement after the final check, payment by the cashier, delivery by the receiving
advisor (or the one a supervisor assigned), old parts and the next service."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from tests.service_orders.factories_orders import Workshop
from tests.service_orders.order_steps import (
    SignIn,
    add_line,
    gid,
    move,
    ok,
    open_walk_in,
    order,
    pk,
    refused,
    send,
    sign,
)

SETTLE = """
mutation($id: ID!) {
  createSettlement(orderId: $id) {
    labourTotal partsTotal materialsTotal customerAmount byPayType { payType amount }
  }
}
"""
PAY = """
mutation($input: RecordPaymentInput!) {
  recordPayment(input: $input) { paidAmount paymentMethod cashier { username } order { status } }
}
"""
DELIVER = """
mutation($input: DeliverVehicleInput!) {
  deliverVehicle(input: $input) { status deliveringAdvisor { username }
    lines { id kind payType oldPartDisposition } }
}
"""
REASSIGN = """
mutation($input: ReassignDeliveringAdvisorInput!) {
  reassignDeliveringAdvisor(input: $input) { deliveringAdvisor { username } advisor { username } }
}
"""
CANCEL = """
mutation($input: CancelRepairOrderInput!) { cancelRepairOrder(input: $input) { status cancelledAt } }
"""


async def _ready_order(
    client: httpx.AsyncClient, shop: Workshop, sign_in: SignIn
) -> dict[str, Any]:
    """Labour (customer 300), a filter for the customer (85), one under warranty (85),
    a material paid by the insurer (50); approved, repaired, checked: ready."""
    advisor = await sign_in("advisor")
    opened = await open_walk_in(client, shop, advisor, mileage=60_000)
    oid = opened["id"]
    await add_line(
        client, advisor, oid, kind="LABOUR", operationId=gid("LabourOperation", shop.operation_id)
    )
    await add_line(client, advisor, oid, kind="PART", partId=gid("Part", shop.part_id))
    await add_line(
        client, advisor, oid, kind="PART", partId=gid("Part", shop.part_id), payType="WARRANTY"
    )
    await add_line(
        client,
        advisor,
        oid,
        kind="MATERIAL",
        description="Glass",
        unitPrice="50",
        payType="INSURANCE",
    )
    await sign(client, advisor, (await send(client, advisor, oid))["id"])
    await move(shop, oid, "in_progress", "work_done", "ready")
    return await order(client, advisor, oid)


def _parts(placed: dict[str, Any]) -> dict[str, str]:
    return {line["payType"]: line["id"] for line in placed["lines"] if line["kind"] == "PART"}


async def test_settlement_only_after_the_final_check(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    advisor = await sign_in("advisor")
    opened = await open_walk_in(client, api_shop, advisor)
    await add_line(client, advisor, opened["id"], kind="LABOUR", description="x", hours="1")
    await sign(client, advisor, (await send(client, advisor, opened["id"]))["id"])
    await move(api_shop, opened["id"], "in_progress")
    early = await refused(client, SETTLE, {"id": opened["id"]}, advisor)
    assert (early["code"], early["rule"]) == ("BAD_USER_INPUT", "no_settlement_before_final_check")
    pay = await refused(
        client, PAY, {"input": {"orderId": opened["id"], "amount": "200", "method": "CASH"}},
        await sign_in("cashier"),
    )  # fmt: skip
    assert pay["rule"] == "no_settlement_before_final_check"
    deliver = await refused(
        client, DELIVER, {"input": {"orderId": opened["id"], "mileageOut": 43_000}}, advisor
    )
    assert deliver["rule"] == "no_delivery_before_settlement"


async def test_invoice_by_pay_type_and_the_cashier_collects(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    placed = await _ready_order(client, api_shop, sign_in)
    oid = placed["id"]
    cashier = await sign_in("cashier")
    assert (await refused(client, SETTLE, {"id": oid}, cashier))[
        "permission"
    ] == "settlement:create"
    advisor = await sign_in("advisor")
    invoice = (await ok(client, SETTLE, {"id": oid}, advisor))["createSettlement"]
    assert (invoice["labourTotal"], invoice["partsTotal"], invoice["materialsTotal"]) == (
        "300.00", "170.00", "50.00",
    )  # fmt: skip
    assert {p["payType"]: p["amount"] for p in invoice["byPayType"]} == {
        "CUSTOMER": "385.00", "WARRANTY": "85.00", "INSURANCE": "50.00", "INTERNAL": "0.00",
    }  # fmt: skip
    assert invoice["customerAmount"] == "385.00"
    assert (await refused(client, SETTLE, {"id": oid}, advisor))["rule"] == "settlement_exists"
    by_advisor = await refused(
        client, PAY, {"input": {"orderId": oid, "amount": "385", "method": "CASH"}}, advisor
    )
    assert by_advisor["permission"] == "settlement:collect"
    short = await refused(
        client, PAY, {"input": {"orderId": oid, "amount": "300", "method": "CASH"}}, cashier
    )
    assert short["rule"] == "payment_matches_invoice"
    paid = await ok(
        client, PAY, {"input": {"orderId": oid, "amount": "385.00", "method": "CARD"}}, cashier
    )
    assert paid["recordPayment"]["order"]["status"] == "SETTLED"
    assert paid["recordPayment"]["cashier"]["username"] == api_shop.usernames["cashier"]
    again = await refused(
        client, PAY, {"input": {"orderId": oid, "amount": "385.00", "method": "CARD"}}, cashier
    )
    assert again["rule"] == "already_paid"


async def test_delivery_rules(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    placed = await _ready_order(client, api_shop, sign_in)
    oid = placed["id"]
    parts = _parts(placed)
    advisor = await sign_in("advisor")
    await ok(client, SETTLE, {"id": oid}, advisor)
    await ok(
        client, PAY, {"input": {"orderId": oid, "amount": "385", "method": "WECHAT"}},
        await sign_in("cashier"),
    )  # fmt: skip
    good = [
        {"lineId": parts["WARRANTY"], "disposition": "KEEP_FOR_WARRANTY"},
        {"lineId": parts["CUSTOMER"], "disposition": "HAND_OVER"},
    ]

    def deliver(**fields: Any) -> dict[str, Any]:
        return {"input": {"orderId": oid, "mileageOut": 60_010, "oldParts": good, **fields}}

    other = await refused(client, DELIVER, deliver(), await sign_in("advisor2"))
    assert other["rule"] == "delivering_advisor_only"
    cases = [
        (deliver(oldParts=good[:1]), "old_part_disposition_required"),
        (
            deliver(oldParts=[{**good[0], "disposition": "SCRAP"}, good[1]]),
            "warranty_parts_kept",
        ),
        (
            deliver(oldParts=[good[0], {**good[1], "disposition": "KEEP_FOR_WARRANTY"}]),
            "only_warranty_parts_kept",
        ),
        (deliver(mileageOut=59_000), "mileage_never_decreases"),
        (deliver(nextServiceKm=60_000), "next_service_km_ahead"),
        (deliver(nextServiceDate="2001-01-01"), "next_service_date_ahead"),
    ]
    for variables, rule in cases:
        assert (await refused(client, DELIVER, variables, advisor))["rule"] == rule
    not_supervisor = await refused(
        client, REASSIGN,
        {"input": {"orderId": oid, "advisorId": gid("StaffUser", api_shop.users["advisor2"])}},
        advisor,
    )  # fmt: skip
    assert not_supervisor["code"] == "FORBIDDEN"
    supervisor = await sign_in("supervisor")
    to_cashier = await refused(
        client, REASSIGN,
        {"input": {"orderId": oid, "advisorId": gid("StaffUser", api_shop.users["cashier"])}},
        supervisor,
    )  # fmt: skip
    assert to_cashier["rule"] == "delivering_advisor_may_deliver"
    moved = await ok(
        client, REASSIGN,
        {"input": {"orderId": oid, "advisorId": gid("StaffUser", api_shop.users["advisor2"])}},
        supervisor,
    )  # fmt: skip
    assert (
        moved["reassignDeliveringAdvisor"]["deliveringAdvisor"]["username"]
        == (api_shop.usernames["advisor2"])
    )
    assert (await refused(client, DELIVER, deliver(), advisor))["rule"] == "delivering_advisor_only"
    done = await ok(
        client, DELIVER, deliver(nextServiceKm=70_000, nextServiceDate="2031-01-01"),
        await sign_in("advisor2"),
    )  # fmt: skip
    delivered = done["deliverVehicle"]
    assert delivered["status"] == "DELIVERED"
    assert {line["payType"]: line["oldPartDisposition"] for line in delivered["lines"] if line["kind"] == "PART"} == {
        "WARRANTY": "KEEP_FOR_WARRANTY", "CUSTOMER": "HAND_OVER",
    }  # fmt: skip
    assert await db.fetchval("select max(km) from mileage_reading") == 60_010
    closed = await refused(client, CANCEL, {"input": {"orderId": oid, "reason": "x"}}, advisor)
    assert closed["rule"] == "order_closed"


async def test_cancel_before_work_releases_parts(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    opened = await open_walk_in(client, api_shop, advisor)
    line = await add_line(
        client, advisor, opened["id"], kind="PART", partId=gid("Part", api_shop.part_id)
    )
    await db.execute(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity, repair_order_line_id)"
        " select dealer_id, $2, 1, id from repair_order_line where id = $1",
        pk(line["id"]),
        api_shop.stock_item_id,
    )
    no_reason = await refused(
        client, CANCEL, {"input": {"orderId": opened["id"], "reason": " "}}, advisor
    )
    assert no_reason["rule"] == "cancel_needs_reason"
    done = await ok(
        client, CANCEL, {"input": {"orderId": opened["id"], "reason": "customer left"}}, advisor
    )
    assert done["cancelRepairOrder"]["status"] == "CANCELLED"
    assert await db.fetchval("select status from stock_reservation") == "released"
    assert await db.fetchval("select status from repair_order_line") == "cancelled"
    placed = await _ready_order(client, api_shop, sign_in)
    late = await refused(
        client, CANCEL, {"input": {"orderId": placed["id"], "reason": "x"}}, advisor
    )
    assert late["rule"] == "no_cancel_after_work_started"

"""Emission: the four domain points write their event and deliveries in the transaction
of the change (none when it rolls back), only for subscriptions that listen, whose
application is enabled and holds the event's scope, at the dealer of the change; with
nobody listening nothing is written."""

from __future__ import annotations

import base64
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from tenants.database import TenantScope, tenant_transaction
from tenants.partners import domain_events
from tenants.parts import receiving
from tenants.service.appointments import BookingRequest, ItemRequest, book_appointment
from tenants.service.orders.state_machine import transition
from tenants.warranty.decisions import Decision, decide
from tests.factories import Network, make_network
from tests.partners.webhook_factories import deliveries, make_app, make_subscription
from tests.parts.factories_parts import make_parts_shop
from tests.parts.purchasing_steps import acting, allowed_as, ordered, receipt_lines
from tests.service_front.factories_front import add_shift, make_front_desk
from tests.warranty.delivery_steps import submitted_claim
from tests.warranty.factories_warranty import make_warranty_desk

URL = "http://127.0.0.1:9/hooks"
"""Never posted to here: these tests stop at the outbox."""


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


@pytest.fixture
async def net(db: asyncpg.Connection) -> Network:
    return await make_network(db)


async def _events(db: asyncpg.Connection) -> int:
    return int(await db.fetchval("select count(*) from webhook_event"))


async def test_only_listening_subscriptions_of_enabled_apps_with_the_scope_get_it(
    db: asyncpg.Connection, net: Network
) -> None:
    dealer = net.dealer_ids[0]
    listening, _ = await make_subscription(db, dealer, await make_app(db, dealer), URL)
    other_events, _ = await make_subscription(
        db, dealer, await make_app(db, dealer), URL, ["appointment.booked"]
    )
    # Arranged past the API's check: the app lost the scope after subscribing.
    no_scope, _ = await make_subscription(
        db, dealer, await make_app(db, dealer, ["appointments:read"]), URL
    )
    disabled_app, _ = await make_subscription(
        db, dealer, await make_app(db, dealer, disabled=True), URL
    )
    disabled_sub, _ = await make_subscription(
        db, dealer, await make_app(db, dealer), URL, disabled=True
    )
    async with tenant_transaction(TenantScope.of([dealer])) as tx:
        made = await domain_events.repair_order_status_changed(
            tx, dealer, 5, "RO-5", "approved", "in_progress"
        )

    [delivery] = await deliveries(db, listening)
    assert made == [delivery["id"]]
    assert delivery["status"] == "pending" and delivery["attempts"] == 0
    for quiet in (other_events, no_scope, disabled_app, disabled_sub):
        assert await deliveries(db, quiet) == []
    assert await _events(db) == 1


async def test_nobody_listening_writes_nothing_and_a_rollback_keeps_nothing(
    db: asyncpg.Connection, net: Network
) -> None:
    a, b = net.dealer_ids[0], net.dealer_ids[1]
    # Dealer B's subscription does not listen to dealer A's events.
    await make_subscription(db, b, await make_app(db, b), URL)
    async with tenant_transaction(TenantScope.of([a])) as tx:
        assert await domain_events.repair_order_status_changed(tx, a, 1, "RO-1", None, "open") == []
    assert await _events(db) == 0

    sub, _ = await make_subscription(db, a, await make_app(db, a), URL)
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with tenant_transaction(TenantScope.of([a])) as tx:
            assert await domain_events.repair_order_status_changed(tx, a, 1, "RO-1", None, "open")
            raise RuntimeError("changed my mind")
    assert await deliveries(db, sub) == []
    assert await _events(db) == 0


async def test_a_repair_order_status_change_is_emitted(db: asyncpg.Connection) -> None:
    desk = await make_warranty_desk(db)
    sub, _ = await make_subscription(
        db, desk.dealer_id, await make_app(db, desk.dealer_id), URL, ["repair_order.status_changed"]
    )
    number = await db.fetchval("select number from repair_order where id = $1", desk.order_id)
    async with tenant_transaction(TenantScope.of([desk.dealer_id])) as tx:
        await transition(tx, desk.order_id, "work_done")

    [delivery] = await deliveries(db, sub)
    assert delivery["event_type"] == "repair_order.status_changed"
    assert delivery["payload"] == {
        "dealer": gid("Dealer", desk.dealer_id),
        "repairOrder": gid("RepairOrder", desk.order_id),
        "number": number,
        "fromStatus": "in_progress",
        "toStatus": "work_done",
        "reworkCount": 0,
    }


async def test_a_booked_appointment_is_emitted_without_personal_data(
    db: asyncpg.Connection,
) -> None:
    desk = await make_front_desk(db)
    shanghai = ZoneInfo("Asia/Shanghai")
    day = datetime.now(shanghai).date() + timedelta(days=3)
    await add_shift(db, desk.dealer_id, desk.users["technician"], day, "8")
    sub, _ = await make_subscription(
        db, desk.dealer_id, await make_app(db, desk.dealer_id), URL, ["appointment.booked"]
    )
    starts = datetime.combine(day, time(9), shanghai)
    async with tenant_transaction(
        TenantScope.of([desk.dealer_id], user_id=desk.users["advisor"])
    ) as tx:
        booked = await book_appointment(
            tx,
            desk.dealer_id,
            BookingRequest(
                desk.customer_id,
                desk.vehicle_id,
                starts,
                [ItemRequest("fault", description="Squeaking brakes", hours=Decimal("1.5"))],
            ),
        )

    [delivery] = await deliveries(db, sub)
    payload = delivery["payload"]
    assert payload == {
        "dealer": gid("Dealer", desk.dealer_id),
        "appointment": gid("Appointment", booked.appointment["id"]),
        "status": "booked",
        "channel": "phone",
        "startsAt": booked.appointment["starts_at"].isoformat(),
        "workDate": day.isoformat(),
        "bookedHours": "1.50",
        "partsExpectedOn": None,
    }
    assert datetime.fromisoformat(payload["startsAt"]) == starts
    text = str(payload)
    assert "王磊" not in text and "13912345678" not in text and "沪A12345" not in text


async def test_a_decided_warranty_claim_is_emitted_but_not_a_receipt(
    db: asyncpg.Connection,
) -> None:
    desk = await make_warranty_desk(db)
    sub, _ = await make_subscription(
        db, desk.dealer_id, await make_app(db, desk.dealer_id), URL, ["warranty_claim.decided"]
    )
    sent = await submitted_claim(db, desk)
    number = await db.fetchval("select number from warranty_claim where id = $1", sent.claim_id)
    async with tenant_transaction(TenantScope.of([desk.dealer_id])) as tx:
        await decide(tx, desk.dealer_id, sent.claim_id, Decision("accepted"), source="callback")
    assert await deliveries(db, sub) == []  # acknowledging receipt decides nothing

    async with tenant_transaction(TenantScope.of([desk.dealer_id])) as tx:
        await decide(tx, desk.dealer_id, sent.claim_id, Decision("approved"), source="callback")
    [delivery] = await deliveries(db, sub)
    assert delivery["payload"] == {
        "dealer": gid("Dealer", desk.dealer_id),
        "warrantyClaim": gid("WarrantyClaim", sent.claim_id),
        "number": number,
        "decision": "approved",
        "status": "approved",
        "approvedAmount": "950.00",
    }


async def test_a_posted_parts_receipt_is_emitted(db: asyncpg.Connection) -> None:
    shop = await make_parts_shop(db)
    sub, _ = await make_subscription(
        db, shop.dealer_id, await make_app(db, shop.dealer_id), URL, ["parts_receipt.received"]
    )
    order_id = await ordered(db, shop, {"filter": ("20", "55")})
    async with acting(shop, "keeper") as tx:
        receipt_id = await receiving.open_receipt(tx, shop.dealer_id, order_id, "SL-1")
    async with acting(shop, "planner") as tx:
        await receiving.check_shipping_list(tx, shop.dealer_id, receipt_id, {})
    [line] = (await receipt_lines(db, receipt_id)).values()
    async with acting(shop, "keeper") as tx:
        await receiving.count_line(
            tx,
            shop.dealer_id,
            line,
            receiving.Count(Decimal(12), Decimal(0), "ok", False),
            allowed_as("keeper"),
        )
    async with acting(shop, "keeper") as tx:
        await receiving.post_receipt(tx, shop.dealer_id, receipt_id)

    receipt = await db.fetchrow("select number from parts_receipt where id = $1", receipt_id)
    order = await db.fetchrow("select number from purchase_order where id = $1", order_id)
    part_number = await db.fetchval(
        "select p.part_number from stock_item s join part p on p.id = s.part_id where s.id = $1",
        shop.items["filter"],
    )
    [delivery] = await deliveries(db, sub)
    assert delivery["payload"] == {
        "dealer": gid("Dealer", shop.dealer_id),
        "partsReceipt": gid("PartsReceipt", receipt_id),
        "number": receipt["number"],
        "purchaseOrder": gid("PurchaseOrder", order_id),
        "purchaseOrderNumber": order["number"],
        "purchaseOrderStatus": "partially_received",
        "lines": [
            {"partNumber": part_number, "acceptedQuantity": "12.00", "refusedQuantity": "0.00"}
        ],
    }

"""Delivery (交车): the receiving advisor (or the one a supervisor assigned) hands the car
back after settlement, with the next service date and mileage, the mileage out and what
happens to each old part: warranty parts are kept for the claim, others are handed to
the customer or scrapped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.oversight.campaign_completion import complete_for_order
from tenants.service.board_events import publish_board_change
from tenants.service.mileage import record_mileage

from .errors import OrderNotFound, OrderRuleError
from .quotation import lock_order
from .state_machine import transition

DISPOSITIONS = ("keep_for_warranty", "hand_over", "scrap")


@dataclass(frozen=True)
class OldPart:
    line_id: int
    disposition: str


def delivering_advisor(order: asyncpg.Record) -> int:
    return int(order["delivering_advisor_user_id"] or order["advisor_user_id"])


async def reassign_delivering_advisor(
    tx: ActiveTransaction,
    order_id: int,
    advisor_user_id: int,
    *,
    may_deliver: bool,
    request_id: str = "",
) -> asyncpg.Record:
    """``may_deliver``: whether the new advisor holds ``repair_order:deliver`` there
    (the API asks the policies)."""
    connection = tx.connection
    order = await lock_order(connection, order_id)
    if order["status"] in ("delivered", "cancelled"):
        raise OrderRuleError("order_closed", f"the order is {order['status']}")
    if not may_deliver:
        raise OrderRuleError(
            "delivering_advisor_may_deliver",
            "the new delivering advisor may not deliver vehicles here",
            field="advisorId",
        )
    row = await connection.fetchrow(
        "update repair_order set delivering_advisor_user_id = $2 where id = $1 returning *",
        order_id,
        advisor_user_id,
    )
    assert row is not None
    await record(
        dealer_id=order["dealer_id"],
        action="repair_order.reassign_delivery",
        object_type="repair_order",
        object_id=order_id,
        before={"delivering_advisor_user_id": delivering_advisor(order)},
        after={"delivering_advisor_user_id": advisor_user_id},
        request_id=request_id,
    )
    await publish_board_change(order["dealer_id"], order_id)
    return row


async def deliver(
    tx: ActiveTransaction,
    order_id: int,
    *,
    mileage_out: int,
    next_service_date: date | None,
    next_service_km: int | None,
    old_parts: list[OldPart],
    request_id: str = "",
) -> asyncpg.Record:
    connection = tx.connection
    order = await lock_order(connection, order_id)
    if order["status"] != "settled":
        raise OrderRuleError(
            "no_delivery_before_settlement",
            f"the order is {order['status']}; no delivery before settlement",
        )
    if tx.scope.user_id != delivering_advisor(order):
        raise OrderRuleError(
            "delivering_advisor_only",
            "the receiving advisor delivers the car, unless a supervisor reassigned it",
            field="orderId",
        )
    if next_service_km is not None and next_service_km <= mileage_out:
        raise OrderRuleError(
            "next_service_km_ahead",
            "the next service mileage is beyond the mileage out",
            field="nextServiceKm",
        )
    today = await connection.fetchval("select current_date")
    if next_service_date is not None and next_service_date <= today:
        raise OrderRuleError(
            "next_service_date_ahead",
            "the next service date is in the future",
            field="nextServiceDate",
        )
    part_lines = {
        r["id"]: r["pay_type"]
        for r in await connection.fetch(
            "select id, pay_type from repair_order_line"
            " where repair_order_id = $1 and kind = 'part' and status = 'approved'",
            order_id,
        )
    }
    given = {p.line_id: p.disposition for p in old_parts}
    if set(given) - set(part_lines):
        raise OrderNotFound("Part line")
    missing = set(part_lines) - set(given)
    if missing:
        raise OrderRuleError(
            "old_part_disposition_required",
            "say for every replaced part whether it is kept, handed over or scrapped",
            field="oldParts",
        )
    for line_id, disposition in given.items():
        if disposition not in DISPOSITIONS:
            raise OrderRuleError(
                "old_part_disposition", f"disposition is one of {DISPOSITIONS}", field="oldParts"
            )
        warranty = part_lines[line_id] == "warranty"
        if warranty != (disposition == "keep_for_warranty"):
            raise OrderRuleError(
                "warranty_parts_kept" if warranty else "only_warranty_parts_kept",
                "warranty parts are kept for the claim; other old parts are handed over"
                " or scrapped",
                field="oldParts",
            )
    await connection.execute(
        "update repair_order_line l set old_part_disposition = d.disposition"
        " from unnest($1::bigint[], $2::text[]) as d(id, disposition) where l.id = d.id",
        list(given),
        list(given.values()),
    )
    await record_mileage(
        tx,
        order["dealer_id"],
        order["vehicle_id"],
        mileage_out,
        "delivery",
        order_id,
        request_id=request_id,
    )
    row = await connection.fetchrow(
        "update repair_order set next_service_date = $2, next_service_km = $3,"
        " delivering_advisor_user_id = $4 where id = $1 returning *",
        order_id,
        next_service_date,
        next_service_km,
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=order["dealer_id"],
        action="repair_order.deliver",
        object_type="repair_order",
        object_id=order_id,
        after={
            "mileage_out": mileage_out,
            "next_service_date": next_service_date,
            "next_service_km": next_service_km,
            "old_parts": given,
        },
        request_id=request_id,
    )
    await transition(tx, order_id, "delivered", "delivered to the customer", request_id=request_id)
    await complete_for_order(tx, order_id, request_id=request_id)
    return row

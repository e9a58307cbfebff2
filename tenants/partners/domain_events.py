"""The four domain events partners can subscribe to, as the domain reports them: one
function per event, called in the transaction of the change, building the payload the
webhook documentation describes (``docs/integrations/webhooks.md``).

Payloads carry global IDs, numbers, statuses, amounts and times; never a customer's
name, phone or address.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tenants.database import ActiveTransaction
from tenants.partners.webhook_outbox import emit, global_id


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _amount(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


async def repair_order_status_changed(
    tx: ActiveTransaction,
    dealer_id: int,
    order_id: int,
    number: str,
    from_status: str | None,
    to_status: str,
    *,
    rework_count: int = 0,
) -> list[int]:
    """``from_status`` is None when the order was just opened."""
    return await emit(
        tx,
        dealer_id,
        "repair_order.status_changed",
        {
            "repairOrder": global_id("RepairOrder", order_id),
            "number": number,
            "fromStatus": from_status,
            "toStatus": to_status,
            "reworkCount": rework_count,
        },
    )


async def appointment_booked(
    tx: ActiveTransaction, dealer_id: int, appointment: Mapping[str, Any]
) -> list[int]:
    return await emit(
        tx,
        dealer_id,
        "appointment.booked",
        {
            "appointment": global_id("Appointment", appointment["id"]),
            "status": appointment["status"],
            "channel": appointment["channel"],
            "startsAt": _iso(appointment["starts_at"]),
            "workDate": _iso(appointment["work_date"]),
            "bookedHours": _amount(appointment["booked_hours"]),
            "partsExpectedOn": _iso(appointment["parts_expected_on"]),
        },
    )


async def warranty_claim_decided(
    tx: ActiveTransaction,
    dealer_id: int,
    claim_id: int,
    number: str,
    decision: str,
    status: str,
    approved_amount: Decimal | None,
) -> list[int]:
    return await emit(
        tx,
        dealer_id,
        "warranty_claim.decided",
        {
            "warrantyClaim": global_id("WarrantyClaim", claim_id),
            "number": number,
            "decision": decision,
            "status": status,
            "approvedAmount": _amount(approved_amount),
        },
    )


async def parts_receipt_received(
    tx: ActiveTransaction,
    dealer_id: int,
    receipt: Mapping[str, Any],
    order: Mapping[str, Any],
    order_status: str,
    lines: Iterable[Mapping[str, Any]],
) -> list[int]:
    return await emit(
        tx,
        dealer_id,
        "parts_receipt.received",
        {
            "partsReceipt": global_id("PartsReceipt", receipt["id"]),
            "number": receipt["number"],
            "purchaseOrder": global_id("PurchaseOrder", order["id"]),
            "purchaseOrderNumber": order["number"],
            "purchaseOrderStatus": order_status,
            "lines": [
                {
                    "partNumber": line["part_number"],
                    "acceptedQuantity": _amount(line["accepted_qty"]),
                    "refusedQuantity": _amount(line["refused_qty"]),
                }
                for line in lines
            ],
        },
    )

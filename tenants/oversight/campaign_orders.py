"""One click at reception: add an open campaign's labour operation to the vehicle's
repair order as a warranty line at the operation's standard hours, through the order's
own line service (``quotation.add_line``: locking, pricing, revision, audit, board)."""

from __future__ import annotations

import asyncpg

from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.service.orders.quotation import LineInput, add_line, lock_order


async def add_campaign_operation(
    tx: ActiveTransaction, order_id: int, campaign_id: int, *, request_id: str = ""
) -> asyncpg.Record:
    """The new line; refused when the campaign is not open for the order's vehicle, has no
    operation, or the order already carries that operation."""
    connection = tx.connection
    order = await lock_order(connection, order_id)
    campaign = await connection.fetchrow(
        """
        select c.*, cv.completed_at
          from campaign c
          join vehicle v on v.dealer_id = $1 and v.id = $2
          join campaign_vehicle cv on cv.campaign_id = c.id and cv.vin = v.vin
          join dealer d on d.id = v.dealer_id
          join region r on r.id = d.region_id and r.manufacturer_id = c.manufacturer_id
         where c.id = $3
        """,
        order["dealer_id"],
        order["vehicle_id"],
        campaign_id,
    )
    if campaign is None:
        raise RecordNotFound("Campaign for this vehicle")
    if campaign["status"] != "open":
        raise RuleViolation("campaignId", "campaign_closed", "The campaign is closed")
    if campaign["completed_at"] is not None:
        raise RuleViolation(
            "campaignId", "campaign_already_completed", "The campaign is done on this vehicle"
        )
    if campaign["operation_id"] is None:
        raise RuleViolation(
            "campaignId", "campaign_without_operation", "The campaign names no operation"
        )
    present = await connection.fetchval(
        "select 1 from repair_order_line where repair_order_id = $1 and operation_id = $2"
        " and status in ('proposed', 'approved')",
        order_id,
        campaign["operation_id"],
    )
    if present is not None:
        raise RuleViolation(
            "campaignId",
            "campaign_operation_on_order",
            "The order already carries the campaign's operation",
        )
    label = f"{campaign['code']} {campaign['title']}".strip()
    return await add_line(
        tx,
        order_id,
        LineInput(
            kind="labour",
            pay_type="warranty",
            operation_id=campaign["operation_id"],
            description=label,
        ),
        request_id=request_id,
    )

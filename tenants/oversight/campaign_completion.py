"""Completion flows back: a delivered order that carried a campaign's operation marks the
campaign done for its VIN.

Chosen moment: delivery (交车), not the line's job being done. Until the car is handed
back the work can still fail the final check and be reworked, or the order be cancelled;
a delivered order is what the manufacturer pays a campaign claim for. ``deliver`` in
``tenants/service/orders/delivery.py`` calls ``complete_for_order`` in its transaction,
after the order's transition to delivered.

The write goes through ``campaign_complete`` (migration oversight_0006), a SECURITY
DEFINER function that re-checks everything: the dealer is in the transaction's scope, the
order is its own and delivered, the VIN is the order's vehicle, the order holds an
approved line of the campaign's operation, the campaign is open and of the dealer's brand,
and the row is not completed yet (first completion wins; later ones change nothing).
"""

from __future__ import annotations

from datetime import datetime

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction


async def complete_for_order(
    tx: ActiveTransaction,
    order_id: int,
    *,
    now: datetime | None = None,
    request_id: str = "",
) -> list[int]:
    """Complete the open campaigns the delivered order carried out; the campaign ids
    completed now. ``now`` defaults to the transaction's time."""
    connection = tx.connection
    rows = await connection.fetch(
        """
        select c.id as campaign_id, v.vin, o.dealer_id,
               campaign_complete(o.dealer_id, v.vin, c.id, o.id, coalesce($2, now())) as done
          from repair_order o
          join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
          join campaign_vehicle cv on cv.vin = v.vin and cv.completed_at is null
          join campaign c on c.id = cv.campaign_id and c.status = 'open'
         where o.id = $1
           and exists (select 1 from repair_order_line l
                        where l.dealer_id = o.dealer_id and l.repair_order_id = o.id
                          and l.kind = 'labour' and l.status = 'approved'
                          and l.operation_id = c.operation_id)
         order by c.id
        """,
        order_id,
        now,
    )
    completed = [r for r in rows if r["done"]]
    for row in completed:
        await record(
            dealer_id=row["dealer_id"],
            action="campaign_vehicle.complete",
            object_type="campaign",
            object_id=row["campaign_id"],
            after={"vin": row["vin"], "repair_order_id": order_id},
            request_id=request_id,
        )
    return [r["campaign_id"] for r in completed]

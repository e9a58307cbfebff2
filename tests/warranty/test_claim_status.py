"""The claim status machine: the dealer's moves and the manufacturer's are apart, every
move leaves its history, and an illegal move is refused naming both statuses."""

from __future__ import annotations

import asyncpg
import pytest

from tenants.database import TenantScope, tenant_transaction
from tenants.errors import RuleViolation
from tenants.warranty.claim_status import transition
from tests.warranty.factories_warranty import WarrantyDesk


async def _draft(db: asyncpg.Connection, desk: WarrantyDesk) -> int:
    return await db.fetchval(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, fault_date) values ($1, 'C-1', $2, $3, $4, 23000, 'standard',"
        " current_date) returning id",
        desk.dealer_id,
        desk.order_id,
        desk.vehicle_id,
        desk.vin,
    )


async def test_submit_then_manufacturer_decides_and_history_is_kept(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    claim = await _draft(db, desk)
    scope = TenantScope.of([desk.dealer_id], desk.users["claims"])
    async with tenant_transaction(scope) as tx:
        await transition(tx, desk.dealer_id, claim, "submitted")
    async with tenant_transaction(scope) as tx:
        with pytest.raises(RuleViolation) as refused:
            await transition(tx, desk.dealer_id, claim, "approved")
    assert refused.value.extensions["rule"] == "status_transition"
    async with tenant_transaction(TenantScope.of([desk.dealer_id])) as tx:
        await transition(tx, desk.dealer_id, claim, "returned", by_manufacturer=True, actor="inbox")
    async with tenant_transaction(scope) as tx:
        await transition(tx, desk.dealer_id, claim, "submitted", note="cause added")
    rows = await db.fetch(
        "select from_status, to_status from warranty_claim_event where claim_id = $1 order by id",
        claim,
    )
    assert [(r["from_status"], r["to_status"]) for r in rows] == [
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
    ]
    assert (
        await db.fetchval("select submission_count from warranty_claim where id = $1", claim) == 2
    )

"""The care schema's own walls: one revisit per order, calls and complaint actions are
append-only, and another dealer's revisits stay invisible under row-level security."""

from __future__ import annotations

from datetime import UTC, date, datetime

import asyncpg
import pytest

from tenants.database import TenantScope, tenant_transaction
from tests.care.factories_care import CareDesk, deliver_order


async def add_revisit(db: asyncpg.Connection, desk: CareDesk, order: int, dealer: int) -> int:
    revisit: int = await db.fetchval(
        "insert into revisit (dealer_id, repair_order_id, customer_id, vehicle_id, duty,"
        " delivered_at, due_from, due_by)"
        " select dealer_id, id, customer_id, vehicle_id, 'revisit_calls', delivered_at, $3, $3"
        " from repair_order where dealer_id = $1 and id = $2 returning id",
        dealer,
        order,
        date(2026, 3, 2),
    )
    return revisit


async def test_one_revisit_per_order_and_calls_are_never_rewritten(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    order = await deliver_order(db, desk, datetime(2026, 3, 1, 8, tzinfo=UTC))
    revisit = await add_revisit(db, desk, order, desk.dealer_id)
    with pytest.raises(asyncpg.UniqueViolationError):
        await add_revisit(db, desk, order, desk.dealer_id)
    await db.execute(
        "insert into revisit_attempt (dealer_id, revisit_id, round, attempt_no, called_at,"
        " caller_user_id, result) values ($1, $2, 1, 1, now(), $3, 'no_answer')",
        desk.dealer_id,
        revisit,
        desk.users["cs"],
    )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await db.execute(
            "update revisit_attempt set result = 'busy' where revisit_id = $1", revisit
        )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await db.execute("delete from revisit_attempt where revisit_id = $1", revisit)


async def test_another_dealers_revisits_are_invisible(
    db: asyncpg.Connection, desk: CareDesk
) -> None:
    mine = await add_revisit(
        db, desk, await deliver_order(db, desk, datetime(2026, 3, 1, 8, tzinfo=UTC)), desk.dealer_id
    )
    far_order = await deliver_order(
        db, desk, datetime(2026, 3, 1, 8, tzinfo=UTC), dealer_id=desk.far_dealer_id
    )
    await add_revisit(db, desk, far_order, desk.far_dealer_id)
    async with tenant_transaction(TenantScope.of([desk.dealer_id], desk.users["cs"])) as tx:
        seen = await tx.connection.fetch("select id from revisit")
    assert [r["id"] for r in seen] == [mine]

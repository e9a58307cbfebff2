"""Arranges dealer audits for the audit tests: every step runs through the services in a
tenant transaction of the acting person at the audited dealer, as the API would."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TypeVar

import asyncpg

from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tenants.oversight import audits
from tests.oversight.factories_oversight import Network

T = TypeVar("T")

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
"""10:00 on 26 November 2026 in Shanghai (the network's dealers' zone)."""
TODAY = date(2026, 11, 26)


async def act(
    network: Network,
    key: str,
    call: Callable[[ActiveTransaction], Awaitable[T]],
    dealer_index: int = 0,
) -> T:
    """Run ``call`` as person ``key`` at dealer ``dealer_index`` in one transaction."""
    dealer = network.dealer_ids[dealer_index]
    async with tenant_transaction(TenantScope.of((dealer,), network.users[key])) as tx:
        return await call(tx)


async def started_audit(network: Network, dealer_index: int = 0, now: datetime = T0) -> int:
    """A visit planned for today and started, by the regional manager."""
    dealer = network.dealer_ids[dealer_index]
    planned = await act(
        network,
        "regional",
        lambda tx: audits.plan_audit(tx, dealer, planned_on=now.date(), now=now),
        dealer_index,
    )
    audit_id: int = planned["id"]
    await act(
        network,
        "regional",
        lambda tx: audits.start_audit(tx, dealer, audit_id, now=now),
        dealer_index,
    )
    return audit_id


async def checklist_items(db: asyncpg.Connection, network: Network) -> list[asyncpg.Record]:
    return list(
        await db.fetch(
            "select * from audit_checklist_item where manufacturer_id = $1 and active"
            " order by position",
            network.manufacturer_id,
        )
    )


async def score_all(
    network: Network,
    db: asyncpg.Connection,
    audit_id: int,
    points: Callable[[asyncpg.Record], Decimal],
    dealer_index: int = 0,
) -> None:
    dealer = network.dealer_ids[dealer_index]
    for item in await checklist_items(db, network):

        async def score(tx: ActiveTransaction, item: asyncpg.Record = item) -> object:
            return await audits.score_item(
                tx, dealer, audit_id, item["id"], points=points(item), now=T0
            )

        await act(network, "regional", score, dealer_index)


async def audit_entries(db: asyncpg.Connection, object_type: str, object_id: int) -> list[str]:
    return [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where object_type = $1 and object_id = $2 order by id",
            object_type,
            str(object_id),
        )
    ]

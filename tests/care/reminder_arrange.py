"""Arranges reminder cases through the owner connection (past RLS): odometer readings
at chosen moments, declined order lines, recalls on a VIN, technician shifts; and runs
the generation as the desk's customer-service specialist would."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from tenants.care.reminder_targets import Generation, generate_targets
from tenants.database import TenantScope, tenant_transaction
from tests.care.factories_care import CareDesk

_n = itertools.count(1)


async def add_reading(
    owner: asyncpg.Connection,
    desk: CareDesk,
    vehicle_id: int,
    km: int,
    at: datetime,
    *,
    source: str = "reception",
) -> None:
    await owner.execute(
        "insert into mileage_reading (dealer_id, vehicle_id, km, source, correction_reason,"
        " recorded_at) values ($1, $2, $3, $4, $5, $6)",
        desk.dealer_id,
        vehicle_id,
        km,
        source,
        "odometer replaced" if source == "correction" else None,
        at,
    )


async def decline_line(
    owner: asyncpg.Connection, desk: CareDesk, order_id: int, description: str, at: datetime
) -> int:
    line: int = await owner.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, hours, unit_price,"
        " status, description, declined_at) values ($1, $2, 'labour', 1.5, 300, 'declined',"
        " $3, $4) returning id",
        desk.dealer_id,
        order_id,
        description,
        at,
    )
    return line


async def make_recall(
    owner: asyncpg.Connection,
    desk: CareDesk,
    vins: list[str],
    *,
    starts_on: date,
    ends_on: date | None = None,
    status: str = "open",
    completed: bool = False,
    manufacturer_id: int | None = None,
) -> int:
    campaign: int = await owner.fetchval(
        "insert into campaign (manufacturer_id, code, kind, title, title_zh, starts_on, ends_on,"
        " status) values ($1, $2, 'recall', 'Airbag inflator', '气囊气体发生器', $3, $4, $5)"
        " returning id",
        manufacturer_id or desk.manufacturer_id,
        f"RC{next(_n):04d}",
        starts_on,
        ends_on,
        status,
    )
    await owner.executemany(
        "insert into campaign_vehicle (campaign_id, vin, completed_at)"
        " values ($1, $2, case when $3 then now() end)",
        [(campaign, vin, completed) for vin in vins],
    )
    return campaign


async def vin_of(owner: asyncpg.Connection, vehicle_id: int) -> str:
    vin: str = await owner.fetchval("select vin from vehicle where id = $1", vehicle_id)
    return vin


async def add_shift(owner: asyncpg.Connection, desk: CareDesk, day: date, hours: str) -> None:
    await owner.execute(
        "insert into technician_shift (dealer_id, user_id, work_date, hours)"
        " values ($1, $2, $3, $4)",
        desk.dealer_id,
        desk.users["technician"],
        day,
        Decimal(hours),
    )


async def generate(desk: CareDesk, now: datetime, post: str = "cs") -> Generation:
    """An on-demand generation in a transaction of its own, as a post of the desk."""
    scope = TenantScope.of((desk.dealer_id,), desk.users[post])
    async with tenant_transaction(scope, fresh=True) as tx:
        result = await generate_targets(tx, desk.dealer_id, now)
    assert result is not None
    return result


async def targets(
    owner: asyncpg.Connection, desk: CareDesk, kind: str | None = None
) -> list[dict[str, Any]]:
    """The dealer's reminders (all states), by vehicle, kind, due date; basis decoded."""
    rows = await owner.fetch(
        "select * from care_reminder where dealer_id = $1 and ($2::text is null or kind = $2)"
        " order by vehicle_id, kind, due_on, source_key",
        desk.dealer_id,
        kind,
    )
    return [{**dict(r), "basis": json.loads(r["basis"])} for r in rows]

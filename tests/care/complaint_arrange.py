"""Arranges complaints for the complaint tests: opened through the intake service in a
tenant transaction of the desk's post, and dealer rules set through the owner connection."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg

from tenants.care.complaint_intake import open_complaint
from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tests.care.factories_care import CareDesk

T0 = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
"""10:00 in Shanghai on 26 November 2026."""


def as_post(desk: CareDesk, post: str, *, dealer_id: int | None = None) -> TenantScope:
    return TenantScope.of((dealer_id or desk.dealer_id,), desk.users[post])


async def set_rules(
    owner: asyncpg.Connection,
    desk: CareDesk,
    *,
    auto_route: dict[str, str] | None = None,
    hours: dict[str, int] | None = None,
) -> None:
    await owner.execute(
        "insert into care_settings (dealer_id, complaint_auto_route, complaint_hours)"
        " values ($1, $2::jsonb, coalesce($3::jsonb,"
        ' \'{"grievance": 24, "general": 72, "serious": 48, "severe": 24}\'::jsonb))'
        " on conflict (dealer_id) do update set complaint_auto_route = excluded.complaint_auto_route,"
        " complaint_hours = excluded.complaint_hours",
        desk.dealer_id,
        json.dumps(auto_route or {}),
        json.dumps(hours) if hours else None,
    )


async def file_complaint(
    desk: CareDesk,
    *,
    level: str = "general",
    channel: str = "phone",
    now: datetime = T0,
    post: str = "cs",
    summary: str = "Noise after the service",
    repair_order_id: int | None = None,
) -> asyncpg.Record:
    async with tenant_transaction(as_post(desk, post)) as tx:
        return await open_in(
            tx,
            desk,
            level=level,
            channel=channel,
            now=now,
            post=post,
            summary=summary,
            repair_order_id=repair_order_id,
        )


async def open_in(
    tx: ActiveTransaction,
    desk: CareDesk,
    *,
    level: str,
    channel: str,
    now: datetime,
    post: str,
    summary: str,
    repair_order_id: int | None = None,
) -> asyncpg.Record:
    return await open_complaint(
        tx.connection,
        desk.dealer_id,
        actor_user_id=desk.users[post],
        customer_id=desk.customer_id,
        vehicle_id=desk.vehicle_id,
        repair_order_id=repair_order_id,
        revisit_id=None,
        channel=channel,
        level=level,
        summary=summary,
        detail="",
        now=now,
    )


async def actions(owner: asyncpg.Connection, complaint_id: int) -> list[tuple[str, str | None]]:
    rows = await owner.fetch(
        "select kind, status_to from complaint_action where complaint_id = $1 order by id",
        complaint_id,
    )
    return [(r["kind"], r["status_to"]) for r in rows]


async def step_as(
    desk: CareDesk, post: str, call: Callable[[ActiveTransaction], Awaitable[asyncpg.Record]]
) -> asyncpg.Record:
    """Run one complaint step in its own transaction as ``post``."""
    async with tenant_transaction(as_post(desk, post)) as tx:
        return await call(tx)

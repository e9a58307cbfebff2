"""Arranges revisits for the call tests: a delivered order and its revisit inserted
through the owner connection (not by the generator, so these tests stand alone), and a
call recorded the way the API records it (the caller's tenant transaction)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import asyncpg

from tenants.care.revisit_calls import AttemptInput, AttemptRecorded, record_attempt
from tenants.care.revisit_contact import ContactCheckInput, check_contact
from tenants.database import TenantScope, tenant_transaction
from tests.care.factories_care import CareDesk, deliver_order


async def make_revisit(
    owner: asyncpg.Connection,
    desk: CareDesk,
    *,
    delivered_at: datetime,
    due_from: date,
    due_by: date | None = None,
    assignee: str | None = "cs",
    advisor: str = "advisor",
    status: str = "open",
    round: int = 1,
    failure_reason: str | None = None,
    next_call_at: datetime | None = None,
    customer_vehicle: tuple[int, int] | None = None,
    dealer_id: int | None = None,
) -> int:
    """A delivered order and its open revisit (as the generator would make it)."""
    dealer = dealer_id or desk.dealer_id
    order = await deliver_order(
        owner,
        desk,
        delivered_at,
        customer_vehicle=customer_vehicle,
        advisor=advisor,
        dealer_id=dealer,
    )
    row = await owner.fetchrow(
        "select customer_id, vehicle_id, advisor_user_id from repair_order where id = $1", order
    )
    assert row is not None
    revisit: int = await owner.fetchval(
        "insert into revisit (dealer_id, repair_order_id, customer_id, vehicle_id,"
        " advisor_user_id, assignee_user_id, duty, delivered_at, due_from, due_by, round,"
        " status, failure_reason, next_call_at)"
        " values ($1, $2, $3, $4, $5, $6, 'revisit_calls', $7, $8, $9, $10, $11, $12, $13)"
        " returning id",
        dealer,
        order,
        row["customer_id"],
        row["vehicle_id"],
        row["advisor_user_id"],
        desk.users[assignee] if assignee and dealer == desk.dealer_id else None,
        delivered_at,
        due_from,
        due_by or due_from + timedelta(days=2),
        round,
        status,
        failure_reason,
        next_call_at,
    )
    return revisit


async def call(
    desk: CareDesk,
    revisit_id: int,
    given: AttemptInput,
    now: datetime,
    *,
    caller: str = "cs",
) -> AttemptRecorded:
    """Record one call as ``caller`` at ``now``, in its own transaction."""
    user = desk.users[caller]
    async with tenant_transaction(TenantScope.of([desk.dealer_id], user)) as tx:
        return await record_attempt(
            tx, desk.dealer_id, revisit_id, given, caller_user_id=user, now=now
        )


async def check(
    desk: CareDesk,
    revisit_id: int,
    given: ContactCheckInput,
    now: datetime,
    *,
    actor: str = "advisor",
    any_revisit: bool = False,
) -> str:
    user = desk.users[actor]
    async with tenant_transaction(TenantScope.of([desk.dealer_id], user)) as tx:
        return await check_contact(
            tx,
            desk.dealer_id,
            revisit_id,
            given,
            actor_user_id=user,
            any_revisit=any_revisit,
            now=now,
        )


async def revisit_row(owner: asyncpg.Connection, revisit_id: int) -> asyncpg.Record:
    row = await owner.fetchrow("select * from revisit where id = $1", revisit_id)
    assert row is not None
    return row

"""Delivery to a manufacturer's own system over signed HTTP, through the real arq worker
and a real endpoint on loopback: failures are retried with backoff, a timeout after the
manufacturer took the claim ends in "already received", refusals and exhausted retries
become dead letters a person can retry, and each claim reaches the manufacturer once
in effect however often it is sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest
from arq.connections import ArqRedis

from tenants.database import TenantScope, tenant_transaction
from tenants.errors import RuleViolation
from tenants.warranty import delivery
from tenants.warranty.delivery_queue import wake
from tests.warranty.delivery_steps import (
    FAST,
    delivery_redis,
    make_http,
    outbox_row,
    queued_jobs,
    run_worker,
    submitted_claim,
)
from tests.warranty.factories_warranty import WarrantyDesk
from tests.warranty.manufacturer_endpoint import ManufacturerEndpoint, serving

__all__ = ["delivery_redis"]
pytestmark = pytest.mark.usefixtures("delivery_redis")

SECRET = "shared-secret-of-the-manufacturer"


@pytest.fixture
async def endpoint(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> AsyncIterator[ManufacturerEndpoint]:
    async with serving(ManufacturerEndpoint(SECRET)) as served:
        await make_http(db, desk, served.url, SECRET)
        yield served


async def _claim_events(db: asyncpg.Connection, claim_id: int) -> list[tuple[str, str]]:
    rows = await db.fetch(
        "select to_status, actor from warranty_claim_event where claim_id = $1 order by id",
        claim_id,
    )
    return [(r["to_status"], r["actor"]) for r in rows]


async def test_delivered_with_key_and_signature_and_acknowledged(
    db: asyncpg.Connection, desk: WarrantyDesk, endpoint: ManufacturerEndpoint
) -> None:
    sent = await submitted_claim(db, desk)
    await run_worker()

    assert list(endpoint.effects) == [sent.key]
    [received] = endpoint.requests
    assert received.answered == 201 and endpoint.bad_signatures == 0
    assert received.body["idempotencyKey"] == sent.key
    assert received.body["claim"]["requestedAmount"] == "950.00"
    message = await outbox_row(db, sent.message_id)
    assert (message["status"], message["attempts"], message["locked_until"]) == (
        "delivered",
        1,
        None,
    )
    assert json.loads(message["response"])["status"] == 201
    assert await _claim_events(db, sent.claim_id) == [
        ("submitted", ""),
        ("accepted", "connector:http"),
    ]


async def test_server_errors_are_retried_with_backoff_until_delivered(
    db: asyncpg.Connection, desk: WarrantyDesk, endpoint: ManufacturerEndpoint
) -> None:
    endpoint.script[:] = ["fail", "fail"]
    sent = await submitted_claim(db, desk)
    started = datetime.now(UTC)

    await run_worker()

    assert [r.answered for r in endpoint.requests] == [500, 500, 201]
    assert list(endpoint.effects) == [sent.key]
    message = await outbox_row(db, sent.message_id)
    assert (message["status"], message["attempts"]) == ("delivered", 3)
    # Two backoffs of at least half their capped delay (0.05 s, then 0.1 s).
    assert (message["delivered_at"] - started).total_seconds() >= 0.025 + 0.05


async def test_a_timeout_after_the_manufacturer_took_it_ends_as_already_received(
    db: asyncpg.Connection, desk: WarrantyDesk, endpoint: ManufacturerEndpoint
) -> None:
    endpoint.script[:] = ["slow"]
    endpoint.slow_seconds = FAST.timeout * 3
    sent = await submitted_claim(db, desk)

    await run_worker()

    assert [r.answered for r in endpoint.requests] == [201, 409]
    assert len(endpoint.effects) == 1
    message = await outbox_row(db, sent.message_id)
    assert (message["status"], message["attempts"]) == ("delivered", 2)
    assert json.loads(message["response"])["duplicate"] is True
    accepted = [e for e in await _claim_events(db, sent.claim_id) if e[0] == "accepted"]
    assert len(accepted) == 1


async def test_a_refusal_is_dead_at_once_and_a_person_retries_it(
    db: asyncpg.Connection,
    desk: WarrantyDesk,
    endpoint: ManufacturerEndpoint,
    delivery_redis: ArqRedis,
) -> None:
    endpoint.script[:] = ["refuse"]
    sent = await submitted_claim(db, desk)
    await run_worker()

    message = await outbox_row(db, sent.message_id)
    assert (message["status"], message["attempts"]) == ("dead", 1)
    assert message["last_error"].startswith("HTTP 422:")
    assert "VIN unknown" in message["last_error"]
    assert endpoint.effects == {}

    async with tenant_transaction(TenantScope.of([desk.dealer_id], desk.users["claims"])) as tx:
        retried = await delivery.retry_dead(tx, desk.dealer_id, sent.message_id)
    assert (retried["status"], retried["attempts"]) == ("pending", 0)
    assert await queued_jobs(delivery_redis) == [f"warranty-outbox:{sent.message_id}:0"]
    await run_worker()

    message = await outbox_row(db, sent.message_id)
    assert (message["status"], message["attempts"]) == ("delivered", 1)
    assert list(endpoint.effects) == [sent.key]
    actions = await db.fetch(
        "select action, actor_user_id from audit_entry where object_type = 'warranty_outbox'"
        " order by id"
    )
    assert [(a["action"], a["actor_user_id"]) for a in actions] == [
        ("warranty_outbox.dead", None),
        ("warranty_outbox.retry", desk.users["claims"]),
        ("warranty_outbox.delivered", None),
    ]


async def test_retries_end_in_a_dead_letter_after_the_limit(
    db: asyncpg.Connection, desk: WarrantyDesk, endpoint: ManufacturerEndpoint
) -> None:
    endpoint.script[:] = ["fail"] * FAST.max_attempts
    sent = await submitted_claim(db, desk)
    await run_worker()

    message = await outbox_row(db, sent.message_id)
    assert (message["status"], message["attempts"]) == ("dead", FAST.max_attempts)
    assert message["last_error"].startswith(f"Gave up after {FAST.max_attempts} attempts")
    assert len(endpoint.requests) == FAST.max_attempts
    assert (
        await db.fetchval("select status from warranty_claim where id = $1", sent.claim_id)
        == "submitted"
    )


async def test_only_dead_messages_of_waiting_claims_are_retried(
    db: asyncpg.Connection, desk: WarrantyDesk, endpoint: ManufacturerEndpoint
) -> None:
    sent = await submitted_claim(db, desk)
    scope = TenantScope.of([desk.dealer_id], desk.users["claims"])
    async with tenant_transaction(scope) as tx:
        with pytest.raises(RuleViolation) as pending:
            await delivery.retry_dead(tx, desk.dealer_id, sent.message_id)
    assert pending.value.rule == "delivery_not_dead"
    await db.execute("update warranty_outbox set status = 'dead' where id = $1; ", sent.message_id)
    await db.execute("update warranty_claim set status = 'rejected' where id = $1", sent.claim_id)
    async with tenant_transaction(scope) as tx:
        with pytest.raises(RuleViolation) as moved_on:
            await delivery.retry_dead(tx, desk.dealer_id, sent.message_id)
    assert moved_on.value.rule == "delivery_superseded"


async def test_an_unreachable_endpoint_is_retried_then_dead(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    await make_http(db, desk, "http://127.0.0.1:9/warranty", SECRET)  # discard port: refused
    sent = await submitted_claim(db, desk)
    await run_worker()
    message = await outbox_row(db, sent.message_id)
    assert (message["status"], message["attempts"]) == ("dead", FAST.max_attempts)
    assert "ConnectError" in message["last_error"]


async def test_a_wrong_secret_is_refused_by_the_manufacturer(
    db: asyncpg.Connection, desk: WarrantyDesk, endpoint: ManufacturerEndpoint
) -> None:
    await make_http(db, desk, endpoint.url, "not-the-secret")
    sent = await submitted_claim(db, desk)
    await run_worker()
    assert endpoint.bad_signatures == 1 and endpoint.effects == {}
    message = await outbox_row(db, sent.message_id)
    assert message["status"] == "dead" and message["last_error"].startswith("HTTP 401:")


async def test_many_claims_sent_by_racing_workers_arrive_once_each(
    db: asyncpg.Connection,
    desk: WarrantyDesk,
    endpoint: ManufacturerEndpoint,
    delivery_redis: ArqRedis,
) -> None:
    endpoint.script[:] = ["ok", "fail", "slow", "ok", "fail"]
    endpoint.slow_seconds = FAST.timeout * 2
    sent = [await submitted_claim(db, desk) for _ in range(12)]
    # The sweep asks for the same attempts as the fast path: arq keeps one job each.
    due = await delivery.due_messages()
    assert len(due) == 12
    assert await wake(due, redis=delivery_redis) == 0

    await asyncio.gather(run_worker(), run_worker())

    assert sorted(endpoint.effects) == sorted(s.key for s in sent)
    statuses = await db.fetch("select status, count(*) from warranty_outbox group by status")
    assert {(r["status"], r["count"]) for r in statuses} == {("delivered", 12)}
    accepted = await db.fetchval(
        "select count(*) from warranty_claim_event where to_status = 'accepted'"
    )
    assert accepted == 12

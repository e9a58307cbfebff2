"""Delivery to the manufacturer's review inbox through the real arq worker on real Redis:
the submission's commit wakes the worker, the inbox keeps one copy per idempotency key
and acknowledges receipt (submitted -> accepted), and a repeat changes nothing."""

from __future__ import annotations

import json

import asyncpg
import pytest
from arq.connections import ArqRedis

from tenants.database import TenantScope, tenant_transaction
from tenants.warranty import delivery, outbox
from tenants.warranty.claim_status import transition
from tests.warranty.delivery_steps import (
    delivery_redis,
    outbox_row,
    queued_jobs,
    run_worker,
    submitted_claim,
)
from tests.warranty.factories_warranty import WarrantyDesk

__all__ = ["delivery_redis"]
pytestmark = pytest.mark.usefixtures("delivery_redis")


async def test_commit_wakes_the_worker_which_delivers_into_the_inbox(
    db: asyncpg.Connection, desk: WarrantyDesk, delivery_redis: ArqRedis
) -> None:
    sent = await submitted_claim(db, desk)
    assert await queued_jobs(delivery_redis) == [f"warranty-outbox:{sent.message_id}:0"]

    worker = await run_worker()

    assert worker.jobs_complete == 1
    message = await outbox_row(db, sent.message_id)
    assert (message["status"], message["attempts"]) == ("delivered", 1)
    assert message["delivered_at"] is not None
    submissions = await db.fetch(
        "select id, idempotency_key, payload, status from warranty_submission where claim_id = $1",
        sent.claim_id,
    )
    assert [(s["idempotency_key"], s["status"]) for s in submissions] == [(sent.key, "received")]
    assert json.loads(submissions[0]["payload"])["requestedAmount"] == "950.00"
    assert json.loads(message["response"]) == {
        "submissionId": submissions[0]["id"],
        "duplicate": False,
    }
    events = await db.fetch(
        "select from_status, to_status, actor from warranty_claim_event where claim_id = $1"
        " order by id",
        sent.claim_id,
    )
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in events] == [
        ("draft", "submitted", ""),
        ("submitted", "accepted", "connector:inbox"),
    ]
    audited = await db.fetchval(
        "select count(*) from audit_entry where object_type = 'warranty_outbox'"
        " and object_id = $1 and action = 'warranty_outbox.delivered'",
        str(sent.message_id),
    )
    assert audited == 1


async def test_a_repeated_delivery_finds_the_copy_and_changes_nothing(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    sent = await submitted_claim(db, desk)
    first = await delivery.attempt(desk.dealer_id, sent.message_id)
    assert first is not None and first.status == "delivered"
    # As if the outcome had been lost: the message is pending and due again.
    await db.execute(
        "update warranty_outbox set status = 'pending', delivered_at = null where id = $1",
        sent.message_id,
    )
    again = await delivery.attempt(desk.dealer_id, sent.message_id)

    assert again is not None and again.status == "delivered"
    assert (
        await db.fetchval(
            "select count(*) from warranty_submission where claim_id = $1", sent.claim_id
        )
        == 1
    )
    message = await outbox_row(db, sent.message_id)
    assert json.loads(message["response"])["duplicate"] is True
    accepted = await db.fetchval(
        "select count(*) from warranty_claim_event where claim_id = $1 and to_status = 'accepted'",
        sent.claim_id,
    )
    assert accepted == 1


async def test_a_message_is_attempted_only_when_due_and_only_by_one(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    sent = await submitted_claim(db, desk)
    await db.execute(
        "update warranty_outbox set next_attempt_at = now() + interval '1 hour' where id = $1",
        sent.message_id,
    )
    assert await delivery.attempt(desk.dealer_id, sent.message_id) is None
    assert await delivery.due_messages() == []
    await db.execute(
        "update warranty_outbox set next_attempt_at = now() where id = $1", sent.message_id
    )
    [due] = await delivery.due_messages()
    assert (due.dealer_id, due.message_id, due.attempts) == (desk.dealer_id, sent.message_id, 0)
    # Another worker holds the row: this attempt skips it instead of waiting.
    async with tenant_transaction(TenantScope.of([desk.dealer_id]), fresh=True) as tx:
        await tx.connection.execute(
            "select 1 from warranty_outbox where id = $1 for update", sent.message_id
        )
        assert await delivery.attempt(desk.dealer_id, sent.message_id) is None
    result = await delivery.attempt(desk.dealer_id, sent.message_id)
    assert result is not None and result.status == "delivered"
    assert await delivery.attempt(desk.dealer_id, sent.message_id) is None


async def test_a_rolled_back_submission_leaves_no_message_and_wakes_nobody(
    db: asyncpg.Connection, desk: WarrantyDesk, delivery_redis: ArqRedis
) -> None:
    claim = await db.fetchval(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, fault_date) values ($1, 'RB-1', $2, $3, $4, 23000, 'standard',"
        " current_date) returning id",
        desk.dealer_id,
        desk.order_id,
        desk.vehicle_id,
        desk.vin,
    )
    with pytest.raises(RuntimeError):
        async with tenant_transaction(TenantScope.of([desk.dealer_id])) as tx:
            await transition(tx, desk.dealer_id, claim, "submitted")
            await outbox.enqueue(tx, desk.dealer_id, claim, "submit", {"n": 1}, round_=1)
            raise RuntimeError("the submission fails after writing its message")
    assert await db.fetchval("select count(*) from warranty_outbox") == 0
    assert await db.fetchval("select status from warranty_claim where id = $1", claim) == "draft"
    assert await queued_jobs(delivery_redis) == []


async def test_the_sweep_covers_every_dealer_through_keys_only(
    db: asyncpg.Connection, desk: WarrantyDesk, delivery_redis: ArqRedis
) -> None:
    near = await submitted_claim(db, desk)
    far = await submitted_claim(db, desk, dealer_id=desk.far_dealer_id)
    await delivery_redis.flushdb()  # the fast path's jobs are lost

    worker = await run_worker(sweep=True)

    assert worker.jobs_complete >= 3  # the sweep, then one delivery per dealer
    for sent in (near, far):
        assert (await outbox_row(db, sent.message_id))["status"] == "delivered"
    # The app role cannot read the outbox without a scope; the sweep's function gives keys.
    async with tenant_transaction(TenantScope.of([]), fresh=True) as tx:
        assert await tx.connection.fetchval("select count(*) from warranty_outbox") == 0

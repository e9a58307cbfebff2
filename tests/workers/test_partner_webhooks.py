"""Partner webhooks through the real arq worker to a real receiver on loopback: posts are
signed so that an independent Standard Webhooks implementation accepts them, failures
are retried with the same event ID until delivered or dead, a dead or delivered delivery
is replayed with the same event ID, a worker that died mid-attempt loses nothing, and
one dealer's events never reach another dealer's subscriptions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import asyncpg
import pytest
from arq.connections import ArqRedis
from arq.constants import in_progress_key_prefix
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from tenants.database import TenantScope, tenant_transaction
from tenants.partners import domain_events, webhook_delivery, webhook_subscriptions
from tenants.partners.webhook_queue import JOB_NAME, Wake, job_id
from tests.factories import Network, make_network
from tests.partners.webhook_factories import deliveries, make_app, make_subscription
from tests.partners.webhook_receiver import Receiver, serving
from tests.partners.webhook_worker import (
    FAST,
    queued_jobs,
    run_worker,
    run_worker_until,
    webhook_redis,
)
from workers.redis import QUEUE_NAME

__all__ = ["webhook_redis"]
pytestmark = pytest.mark.usefixtures("webhook_redis")


@pytest.fixture
async def net(db: asyncpg.Connection) -> Network:
    return await make_network(db)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with serving() as served:
        yield served


async def _order_changed(dealer_id: int, order_id: int = 41, to: str = "work_done") -> None:
    """A repair order status change reported in its own committed transaction."""
    async with tenant_transaction(TenantScope.of([dealer_id])) as tx:
        await domain_events.repair_order_status_changed(
            tx, dealer_id, order_id, f"RO-{order_id}", "in_progress", to
        )


async def _attempt_log(db: asyncpg.Connection, delivery_id: int) -> list[tuple[Any, ...]]:
    rows = await db.fetch(
        "select attempt, outcome, http_status from webhook_attempt where delivery_id = $1"
        " order by attempt",
        delivery_id,
    )
    return [tuple(r) for r in rows]


def _verified(secret: str, request: Any) -> Any:
    return Webhook(secret).verify(request.body, request.headers)


async def test_delivered_signed_as_standard_webhooks_verify(
    db: asyncpg.Connection, net: Network, receiver: Receiver
) -> None:
    dealer = net.dealer_ids[0]
    app = await make_app(db, dealer)
    sub, secret = await make_subscription(db, dealer, app, receiver.url)
    await _order_changed(dealer)
    await run_worker()

    [request] = receiver.requests
    envelope = _verified(secret, request)
    [delivery] = await deliveries(db, sub)
    assert request.webhook_id == envelope["id"] == str(delivery["event_uuid"])
    assert envelope["type"] == "repair_order.status_changed"
    assert envelope["data"]["number"] == "RO-41"
    assert envelope["data"]["toStatus"] == "work_done"
    assert (delivery["status"], delivery["attempts"], delivery["locked_until"]) == (
        "delivered",
        1,
        None,
    )
    assert await _attempt_log(db, delivery["id"]) == [(1, "delivered", 204)]
    # The signature covers the body: a changed byte, or another secret, fails verification.
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.body.replace(b"RO-41", b"RO-42"), request.headers)
    _, other_secret = await make_subscription(db, dealer, app, receiver.url)
    with pytest.raises(WebhookVerificationError):
        Webhook(other_secret).verify(request.body, request.headers)


async def test_a_500_is_retried_with_the_same_event_id_until_delivered(
    db: asyncpg.Connection, net: Network, receiver: Receiver
) -> None:
    dealer = net.dealer_ids[0]
    sub, secret = await make_subscription(db, dealer, await make_app(db, dealer), receiver.url)
    receiver.script = ["fail", "slow"]
    receiver.slow_seconds = 1.0  # past FAST's half-second timeout
    await _order_changed(dealer)
    await run_worker()

    assert [r.answered for r in receiver.requests] == [500, 204, 204]
    assert len({r.webhook_id for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1  # the same bytes every time
    for request in receiver.requests:
        _verified(secret, request)  # each attempt signed afresh
    [delivery] = await deliveries(db, sub)
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 3)
    assert await _attempt_log(db, delivery["id"]) == [
        (1, "retry", 500),
        (2, "retry", None),
        (3, "delivered", 204),
    ]
    first, second = await db.fetch(
        "select error, response_excerpt, duration_ms from webhook_attempt"
        " where delivery_id = $1 and attempt < 3 order by attempt",
        delivery["id"],
    )
    assert first["error"] == "HTTP 500" and "scripted fail" in first["response_excerpt"]
    assert second["error"].startswith("No answer within 0.5 s")
    assert second["duration_ms"] >= 450


async def test_dead_after_the_limit_then_replayed_with_the_same_event_id(
    db: asyncpg.Connection, net: Network, receiver: Receiver
) -> None:
    dealer = net.dealer_ids[0]
    sub, secret = await make_subscription(db, dealer, await make_app(db, dealer), receiver.url)
    receiver.script = ["fail"] * FAST.max_attempts
    await _order_changed(dealer)
    await run_worker()

    [dead] = await deliveries(db, sub)
    assert (dead["status"], dead["attempts"], dead["last_http_status"]) == ("dead", 3, 500)
    assert dead["last_error"] == "Gave up after 3 attempts; last: HTTP 500"
    assert [r.answered for r in receiver.requests] == [500, 500, 500]

    async with tenant_transaction(TenantScope.of([dealer])) as tx:
        replay_id = await webhook_subscriptions.replay(tx, dealer, dead["id"])
    await run_worker()

    dead_after, replay = await deliveries(db, sub)
    assert dead_after["status"] == "dead"  # the original stays as it was
    assert (replay["id"], replay["replay_of"], replay["status"]) == (
        replay_id,
        dead["id"],
        "delivered",
    )
    assert replay["event_id"] == dead["event_id"]
    last = receiver.requests[-1]
    assert last.answered == 204 and last.webhook_id == str(dead["event_uuid"])
    assert last.body == receiver.requests[0].body
    _verified(secret, last)
    assert await _attempt_log(db, replay_id) == [(1, "delivered", 204)]


async def test_a_worker_that_died_mid_attempt_loses_nothing(
    db: asyncpg.Connection, net: Network, receiver: Receiver
) -> None:
    """The delivery was taken (attempt counted, log row ``sending``) and the worker died:
    once the lease has run out, the sweep finds it and the next attempt delivers it,
    marking the orphaned log row lost."""
    dealer = net.dealer_ids[0]
    sub, _ = await make_subscription(db, dealer, await make_app(db, dealer), receiver.url)
    async with tenant_transaction(TenantScope.of([dealer])) as tx:
        [delivery_id] = await domain_events.repair_order_status_changed(
            tx, dealer, 7, "RO-7", "ready", "settled"
        )
        # The worker dies: no wake reaches Redis, only the sweep will find it.
        tx.after_commit.clear()
    await db.execute(
        "update webhook_delivery set attempts = 1, locked_until = now() - interval '1 second'"
        " where id = $1",
        delivery_id,
    )
    await db.execute(
        "insert into webhook_attempt (dealer_id, delivery_id, attempt) values ($1, $2, 1)",
        dealer,
        delivery_id,
    )
    await run_worker(sweep=True)

    [delivery] = await deliveries(db, sub)
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 2)
    assert await _attempt_log(db, delivery_id) == [(1, "lost", None), (2, "delivered", 204)]
    assert len(receiver.requests) == 1


async def test_a_job_locked_by_a_killed_worker_is_asked_for_under_a_new_id(
    db: asyncpg.Connection, net: Network, receiver: Receiver, webhook_redis: ArqRedis
) -> None:
    """A worker was killed right after arq handed it the delivery's job, before it leased
    the delivery: arq keeps that job ID locked for half an hour and asking under it
    again does nothing. The sweep asks under a new ID once the delivery has stayed due
    past ``reissue_after``, and a live worker delivers it, once."""
    dealer = net.dealer_ids[0]
    sub, _ = await make_subscription(db, dealer, await make_app(db, dealer), receiver.url)
    async with tenant_transaction(TenantScope.of([dealer])) as tx:
        [delivery_id] = await domain_events.repair_order_status_changed(
            tx, dealer, 9, "RO-9", "ready", "settled"
        )
        tx.after_commit.clear()  # the wake is arranged below, as the dead worker left it
    first = job_id(Wake(dealer, delivery_id, 0))
    assert first == f"webhook-delivery:{delivery_id}:0"
    assert await webhook_redis.enqueue_job(
        JOB_NAME, dealer, delivery_id, _job_id=first, _queue_name=QUEUE_NAME
    )
    # What arq leaves behind when the worker holding the job is SIGKILLed.
    await webhook_redis.psetex(in_progress_key_prefix + first, 30 * 60 * 1000, b"1")
    assert (
        await webhook_redis.enqueue_job(
            JOB_NAME, dealer, delivery_id, _job_id=first, _queue_name=QUEUE_NAME
        )
        is None
    )
    # Due for a while (the default policy: re-asked each minute it stays untaken).
    await db.execute(
        "update webhook_delivery set next_attempt_at = now() - interval '150 seconds'"
        " where id = $1",
        delivery_id,
    )
    [due] = await webhook_delivery.due_deliveries(reissue_after=60.0)
    assert job_id(due) == f"webhook-delivery:{delivery_id}:0:again2"
    policy = replace(FAST, reissue_after=60.0)

    async def delivered() -> bool:
        return (await deliveries(db, sub))[0]["status"] == "delivered"

    await run_worker_until(delivered, policy=policy, within=15)

    [delivery] = await deliveries(db, sub)
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 1)
    assert await _attempt_log(db, delivery_id) == [(1, "delivered", 204)]
    assert len(receiver.requests) == 1
    # The locked job is still there, untouched; the new one ran and left nothing.
    assert await queued_jobs(webhook_redis) == [first]
    # Delivered, nothing is re-asked however long ago it was due.
    assert await webhook_delivery.due_deliveries(reissue_after=60.0) == []


async def test_one_dealers_events_never_reach_another_dealers_subscription(
    db: asyncpg.Connection, net: Network
) -> None:
    a, b = net.dealer_ids[0], net.dealer_ids[1]
    async with serving() as at_a, serving() as at_b:
        sub_a, _ = await make_subscription(db, a, await make_app(db, a), at_a.url)
        sub_b, secret_b = await make_subscription(db, b, await make_app(db, b), at_b.url)
        await _order_changed(b, order_id=99)
        await run_worker()

        assert at_a.requests == []
        assert await deliveries(db, sub_a) == []
        [request] = at_b.requests
        assert _verified(secret_b, request)["data"]["number"] == "RO-99"
        assert len(await deliveries(db, sub_b)) == 1


async def test_a_subscription_disabled_before_its_turn_gets_nothing(
    db: asyncpg.Connection, net: Network, receiver: Receiver
) -> None:
    dealer = net.dealer_ids[0]
    sub, _ = await make_subscription(db, dealer, await make_app(db, dealer), receiver.url)
    async with tenant_transaction(TenantScope.of([dealer])) as tx:
        await domain_events.repair_order_status_changed(tx, dealer, 8, "RO-8", "open", "cancelled")
        await webhook_subscriptions.disable(tx, dealer, sub)
    await run_worker()

    assert receiver.requests == []
    [delivery] = await deliveries(db, sub)
    assert (delivery["status"], delivery["last_error"]) == (
        "dead",
        "The subscription was disabled",
    )


async def test_after_a_rotation_posts_verify_with_the_new_and_the_old_secret(
    db: asyncpg.Connection, net: Network, receiver: Receiver
) -> None:
    dealer = net.dealer_ids[0]
    sub, old = await make_subscription(db, dealer, await make_app(db, dealer), receiver.url)
    async with tenant_transaction(TenantScope.of([dealer])) as tx:
        rotated = await webhook_subscriptions.rotate_secret(tx, dealer, sub)
        await webhook_subscriptions.ping(tx, dealer, sub)
    assert rotated.signing_secret != old
    await run_worker()

    [request] = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    assert _verified(rotated.signing_secret, request)["type"] == "webhook.ping"
    assert _verified(old, request)["data"]["message"]
    # Once the grace period is over, only the new secret signs.
    await db.execute(
        "update webhook_subscription set previous_secret_until = now() where id = $1", sub
    )
    async with tenant_transaction(TenantScope.of([dealer])) as tx:
        await webhook_subscriptions.ping(tx, dealer, sub)
    await run_worker()
    latest = receiver.requests[-1]
    _verified(rotated.signing_secret, latest)
    with pytest.raises(WebhookVerificationError):
        _verified(old, latest)
    assert json.loads(latest.body)["id"] != request.webhook_id  # a new ping, a new event


async def test_in_production_a_private_address_is_not_posted_to(
    db: asyncpg.Connection, net: Network, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key choosing the URL must not make the worker probe its own network."""
    monkeypatch.setenv("DEALERNET_ENV", "production")
    monkeypatch.delenv("DEALERNET_WEBHOOKS_ALLOW_PRIVATE", raising=False)
    dealer = net.dealer_ids[0]
    sub, _ = await make_subscription(db, dealer, await make_app(db, dealer), receiver.url)
    await _order_changed(dealer)
    await run_worker()

    assert receiver.requests == []
    [delivery] = await deliveries(db, sub)
    assert delivery["status"] == "dead"
    assert "resolves to a non-public address (127.0.0.1)" in delivery["last_error"]

    monkeypatch.setenv("DEALERNET_WEBHOOKS_ALLOW_PRIVATE", "1")  # an on-premises partner
    async with tenant_transaction(TenantScope.of([dealer])) as tx:
        await webhook_subscriptions.replay(tx, dealer, delivery["id"])
    await run_worker()
    assert len(receiver.requests) == 1

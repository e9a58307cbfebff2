"""Webhook retention: delivered and dead deliveries, their attempts and the events left
without a delivery go 90 days on, dealer by dealer, through the daily housekeeping job;
pending deliveries, recent ones, and originals that a staying replay points at stay."""

from __future__ import annotations

import asyncpg
import pytest

from tenants.partners import webhook_retention
from tests.factories import Network, make_network
from tests.partners.webhook_factories import make_app, make_subscription
from workers.housekeeping import purge_partner_webhooks
from workers.settings import WorkerSettings


@pytest.fixture
async def net(db: asyncpg.Connection) -> Network:
    return await make_network(db)


async def _event(db: asyncpg.Connection, dealer: int, days: int) -> int:
    return await db.fetchval(
        "insert into webhook_event (dealer_id, event_type, payload, occurred_at)"
        " values ($1, 'repair_order.status_changed', '{}', now() - make_interval(days => $2))"
        " returning id",
        dealer,
        days,
    )


async def _delivery(
    db: asyncpg.Connection,
    dealer: int,
    event: int,
    subscription: int,
    status: str,
    days: int,
    *,
    attempts: int = 1,
    replay_of: int | None = None,
) -> int:
    """A delivery created ``days`` ago with its attempts, finished the same day."""
    delivery = await db.fetchval(
        "insert into webhook_delivery (dealer_id, event_id, subscription_id, status, attempts,"
        " created_at, next_attempt_at, delivered_at, replay_of)"
        " values ($1, $2, $3, $4, $5, now() - make_interval(days => $6),"
        " now() - make_interval(days => $6),"
        " case when $4 = 'delivered' then now() - make_interval(days => $6) end, $7)"
        " returning id",
        dealer,
        event,
        subscription,
        status,
        attempts,
        days,
        replay_of,
    )
    await db.execute(
        "insert into webhook_attempt (dealer_id, delivery_id, attempt, started_at, outcome)"
        " select $1, $2, n, now() - make_interval(days => $3), 'retry'"
        " from generate_series(1, $4) n",
        dealer,
        delivery,
        days,
        attempts,
    )
    return delivery


async def _ids(db: asyncpg.Connection, table: str) -> set[int]:
    return {r[0] for r in await db.fetch(f"select id from {table}")}


async def test_finished_deliveries_older_than_90_days_are_purged_with_attempts_and_events(
    db: asyncpg.Connection, net: Network
) -> None:
    first, second, untouched = net.dealer_ids[:3]
    subs = {}
    for dealer in (first, second, untouched):
        subs[dealer], _ = await make_subscription(
            db, dealer, await make_app(db, dealer), "https://partner.example/hooks"
        )
    sub = subs[first]

    # Gone: a delivered delivery and its event, 91 days on.
    gone_event = await _event(db, first, 91)
    gone = await _delivery(db, first, gone_event, sub, "delivered", 91, attempts=2)
    # Gone: a dead delivery; its event stays for the recent delivery of it.
    shared_event = await _event(db, first, 95)
    dead = await _delivery(db, first, shared_event, sub, "dead", 95, attempts=3)
    recent = await _delivery(db, first, shared_event, sub, "delivered", 89)
    # Stays: pending, however old (with its attempts and its event).
    stuck_event = await _event(db, first, 120)
    pending = await _delivery(db, first, stuck_event, sub, "pending", 120)
    # Stays: an old dead original (and what it replays) while a pending replay points
    # at it.
    chain_event = await _event(db, first, 130)
    original = await _delivery(db, first, chain_event, sub, "dead", 130)
    replayed = await _delivery(db, first, chain_event, sub, "dead", 100, replay_of=original)
    live_replay = await _delivery(db, first, chain_event, sub, "pending", 0, replay_of=replayed)
    # Gone together: an old original and its old replay, both finished.
    pair_event = await _event(db, first, 110)
    pair_original = await _delivery(db, first, pair_event, sub, "dead", 110)
    pair_replay = await _delivery(
        db, first, pair_event, sub, "delivered", 105, replay_of=pair_original
    )
    # An event left without any delivery: gone when old, kept when recent.
    orphan_old = await _event(db, first, 91)
    orphan_new = await _event(db, first, 1)
    # The second dealer: one old delivered delivery; the third holds only recent rows.
    other_event = await _event(db, second, 200)
    other = await _delivery(db, second, other_event, subs[second], "delivered", 200)
    kept_event = await _event(db, untouched, 30)
    kept = await _delivery(db, untouched, kept_event, subs[untouched], "dead", 30)
    attempts_before = await db.fetchval("select count(*) from webhook_attempt")

    removed = await purge_partner_webhooks({})

    deliveries = await _ids(db, "webhook_delivery")
    assert deliveries == {recent, pending, original, replayed, live_replay, kept}
    assert not deliveries & {gone, dead, pair_original, pair_replay, other}
    assert await _ids(db, "webhook_event") == {
        shared_event,
        stuck_event,
        chain_event,
        orphan_new,
        kept_event,
    }
    assert not {gone_event, pair_event, orphan_old, other_event} & await _ids(db, "webhook_event")
    # Every purged delivery's attempts went with it; every kept one keeps its own.
    attempts = await db.fetch(
        "select delivery_id, count(*) from webhook_attempt group by delivery_id"
    )
    assert {r[0]: r[1] for r in attempts} == {
        recent: 1,
        pending: 1,
        original: 1,
        replayed: 1,
        live_replay: 1,
        kept: 1,
    }
    purged_attempts = attempts_before - 6
    assert purged_attempts == 2 + 3 + 1 + 1 + 1
    assert removed == purged_attempts + 5 + 4  # attempts, deliveries, events
    # Nothing left to purge: a second run finds nothing.
    assert await webhook_retention.purge_older_than() == webhook_retention.Purged()


async def test_the_purge_runs_daily_with_the_housekeeping_jobs() -> None:
    [job] = [c for c in WorkerSettings.cron_jobs if c.name == "cron:purge_partner_webhooks"]
    assert (job.hour, job.minute, job.run_at_startup) == ({3}, {37}, False)
    assert purge_partner_webhooks in WorkerSettings.functions

"""The store: decisions in memory, read-only enforcer, reloads that survive failures and
reconnects, membership changes live through NOTIFY."""

from __future__ import annotations

import time

import asyncpg
import pytest

from policies.adapter import PolicyRows, ReadOnlyPolicyError, fetch_policy_rows
from policies.store import PolicyStore, Subject
from tests.factories import Network, make_membership, make_user
from tests.policies.factories_policies import wait_until


async def test_decisions_never_touch_the_database(network: Network) -> None:
    loads = 0

    async def counting_fetch() -> PolicyRows:
        nonlocal loads
        loads += 1
        return await fetch_policy_rows()

    store = await PolicyStore.load(counting_fetch)
    advisor = Subject.user(network.users["advisor_a"])
    a, b, _ = network.dealer_ids
    started = time.perf_counter()
    for _ in range(500):
        assert store.allowed(advisor, a, "repair_order", "create")
        assert not store.allowed(advisor, b, "repair_order", "create")
        store.explain(advisor, a, "quotation", "approve")
        store.authority_limit(advisor, a, "concession")
    elapsed = time.perf_counter() - started
    assert loads == 1
    assert elapsed < 2.0, f"2000 in-memory decisions took {elapsed:.2f}s"


async def test_enforcer_refuses_writes(store: PolicyStore) -> None:
    rule = ["role:service_advisor", "*", "repair_order", "create", "allow"]
    with pytest.raises(ReadOnlyPolicyError, match=r"policies\.overrides"):
        await store.enforcer.add_policy("role:cashier", "*", "budget", "approve", "allow")
    with pytest.raises(ReadOnlyPolicyError):
        await store.enforcer.remove_policy(*rule)
    with pytest.raises(ReadOnlyPolicyError):
        await store.enforcer.add_grouping_policy("user:0", "role:service_manager", "dealer:1")
    with pytest.raises(ReadOnlyPolicyError):
        await store.enforcer.add_policies([["role:cashier", "*", "budget", "read", "allow"]])
    with pytest.raises(ReadOnlyPolicyError):
        await store.enforcer.remove_filtered_policy(0, "role:service_advisor")
    with pytest.raises(ReadOnlyPolicyError):
        await store.enforcer.load_filtered_policy(None)
    with pytest.raises(ReadOnlyPolicyError):
        await store.enforcer.save_policy()
    with pytest.raises(ReadOnlyPolicyError):
        store.enforcer.enable_enforce(False)
    assert store.enforcer.enforce("role:service_advisor", "dealer:1", "repair_order", "create")
    assert not store.enforcer.enforce("role:cashier", "dealer:1", "budget", "approve")


async def test_failed_reload_keeps_the_policy_in_force(
    store: PolicyStore, network: Network
) -> None:
    advisor = Subject.user(network.users["advisor_a"])
    a = network.dealer_ids[0]
    generation = store.generation

    async def broken() -> PolicyRows:
        raise ConnectionError("database away")

    store._fetch = broken  # the store reads through its fetch function
    with pytest.raises(ConnectionError):
        await store.reload()
    assert store.generation == generation
    assert store.allowed(advisor, a, "repair_order", "create")


async def test_new_membership_is_live_through_notify(
    db: asyncpg.Connection, store: PolicyStore, network: Network
) -> None:
    await store.listen()
    a = network.dealer_ids[0]
    newcomer = await make_user(db)
    await make_membership(db, a, newcomer, ["cashier"])
    took = await wait_until(
        lambda: store.allowed(Subject.user(newcomer), a, "settlement", "collect"), 1.0
    )
    assert took < 1.0
    await db.execute("update membership set active = false where user_id = $1", newcomer)
    await wait_until(lambda: not store.dealers_of(newcomer), 1.0)
    await db.execute(
        "update staff_user set active = false where id = $1", network.users["advisor_a"]
    )
    await wait_until(
        lambda: (
            not store.allowed(Subject.user(network.users["advisor_a"]), a, "repair_order", "read")
        ),
        1.0,
    )


async def test_listener_reconnects_and_catches_up(
    db: asyncpg.Connection, store: PolicyStore, network: Network
) -> None:
    await store.listen()
    generation = store.generation
    terminated = await db.fetchval(
        """
        select count(pg_terminate_backend(pid)) from pg_stat_activity
         where datname = current_database() and query like 'LISTEN%dealernet_policy%'
        """
    )
    assert terminated >= 1  # the app under test may listen too
    await wait_until(lambda: store.generation > generation, 3.0)  # reloads after reconnecting
    a = network.dealer_ids[0]
    newcomer = await make_user(db)
    await make_membership(db, a, newcomer, ["technician"])
    await wait_until(lambda: store.allowed(Subject.user(newcomer), a, "job_clock", "record"), 1.0)


async def test_stop_is_idempotent_and_listen_twice_is_harmless(store: PolicyStore) -> None:
    await store.listen()
    await store.listen()
    await store.stop()
    await store.stop()

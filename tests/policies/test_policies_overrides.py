"""Dealer overrides: validated, audited, effective after reload and through NOTIFY."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from policies import overrides
from policies.errors import PolicyDenied, PolicyInputError
from policies.store import PolicyStore, Subject
from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tests.factories import Network
from tests.policies.factories_policies import wait_until

AsUser = Callable[[int, int], AbstractAsyncContextManager[ActiveTransaction]]


async def set_as_manager(as_user: AsUser, network: Network, **kwargs: Any) -> dict[str, Any]:
    dealer = network.dealer_ids[0]
    async with as_user(dealer, network.users["manager_a"]):
        return await overrides.set_override(dealer_id=dealer, **kwargs)


async def revoke_as_manager(as_user: AsUser, network: Network, override_id: int) -> None:
    dealer = network.dealer_ids[0]
    async with as_user(dealer, network.users["manager_a"]):
        await overrides.revoke_override(dealer_id=dealer, override_id=override_id)


DENY_ADVISOR_ORDERS: dict[str, Any] = {
    "role": "service_advisor",
    "kind": "permission",
    "object": "repair_order",
    "action": "create",
    "effect": "deny",
    "reason": "orders are opened by the supervisor during the audit",
}


async def test_deny_override_takes_effect_after_reload_in_its_dealer_only(
    store: PolicyStore, network: Network, as_user: AsUser
) -> None:
    a, b, _ = network.dealer_ids
    advisor_a = Subject.user(network.users["advisor_a"])
    advisor_b = Subject.user(network.users["advisor_b"])
    assert store.allowed(advisor_a, a, "repair_order", "create")
    await set_as_manager(as_user, network, **DENY_ADVISOR_ORDERS)
    assert store.allowed(advisor_a, a, "repair_order", "create"), "decisions are from memory"
    await store.reload()
    assert not store.allowed(advisor_a, a, "repair_order", "create")
    assert store.allowed(advisor_a, a, "repair_order", "read")
    assert store.allowed(advisor_b, b, "repair_order", "create")


async def test_allow_override_grants_a_permission_the_catalog_does_not(
    store: PolicyStore, network: Network, as_user: AsUser
) -> None:
    advisor_a = Subject.user(network.users["advisor_a"])
    a = network.dealer_ids[0]
    assert not store.allowed(advisor_a, a, "parts_stock", "adjust")
    row = await set_as_manager(
        as_user,
        network,
        role="service_advisor",
        kind="permission",
        object="parts_stock",
        action="adjust",
        effect="allow",
        reason="small dealer: advisors also run the parts counter",
    )
    await store.reload()
    assert store.allowed(advisor_a, a, "parts_stock", "adjust")
    [grant] = [
        g
        for g in store.permissions(advisor_a, a)
        if (g.object, g.action) == ("parts_stock", "adjust")
    ]
    [line] = grant.lines
    assert (line.source, line.override_id) == ("override", row["id"])
    assert store.overrides(a)[0].id == row["id"]


async def test_duty_overrides_move_a_work_queue(
    store: PolicyStore, network: Network, as_user: AsUser
) -> None:
    a = network.dealer_ids[0]
    advisor = network.users["advisor_a"]
    assert store.holders_of_duty(a, "revisit_calls") == []
    await set_as_manager(
        as_user,
        network,
        role="service_advisor",
        kind="duty",
        object="revisit_calls",
        reason="no customer service desk yet: advisors call their customers",
    )
    await set_as_manager(
        as_user,
        network,
        role="service_advisor",
        kind="duty",
        object="customer_group",
        effect="deny",
        reason="customers are pooled",
    )
    await store.reload()
    assert store.holders_of_duty(a, "revisit_calls") == [advisor]
    duties = {d.duty for d in store.duties(Subject.user(advisor), a)}
    assert "revisit_calls" in duties and "customer_group" not in duties


async def test_limit_override_replaces_the_default_at_its_dealer(
    store: PolicyStore, network: Network, as_user: AsUser
) -> None:
    a, b, _ = network.dealer_ids
    await set_as_manager(
        as_user,
        network,
        role="service_advisor",
        kind="limit",
        object="concession",
        amount=Decimal("800"),
        reason="senior advisors",
    )
    await store.reload()
    limit_a = store.authority_limit(Subject.user(network.users["advisor_a"]), a, "concession")
    limit_b = store.authority_limit(Subject.user(network.users["advisor_b"]), b, "concession")
    assert limit_a is not None and limit_a.amount == Decimal("800.00")
    assert limit_b is not None and limit_b.amount == Decimal("500.00")


async def test_changes_arrive_through_notify_within_a_second(
    store: PolicyStore, network: Network, as_user: AsUser
) -> None:
    await store.listen()
    a = network.dealer_ids[0]
    advisor_a = Subject.user(network.users["advisor_a"])
    generation = store.generation
    row = await set_as_manager(as_user, network, **DENY_ADVISOR_ORDERS)
    await wait_until(lambda: not store.allowed(advisor_a, a, "repair_order", "create"), 1.0)
    assert store.generation > generation

    await revoke_as_manager(as_user, network, row["id"])
    await wait_until(lambda: store.allowed(advisor_a, a, "repair_order", "create"), 1.0)

    await set_as_manager(
        as_user,
        network,
        role="service_advisor",
        kind="limit",
        object="concession",
        amount="1200",
        reason="peak season",
    )

    def limit_is_new() -> bool:
        limit = store.authority_limit(advisor_a, a, "concession")
        return limit is not None and limit.amount == Decimal("1200.00")

    await wait_until(limit_is_new, 1.0)


async def test_replacing_an_override_revokes_the_old_one_and_audits_both_sides(
    db: asyncpg.Connection, store: PolicyStore, network: Network, as_user: AsUser
) -> None:
    manager = network.users["manager_a"]
    first = await set_as_manager(as_user, network, **DENY_ADVISOR_ORDERS)
    second = await set_as_manager(
        as_user, network, **{**DENY_ADVISOR_ORDERS, "effect": "allow", "reason": "audit done"}
    )
    rows = await db.fetch("select * from policy_override order by id")
    assert [(r["id"], r["effect"], r["revoked_by"]) for r in rows] == [
        (first["id"], "deny", manager),
        (second["id"], "allow", None),
    ]
    entries = await db.fetch(
        "select * from audit_entry where object_type = 'policy_override' order by id"
    )
    assert [(e["action"], e["object_id"], e["actor_user_id"]) for e in entries] == [
        ("policy.override.set", str(first["id"]), manager),
        ("policy.override.set", str(second["id"]), manager),
    ]
    assert entries[0]["before"] is None
    first_after = json.loads(entries[0]["after"])
    assert (first_after["effect"], first_after["reason"]) == ("deny", DENY_ADVISOR_ORDERS["reason"])
    replaced = json.loads(entries[1]["before"])
    assert (replaced["id"], replaced["revoked_by"]) == (first["id"], manager)
    assert json.loads(entries[1]["after"])["effect"] == "allow"
    await store.reload()
    assert [o.id for o in store.overrides()] == [second["id"]]


async def test_revoke_returns_to_the_catalog_and_is_audited(
    db: asyncpg.Connection, store: PolicyStore, network: Network, as_user: AsUser
) -> None:
    a = network.dealer_ids[0]
    advisor_a = Subject.user(network.users["advisor_a"])
    row = await set_as_manager(as_user, network, **DENY_ADVISOR_ORDERS)
    await store.reload()
    assert not store.allowed(advisor_a, a, "repair_order", "create")
    await revoke_as_manager(as_user, network, row["id"])
    await store.reload()
    assert store.allowed(advisor_a, a, "repair_order", "create")
    entry = await db.fetchrow(
        "select * from audit_entry where action = 'policy.override.revoke' and object_id = $1",
        str(row["id"]),
    )
    assert entry is not None and entry["dealer_id"] == a
    assert json.loads(entry["before"])["revoked_at"] is None
    after = json.loads(entry["after"])
    assert after["revoked_at"] is not None and after["revoked_by"] == network.users["manager_a"]
    with pytest.raises(PolicyInputError) as error:
        await revoke_as_manager(as_user, network, row["id"])
    assert error.value.field == "override_id"


LIMIT = {"kind": "limit", "object": "concession", "action": "", "effect": "allow"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "chief_of_everything"}, "role"),
        ({"role": "regional_manager"}, "role"),
        ({"role": "manufacturer_warranty_technician"}, "role"),
        ({"kind": "wish"}, "kind"),
        ({"object": "spaceship"}, "object"),
        ({"action": "delete"}, "action"),
        ({"effect": "maybe"}, "effect"),
        ({"reason": "   "}, "reason"),
        ({"amount": Decimal(5)}, "amount"),
        ({"kind": "duty", "object": "world_peace"}, "object"),
        ({"kind": "duty", "object": "reception", "action": "read"}, "action"),
        (LIMIT, "amount"),
        ({**LIMIT, "object": "bribes", "amount": 1}, "object"),
        ({**LIMIT, "action": "approve", "amount": 1}, "action"),
        ({**LIMIT, "amount": -1}, "amount"),
        ({**LIMIT, "amount": 0.5}, "amount"),
        ({**LIMIT, "amount": "1.001"}, "amount"),
        ({**LIMIT, "amount": "x"}, "amount"),
        ({**LIMIT, "amount": Decimal("1e15")}, "amount"),
        ({**LIMIT, "amount": 1, "effect": "deny"}, "effect"),
        (
            {"role": "service_manager", "object": "policy", "action": "manage"},
            "effect",
        ),
    ],
)
async def test_invalid_overrides_name_the_bad_field(
    network: Network, as_user: AsUser, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(PolicyInputError) as error:
        await set_as_manager(as_user, network, **{**DENY_ADVISOR_ORDERS, **changes})
    assert error.value.field == field
    assert error.value.code == "BAD_USER_INPUT"


async def test_api_keys_and_missing_transactions_cannot_change_policy(network: Network) -> None:
    a = network.dealer_ids[0]
    with pytest.raises(RuntimeError, match="tenant transaction"):
        await overrides.set_override(dealer_id=a, **DENY_ADVISOR_ORDERS)
    async with tenant_transaction(TenantScope.of([a], api_key_id=1)):
        with pytest.raises(PolicyDenied) as denied:
            await overrides.set_override(dealer_id=a, **DENY_ADVISOR_ORDERS)
        assert denied.value.code == "FORBIDDEN"
        with pytest.raises(PolicyDenied):
            await overrides.revoke_override(dealer_id=a, override_id=1)
    other = network.dealer_ids[1]
    async with tenant_transaction(TenantScope.of([a], user_id=network.users["manager_a"])):
        with pytest.raises(PolicyDenied):
            await overrides.set_override(dealer_id=other, **DENY_ADVISOR_ORDERS)


async def test_with_a_store_the_actor_needs_policy_manage(
    store: PolicyStore, network: Network, as_user: AsUser
) -> None:
    a = network.dealer_ids[0]
    async with as_user(a, network.users["advisor_a"]):
        with pytest.raises(PolicyDenied) as denied:
            await overrides.set_override(dealer_id=a, store=store, **DENY_ADVISOR_ORDERS)
    assert (denied.value.object, denied.value.action) == ("policy", "manage")
    async with as_user(a, network.users["manager_a"]):
        row = await overrides.set_override(dealer_id=a, store=store, **DENY_ADVISOR_ORDERS)
    assert row["created_by"] == network.users["manager_a"]

"""explain() names the lines that decided, in casbin's own form, with their provenance."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest

from policies import overrides
from policies.catalog import PERMISSIONS
from policies.store import PolicyStore, Subject
from tenants.database import ActiveTransaction
from tests.factories import Network


def test_allowed_by_the_catalog_through_a_membership(store: PolicyStore, network: Network) -> None:
    a = network.dealer_ids[0]
    advisor = network.users["advisor_a"]
    explanation = store.explain(Subject.user(advisor), a, "repair_order", "create")
    assert explanation.allowed
    assert [(line.text, line.source) for line in explanation.decisive] == [
        ("p, role:service_advisor, *, repair_order, create, allow", "catalog"),
        (f"g, user:{advisor}, role:service_advisor, dealer:{a}", "membership"),
    ]
    assert [g.role for g in explanation.roles] == ["service_advisor"]
    assert explanation.reason.startswith("allowed")


async def test_denied_by_a_dealer_override_names_it_and_its_author(
    store: PolicyStore,
    network: Network,
    as_user: Callable[[int, int], AbstractAsyncContextManager[ActiveTransaction]],
) -> None:
    a = network.dealer_ids[0]
    manager = network.users["manager_a"]
    advisor = network.users["advisor_a"]
    async with as_user(a, manager):
        row = await overrides.set_override(
            dealer_id=a,
            role="service_advisor",
            kind="permission",
            object="settlement",
            action="create",
            effect="deny",
            reason="settlements move to the cashier",
        )
    await store.reload()
    explanation = store.explain(Subject.user(advisor), a, "settlement", "create")
    assert not explanation.allowed
    deny, grant = explanation.decisive
    assert deny.text == f"p, role:service_advisor, dealer:{a}, settlement, create, deny"
    assert (deny.source, deny.effect, deny.override_id, deny.created_by) == (
        "override",
        "deny",
        row["id"],
        manager,
    )
    assert deny.reason == "settlements move to the cashier"
    assert deny.created_at is not None
    assert grant.text == f"g, user:{advisor}, role:service_advisor, dealer:{a}"
    assert "dealer override" in explanation.reason and "deny" in explanation.reason


def test_nothing_grants_it(store: PolicyStore, network: Network) -> None:
    a = network.dealer_ids[0]
    explanation = store.explain(Subject.user(network.users["advisor_a"]), a, "budget", "approve")
    assert not explanation.allowed
    assert explanation.decisive == []
    assert "no role" in explanation.reason and "service_advisor" in explanation.reason


def test_not_a_member_of_the_dealer(store: PolicyStore, network: Network) -> None:
    a = network.dealer_ids[0]
    explanation = store.explain(Subject.user(network.users["advisor_b"]), a, "customer", "read")
    assert not explanation.allowed
    assert explanation.roles == [] and explanation.decisive == []
    assert "holds no role" in explanation.reason


def test_several_roles_only_the_granting_one_is_decisive(
    store: PolicyStore, network: Network
) -> None:
    a = network.dealer_ids[0]
    parts = network.users["parts_a"]  # parts manager and warehouse keeper (兼职)
    explanation = store.explain(Subject.user(parts), a, "parts_issue", "issue")
    assert explanation.allowed
    assert {g.role for g in explanation.roles} == {"parts_manager", "warehouse_keeper"}
    assert [line.text for line in explanation.decisive] == [
        "p, role:warehouse_keeper, *, parts_issue, issue, allow",
        f"g, user:{parts}, role:warehouse_keeper, dealer:{a}",
    ]
    both = store.explain(Subject.user(parts), a, "parts_stock", "read")
    assert {line.role for line in both.decisive} == {"parts_manager", "warehouse_keeper"}


@pytest.mark.parametrize("user", ["advisor_a", "manager_a", "parts_a", "regional_north"])
def test_explain_agrees_with_allowed_everywhere(
    store: PolicyStore, network: Network, user: str
) -> None:
    subject = Subject.user(network.users[user])
    for dealer in network.dealer_ids:
        for obj, action in PERMISSIONS:
            explanation = store.explain(subject, dealer, obj, action)
            assert explanation.allowed is store.allowed(subject, dealer, obj, action)
            if explanation.allowed:
                assert any(line.effect == "allow" for line in explanation.decisive)


def test_holders_of_duty(store: PolicyStore, network: Network) -> None:
    a, b, _ = network.dealer_ids
    assert store.holders_of_duty(a, "parts_issuing") == [network.users["parts_a"]]
    assert store.holders_of_duty(a, "reception") == [network.users["advisor_a"]]
    assert store.holders_of_duty(b, "reception") == [network.users["advisor_b"]]
    assert store.holders_of_duty(b, "parts_issuing") == []  # a vacant queue
    with pytest.raises(ValueError):
        store.holders_of_duty(a, "world_peace")


def test_dealers_of_lists_every_dealer_with_its_roles(store: PolicyStore, network: Network) -> None:
    dealers = store.dealers_of(network.users["parts_a"])
    assert list(dealers) == [network.dealer_ids[0]]
    assert sorted(g.role for g in dealers[network.dealer_ids[0]]) == [
        "parts_manager",
        "warehouse_keeper",
    ]
    assert store.dealers_of(10**9) == {}


def test_dealer_ids_of_are_the_dealers_of_without_their_grants(
    store: PolicyStore, network: Network
) -> None:
    for user_id in network.users.values():
        assert store.dealer_ids_of(user_id) == frozenset(store.dealers_of(user_id))
    assert store.dealer_ids_of(network.users["parts_a"]) == {network.dealer_ids[0]}
    assert store.dealer_ids_of(10**9) == frozenset()

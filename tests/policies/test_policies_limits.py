"""Authority limits: the highest over a person's roles; a dealer override replaces the default."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from decimal import Decimal

import asyncpg
import pytest

from policies import overrides
from policies.store import PolicyStore, Subject
from tenants.database import ActiveTransaction
from tests.factories import Network, make_membership, make_user

AsUser = Callable[[int, int], AbstractAsyncContextManager[ActiveTransaction]]


async def set_limit(as_user: AsUser, network: Network, role: str, limit: str, amount: str) -> int:
    a = network.dealer_ids[0]
    async with as_user(a, network.users["manager_a"]):
        row = await overrides.set_override(
            dealer_id=a, role=role, kind="limit", object=limit, amount=amount, reason="test"
        )
    return int(row["id"])


def test_advisor_concession_comes_from_the_catalog(store: PolicyStore, network: Network) -> None:
    a = network.dealer_ids[0]
    advisor = network.users["advisor_a"]
    limit = store.authority_limit(Subject.user(advisor), a, "concession")
    assert limit is not None
    assert (limit.amount, limit.role) == (Decimal("500.00"), "service_advisor")
    assert [(line.text, line.source) for line in limit.lines] == [
        ("limit, role:service_advisor, *, concession, 500.00", "catalog"),
        (f"g, user:{advisor}, role:service_advisor, dealer:{a}", "membership"),
    ]


def test_quotation_limit_sends_big_jobs_to_the_service_manager(
    store: PolicyStore, network: Network
) -> None:
    a = network.dealer_ids[0]
    advisor = store.authority_limit(
        Subject.user(network.users["advisor_a"]), a, "quotation_approval"
    )
    manager = store.authority_limit(
        Subject.user(network.users["manager_a"]), a, "quotation_approval"
    )
    assert advisor is not None and advisor.amount == Decimal(10_000)
    assert manager is not None and manager.amount > Decimal(10_000)


def test_roles_without_a_limit_have_none(store: PolicyStore, network: Network) -> None:
    a = network.dealer_ids[0]
    assert store.authority_limit(Subject.user(network.users["parts_a"]), a, "concession") is None
    assert (
        store.authority_limit(Subject.user(network.users["advisor_a"]), 10**9, "concession") is None
    )
    with pytest.raises(ValueError):
        store.authority_limit(Subject.user(network.users["advisor_a"]), a, "bribes")


async def test_highest_limit_over_several_roles(
    db: asyncpg.Connection, store: PolicyStore, network: Network
) -> None:
    a = network.dealer_ids[0]
    user = await make_user(db)
    await make_membership(db, a, user, ["service_advisor", "front_desk_supervisor"])
    await store.reload()
    limit = store.authority_limit(Subject.user(user), a, "concession")
    assert limit is not None
    assert (limit.amount, limit.role) == (Decimal("2000.00"), "front_desk_supervisor")


async def test_override_replaces_the_default_even_downwards(
    store: PolicyStore, network: Network, as_user: AsUser
) -> None:
    a, b, _ = network.dealer_ids
    override_id = await set_limit(
        as_user, network, "service_manager", "quotation_approval", "50000"
    )
    await set_limit(as_user, network, "service_advisor", "concession", "0")
    await store.reload()
    manager = store.authority_limit(
        Subject.user(network.users["manager_a"]), a, "quotation_approval"
    )
    assert manager is not None and manager.amount == Decimal("50000.00")
    [line, grant] = manager.lines
    assert line.text == f"limit, role:service_manager, dealer:{a}, quotation_approval, 50000.00"
    assert (line.source, line.override_id) == ("override", override_id)
    assert grant.source == "membership"
    advisor_a = store.authority_limit(Subject.user(network.users["advisor_a"]), a, "concession")
    assert advisor_a is not None and advisor_a.amount == Decimal(0), "0 withdraws the authority"
    advisor_b = store.authority_limit(Subject.user(network.users["advisor_b"]), b, "concession")
    assert advisor_b is not None and advisor_b.amount == Decimal(500)


async def test_a_limit_override_for_a_role_not_held_changes_nothing(
    store: PolicyStore, network: Network, as_user: AsUser
) -> None:
    a = network.dealer_ids[0]
    await set_limit(as_user, network, "cashier", "concession", "99999")
    await store.reload()
    limit = store.authority_limit(Subject.user(network.users["advisor_a"]), a, "concession")
    assert limit is not None and limit.amount == Decimal(500)


def test_api_key_limits_follow_its_role_in_its_dealer(store: PolicyStore, network: Network) -> None:
    a, b, _ = network.dealer_ids
    key = Subject.api_key(1, a, "service_advisor")
    limit = store.authority_limit(key, a, "concession")
    assert limit is not None and limit.amount == Decimal(500)
    assert store.authority_limit(key, b, "concession") is None

"""API keys act with their one role, only in the dealer the key belongs to."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import pytest

from policies import overrides
from policies.store import PolicyStore, Subject
from tenants.database import ActiveTransaction
from tests.factories import Network

KEY_ID = 7


def key(network: Network, role: str = "partner_integration") -> Subject:
    return Subject.api_key(KEY_ID, network.dealer_ids[0], role)


def test_key_works_in_its_own_dealer(store: PolicyStore, network: Network) -> None:
    own = network.dealer_ids[0]
    subject = key(network)
    assert store.allowed(subject, own, "appointment", "create")
    assert store.allowed(subject, own, "customer", "read")
    assert not store.allowed(subject, own, "repair_order", "create")
    assert not store.allowed(subject, own, "quotation", "approve")


def test_key_is_confined_to_its_dealer(store: PolicyStore, network: Network) -> None:
    subject = key(network)
    for other in network.dealer_ids[1:]:
        assert not store.allowed(subject, other, "appointment", "create")
        assert not store.allowed(subject, other, "network.dealer", "read")
        assert store.roles_of(subject, other) == []
        assert store.permissions(subject, other) == []
        explanation = store.explain(subject, other, "appointment", "create")
        assert not explanation.allowed
        assert f"belongs to dealer {network.dealer_ids[0]}" in explanation.reason


def test_even_a_strong_role_stays_in_its_dealer(store: PolicyStore, network: Network) -> None:
    subject = key(network, "service_manager")
    assert store.allowed(subject, network.dealer_ids[0], "parts_plan", "approve")
    assert not store.allowed(subject, network.dealer_ids[1], "parts_plan", "approve")


def test_key_grant_is_shown_as_a_line(store: PolicyStore, network: Network) -> None:
    own = network.dealer_ids[0]
    [grant] = store.roles_of(key(network), own)
    assert (grant.role, grant.source, grant.source_id) == ("partner_integration", "api_key", 7)
    assert grant.line.text == f"g, apikey:7, role:partner_integration, dealer:{own}"
    explanation = store.explain(key(network), own, "appointment", "create")
    assert [line.text for line in explanation.decisive] == [
        "p, role:partner_integration, *, appointment, create, allow",
        f"g, apikey:7, role:partner_integration, dealer:{own}",
    ]


async def test_dealer_override_applies_to_its_keys(
    store: PolicyStore,
    network: Network,
    as_user: Callable[[int, int], AbstractAsyncContextManager[ActiveTransaction]],
) -> None:
    own = network.dealer_ids[0]
    async with as_user(own, network.users["manager_a"]):
        await overrides.set_override(
            dealer_id=own,
            role="partner_integration",
            kind="permission",
            object="appointment",
            action="cancel",
            effect="deny",
            reason="partner cancels by phone only",
        )
    await store.reload()
    assert not store.allowed(key(network), own, "appointment", "cancel")
    assert store.allowed(key(network), own, "appointment", "create")


def test_subject_is_a_user_or_a_key() -> None:
    with pytest.raises(ValueError):
        Subject()
    with pytest.raises(ValueError):
        Subject(user_id=1, api_key_id=2)
    with pytest.raises(ValueError):
        Subject(api_key_id=2)
    assert Subject.user(3).name == "user:3"
    assert Subject.api_key(4, 1, "partner_integration").name == "apikey:4"

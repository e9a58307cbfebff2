"""Region and manufacturer staff: grants expanded per dealer, read-only where the digest says."""

from __future__ import annotations

import asyncpg

from policies.store import PolicyStore, Subject
from tests.factories import Network, make_user
from tests.policies.factories_policies import assign_manufacturer

REGIONAL_READS = [
    ("network.dealer", "read"),
    ("repair_order", "read"),
    ("warranty_claim", "read"),
    ("kpi", "read"),
    ("report", "read"),
    ("parts_stock", "read"),
]


def test_regional_manager_reads_every_dealer_of_its_region_and_no_other(
    store: PolicyStore, network: Network
) -> None:
    regional = Subject.user(network.users["regional_north"])
    north_a, north_b, south_c = network.dealer_ids
    for obj, action in REGIONAL_READS:
        assert store.allowed(regional, north_a, obj, action), (obj, action)
        assert store.allowed(regional, north_b, obj, action), (obj, action)
        assert not store.allowed(regional, south_c, obj, action), (obj, action)
    assert set(store.dealers_of(regional.user_id or 0)) == {north_a, north_b}


def test_regional_manager_has_no_repair_order_write_anywhere(
    store: PolicyStore, network: Network
) -> None:
    regional = Subject.user(network.users["regional_north"])
    for dealer in network.dealer_ids:
        for action in ("create", "update", "add_items", "deliver"):
            assert not store.allowed(regional, dealer, "repair_order", action)
    granted = store.permissions(regional, network.dealer_ids[0])
    assert not [g for g in granted if g.object == "repair_order" and g.action != "read"]


def test_regional_manager_decides_claims_in_its_region(
    store: PolicyStore, network: Network
) -> None:
    regional = Subject.user(network.users["regional_north"])
    assert store.allowed(regional, network.dealer_ids[0], "warranty_review", "decide")
    assert not store.allowed(regional, network.dealer_ids[2], "warranty_review", "decide")
    assert not store.allowed(regional, network.dealer_ids[0], "warranty_claim", "submit")


def test_regional_grant_names_its_region(store: PolicyStore, network: Network) -> None:
    regional = Subject.user(network.users["regional_north"])
    [grant] = store.roles_of(regional, network.dealer_ids[1])
    assert (grant.role, grant.source, grant.source_id) == (
        "regional_manager",
        "region",
        network.region_ids[0],
    )
    assert grant.line.text == (
        f"g, user:{regional.user_id}, role:regional_manager, dealer:{network.dealer_ids[1]}"
    )
    assert grant.line.source == "region"


def test_regional_manager_owns_oversight_of_its_dealers(
    store: PolicyStore, network: Network
) -> None:
    regional = network.users["regional_north"]
    assert store.holders_of_duty(network.dealer_ids[0], "dealer_oversight") == [regional]
    assert store.holders_of_duty(network.dealer_ids[2], "dealer_oversight") == []


async def test_manufacturer_staff_reach_every_dealer_of_the_manufacturer(
    db: asyncpg.Connection, store: PolicyStore, network: Network
) -> None:
    reviewer = await make_user(db)
    await assign_manufacturer(
        db, network.manufacturer_id, reviewer, "manufacturer_warranty_technician"
    )
    await store.reload()
    subject = Subject.user(reviewer)
    for dealer in network.dealer_ids:
        assert store.allowed(subject, dealer, "warranty_review", "decide")
        assert store.allowed(subject, dealer, "old_parts", "inspect")
        assert not store.allowed(subject, dealer, "repair_order", "update")
        [grant] = store.roles_of(subject, dealer)
        assert (grant.source, grant.source_id) == ("manufacturer", network.manufacturer_id)

"""Arranges a manufacturer's network for the oversight tests through the owner
connection (past RLS): a manufacturer with two regions; the first region has its
regional manager and ``dealers`` dealers, each with a service manager, an information
officer, a technical director and a service advisor; the second region has one dealer
(whose data the first region's manager must never see). A manufacturer-wide warranty
technician, and a second manufacturer with one dealer, complete it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import asyncpg

from tests.factories import (
    assign_region,
    make_dealer,
    make_manufacturer,
    make_membership,
    make_region,
    make_user,
)

_n = itertools.count(1)

DEALER_STAFF: dict[str, list[str]] = {
    "manager": ["service_manager"],
    "info": ["information_officer"],
    "tech_director": ["technical_director"],
    "advisor": ["service_advisor"],
    "front_desk": ["front_desk_supervisor"],
}


@dataclass
class Network:
    manufacturer_id: int
    region_id: int
    other_region_id: int
    dealer_ids: list[int]
    other_dealer_id: int
    other_brand_dealer_id: int
    users: dict[str, int] = field(default_factory=dict)
    """'regional', 'warranty_tech', 'other_regional' and '<post>@<dealer index>'."""
    usernames: dict[str, str] = field(default_factory=dict)

    def staff(self, post: str, dealer_index: int = 0) -> int:
        return self.users[f"{post}@{dealer_index}"]


async def _person(owner: asyncpg.Connection, network: Network, key: str) -> int:
    name = f"o_{key.replace('@', '_')}{next(_n)}"
    user = await make_user(owner, name)
    network.users[key], network.usernames[key] = user, name
    return user


async def make_network(
    owner: asyncpg.Connection, *, dealers: int = 3, time_zone: str = "Asia/Shanghai"
) -> Network:
    manufacturer = await make_manufacturer(owner)
    region = await make_region(owner, manufacturer)
    other_region = await make_region(owner, manufacturer)
    dealer_ids = [await make_dealer(owner, region, time_zone) for _ in range(dealers)]
    other_dealer = await make_dealer(owner, other_region, time_zone)
    other_brand = await make_dealer(owner, await make_region(owner, await make_manufacturer(owner)))
    network = Network(manufacturer, region, other_region, dealer_ids, other_dealer, other_brand)
    for index, dealer in enumerate([*dealer_ids, other_dealer]):
        tag = str(index) if dealer != other_dealer else "other"
        for post, roles in DEALER_STAFF.items():
            user = await _person(owner, network, f"{post}@{tag}")
            await make_membership(owner, dealer, user, roles)
    await assign_region(
        owner, region, await _person(owner, network, "regional"), "regional_manager"
    )
    await assign_region(
        owner, other_region, await _person(owner, network, "other_regional"), "regional_manager"
    )
    tech = await _person(owner, network, "warranty_tech")
    await owner.execute(
        "insert into manufacturer_assignment (manufacturer_id, user_id, role)"
        " values ($1, $2, 'manufacturer_warranty_technician')",
        manufacturer,
        tech,
    )
    return network

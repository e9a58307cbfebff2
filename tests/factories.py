"""Factories that arrange network data through the owner connection (past RLS)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import asyncpg
from argon2 import PasswordHasher

_counter = itertools.count(1)
_hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
DEFAULT_PASSWORD = "correct horse battery"


def _n() -> int:
    return next(_counter)


async def make_manufacturer(owner: asyncpg.Connection, code: str | None = None) -> int:
    n = _n()
    return await owner.fetchval(
        "insert into manufacturer (code, name, name_zh) values ($1, $2, $3) returning id",
        code or f"M{n}",
        f"Manufacturer {n}",
        f"主机厂{n}",
    )


async def make_region(owner: asyncpg.Connection, manufacturer_id: int) -> int:
    n = _n()
    return await owner.fetchval(
        "insert into region (manufacturer_id, code, name, name_zh) values ($1, $2, $3, $4)"
        " returning id",
        manufacturer_id,
        f"R{n}",
        f"Region {n}",
        f"大区{n}",
    )


async def make_dealer(
    owner: asyncpg.Connection, region_id: int, time_zone: str = "Asia/Shanghai"
) -> int:
    n = _n()
    return await owner.fetchval(
        "insert into dealer (region_id, code, name, name_zh, time_zone) values ($1, $2, $3, $4, $5)"
        " returning id",
        region_id,
        f"D{n}",
        f"Dealer {n}",
        f"经销商{n}",
        time_zone,
    )


async def make_user(
    owner: asyncpg.Connection, username: str | None = None, password: str = DEFAULT_PASSWORD
) -> int:
    n = _n()
    return await owner.fetchval(
        "insert into staff_user (username, display_name, password_hash) values ($1, $2, $3)"
        " returning id",
        username or f"user{n}",
        f"User {n}",
        _hasher.hash(password),
    )


async def make_membership(
    owner: asyncpg.Connection, dealer_id: int, user_id: int, roles: list[str]
) -> int:
    return await owner.fetchval(
        "insert into membership (dealer_id, user_id, roles) values ($1, $2, $3) returning id",
        dealer_id,
        user_id,
        roles,
    )


async def assign_region(owner: asyncpg.Connection, region_id: int, user_id: int, role: str) -> int:
    return await owner.fetchval(
        "insert into region_assignment (region_id, user_id, role) values ($1, $2, $3) returning id",
        region_id,
        user_id,
        role,
    )


@dataclass
class Network:
    """Two dealers in one region, a third in another, and staff for each."""

    manufacturer_id: int
    region_ids: list[int]
    dealer_ids: list[int]
    users: dict[str, int] = field(default_factory=dict)


async def make_network(owner: asyncpg.Connection) -> Network:
    manufacturer = await make_manufacturer(owner)
    north = await make_region(owner, manufacturer)
    south = await make_region(owner, manufacturer)
    a = await make_dealer(owner, north)
    b = await make_dealer(owner, north)
    c = await make_dealer(owner, south, time_zone="Asia/Urumqi")
    network = Network(manufacturer, [north, south], [a, b, c])
    for name, dealer, roles in [
        ("manager_a", a, ["service_manager"]),
        ("advisor_a", a, ["service_advisor"]),
        ("advisor_b", b, ["service_advisor"]),
        ("parts_a", a, ["parts_manager", "warehouse_keeper"]),
    ]:
        user = await make_user(owner, name)
        await make_membership(owner, dealer, user, roles)
        network.users[name] = user
    regional = await make_user(owner, "regional_north")
    await assign_region(owner, north, regional, "regional_manager")
    network.users["regional_north"] = regional
    return network

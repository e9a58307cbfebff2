"""Arrangements for the policy tests: one holder per catalog role, and polling helpers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg

from policies.catalog import ROLES
from tests.factories import (
    assign_region,
    make_dealer,
    make_manufacturer,
    make_membership,
    make_region,
    make_user,
)


async def assign_manufacturer(
    owner: asyncpg.Connection, manufacturer_id: int, user_id: int, role: str
) -> int:
    return await owner.fetchval(
        "insert into manufacturer_assignment (manufacturer_id, user_id, role)"
        " values ($1, $2, $3) returning id",
        manufacturer_id,
        user_id,
        role,
    )


@dataclass
class RoleHolders:
    """A dealer where every catalog role is held by its own person."""

    manufacturer_id: int
    region_id: int
    dealer_id: int
    users: dict[str, int] = field(default_factory=dict)


async def make_role_holders(owner: asyncpg.Connection) -> RoleHolders:
    manufacturer = await make_manufacturer(owner)
    region = await make_region(owner, manufacturer)
    dealer = await make_dealer(owner, region)
    holders = RoleHolders(manufacturer, region, dealer)
    for role in ROLES.values():
        user = await make_user(owner)
        if role.scope == "region":
            await assign_region(owner, region, user, role.key)
        elif role.scope == "manufacturer":
            await assign_manufacturer(owner, manufacturer, user, role.key)
        else:
            await make_membership(owner, dealer, user, [role.key])
        holders.users[role.key] = user
    return holders


async def wait_until(condition: Callable[[], bool], within: float = 1.0) -> float:
    """Poll ``condition`` until true; returns the seconds it took, fails after ``within``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > within:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.01)
    return time.monotonic() - started

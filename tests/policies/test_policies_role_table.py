"""The role-by-permission table, generated from the catalog, through the real enforcer.

Every role x every permission (and every duty): the loaded enforcer allows exactly
what the catalog says, for a person who holds that role by membership (dealer
roles), region assignment or manufacturer assignment.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from policies.catalog import DUTIES, DUTY_ACTION, PERMISSIONS, ROLES, duty_object
from policies.store import PolicyStore, Subject
from tests.conftest import truncate_all
from tests.policies.factories_policies import RoleHolders, make_role_holders


@pytest.fixture(scope="module")
async def table(
    owner: asyncpg.Connection, pool: None
) -> AsyncIterator[tuple[PolicyStore, RoleHolders]]:
    holders = await make_role_holders(owner)
    store = await PolicyStore.load()
    yield store, holders
    await truncate_all(owner)


ROLE_PERMISSION = [
    pytest.param(role, obj, action, id=f"{role}-{obj}:{action}")
    for role in ROLES
    for obj, action in PERMISSIONS
]
ROLE_DUTY = [pytest.param(role, duty, id=f"{role}-{duty}") for role in ROLES for duty in DUTIES]


@pytest.mark.parametrize(("role", "obj", "action"), ROLE_PERMISSION)
def test_role_has_exactly_its_catalog_permissions(
    table: tuple[PolicyStore, RoleHolders], role: str, obj: str, action: str
) -> None:
    store, holders = table
    subject = Subject.user(holders.users[role])
    expected = (obj, action) in ROLES[role].permissions
    assert store.allowed(subject, holders.dealer_id, obj, action) is expected
    assert store.enforcer.enforce(subject.name, f"dealer:{holders.dealer_id}", obj, action) is (
        expected
    )


@pytest.mark.parametrize(("role", "duty"), ROLE_DUTY)
def test_role_owns_exactly_its_catalog_duties(
    table: tuple[PolicyStore, RoleHolders], role: str, duty: str
) -> None:
    store, holders = table
    subject = Subject.user(holders.users[role])
    expected = duty in ROLES[role].duties
    assert store.allowed(subject, holders.dealer_id, duty_object(duty), DUTY_ACTION) is expected


def test_permissions_listing_matches_the_catalog_for_every_role(
    table: tuple[PolicyStore, RoleHolders],
) -> None:
    store, holders = table
    for role in ROLES.values():
        granted = store.permissions(Subject.user(holders.users[role.key]), holders.dealer_id)
        assert {(g.object, g.action) for g in granted} == set(role.permissions), role.key
        assert all(g.lines and g.lines[0].source == "catalog" for g in granted)
        duties = store.duties(Subject.user(holders.users[role.key]), holders.dealer_id)
        assert {d.duty for d in duties} == set(role.duties), role.key


def test_every_role_holder_appears_with_its_source(
    table: tuple[PolicyStore, RoleHolders],
) -> None:
    store, holders = table
    for role in ROLES.values():
        grants = store.roles_of(Subject.user(holders.users[role.key]), holders.dealer_id)
        assert [(g.role, g.source) for g in grants] == [
            (role.key, "membership" if role.scope == "dealer" else role.scope)
        ]

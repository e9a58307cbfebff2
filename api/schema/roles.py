"""The role catalog as GraphQL types."""

from __future__ import annotations

import strawberry

from policies import catalog


@strawberry.type(name="Role")
class RoleType:
    key: str
    name: str
    name_zh: str
    scope: str
    reports_to: str | None


def role_exists(key: str) -> bool:
    return key in catalog.ROLES


def role_type(key: str) -> RoleType:
    role = catalog.ROLES.get(key)
    if role is None:  # a role dropped from the catalog still shows by its key
        return RoleType(key=key, name=key, name_zh=key, scope="dealer", reports_to=None)
    return RoleType(
        key=role.key,
        name=role.name,
        name_zh=role.name_zh,
        scope=role.scope,
        reports_to=role.reports_to,
    )

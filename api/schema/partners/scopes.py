"""The partner scope catalog as GraphQL types: what a dealer can consent to."""

from __future__ import annotations

import strawberry

from policies import scopes


@strawberry.type(name="PartnerScope")
class PartnerScopeType:
    key: str
    name: str
    name_zh: str
    permissions: list[str] = strawberry.field(
        description="Catalog permissions the scope covers, as object:action."
    )


def scope_type(key: str) -> PartnerScopeType:
    scope = scopes.SCOPES.get(key)
    if scope is None:  # a scope dropped from the catalog still shows by its key
        return PartnerScopeType(key=key, name=key, name_zh=key, permissions=[])
    return PartnerScopeType(
        key=scope.key,
        name=scope.label_en,
        name_zh=scope.label_zh,
        permissions=sorted(f"{o}:{a}" for o, a in scope.permissions),
    )


@strawberry.type
class PartnerScopesQuery:
    @strawberry.field(description="Every scope a partner application can be granted.")
    def partner_scopes(self) -> list[PartnerScopeType]:
        return [scope_type(key) for key in scopes.SCOPES]

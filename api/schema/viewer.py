"""``viewer``: the signed-in principal, its dealers, roles, permissions and duties."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

import strawberry

from api.schema.context import Info
from api.schema.errors import Unauthenticated
from api.schema.network import Dealer
from api.schema.policies import (
    DutyGrantType,
    LimitGrantType,
    PermissionGrantType,
    RoleGrantType,
    duty_grants,
    limit_grants,
    permission_grants,
    role_grants,
)
from policies.store import PolicyStore, Subject

G = TypeVar("G")


@strawberry.enum
class PrincipalKind(Enum):
    USER = "user"
    API_KEY = "api_key"


@strawberry.type
class DealerAccess:
    dealer: Dealer
    roles: list[RoleGrantType]


@strawberry.type(description="Who is calling; every field is about the current dealer.")
class Viewer:
    @strawberry.field
    def kind(self, info: Info) -> PrincipalKind:
        return PrincipalKind(info.context.principal.kind)

    @strawberry.field
    def display_name(self, info: Info) -> str:
        return info.context.principal.display_name

    @strawberry.field
    def username(self, info: Info) -> str | None:
        return info.context.principal.username

    @strawberry.field
    def locale(self, info: Info) -> str:
        return info.context.principal.locale

    @strawberry.field
    def csrf_token(self, info: Info) -> str | None:
        session = info.context.principal.session
        return session.csrf_token if session and session.kind == "cookie" else None

    @strawberry.field
    async def current_dealer(self, info: Info) -> Dealer | None:
        dealer_id = info.context.principal.dealer_id
        if dealer_id is None:
            return None
        row = await info.context.loaders.dealer.load(dealer_id)
        return Dealer.from_row(row) if row else None

    @strawberry.field(description="Every dealer the viewer may work in, with its roles there.")
    async def dealers(self, info: Info) -> list[DealerAccess]:
        principal = info.context.principal
        ids = sorted(principal.allowed_dealer_ids)
        rows = await info.context.loaders.dealer.load_many(ids)
        return [
            DealerAccess(
                dealer=Dealer.from_row(row),
                roles=role_grants(info.context.policies, principal.subject, row["id"]),
            )
            for row in sorted((r for r in rows if r), key=lambda r: r["code"])
        ]

    @strawberry.field
    def roles(self, info: Info) -> list[RoleGrantType]:
        return _at_current_dealer(info, role_grants)

    @strawberry.field
    def permissions(self, info: Info) -> list[PermissionGrantType]:
        return _at_current_dealer(info, permission_grants)

    @strawberry.field
    def duties(self, info: Info) -> list[DutyGrantType]:
        return _at_current_dealer(info, duty_grants)

    @strawberry.field
    def authority_limits(self, info: Info) -> list[LimitGrantType]:
        return _at_current_dealer(info, limit_grants)


def _at_current_dealer(
    info: Info, grants: Callable[[PolicyStore, Subject, int], list[G]]
) -> list[G]:
    """The viewer's grants of one kind at the current dealer; none before one is chosen."""
    principal = info.context.principal
    if principal.dealer_id is None:
        return []
    return grants(info.context.policies, principal.subject, principal.dealer_id)


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The signed-in principal; null when not signed in.")
    def viewer(self, info: Info) -> Viewer | None:
        auth = info.context.auth
        if auth.principal is None and auth.problem:
            raise Unauthenticated(auth.problem)
        return Viewer() if auth.principal is not None else None

"""Partner applications as GraphQL: register, consent to scopes, disable, and issue or
revoke keys; each application with its keys, recent calls and a summary of its day.

Reading needs ``api_key:read``, changing ``api_key:manage`` (the service manager holds
both); only a signed-in person consents on the dealer's behalf.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader

from api.schema.access import ApiKey, IssuedApiKey
from api.schema.context import Info
from api.schema.errors import NotFound, Unauthenticated
from api.schema.partners.calls import (
    PartnerCall,
    PartnerCallStatus,
    PartnerCallSummary,
    call_summary,
    recent_calls,
)
from api.schema.partners.scopes import PartnerScopeType, scope_type
from api.schema.personal_data import Kind, personal
from api.schema.relay_conventions import parse_global_id
from tenants.partners import apps
from tenants.partners.consent import Allowed


@strawberry.enum(description="What kind of organisation runs the application.")
class PartnerAppKind(Enum):
    INSURER = "insurer"
    SUPPLIER = "supplier"
    MANUFACTURER = "manufacturer"
    OTHER = "other"


@strawberry.type(description="A partner's system the dealer lets in, by consented scopes.")
class PartnerApp(relay.Node):
    id: relay.NodeID[int]
    name: str
    kind: PartnerAppKind
    contact_email: str = personal(Kind.EMAIL)
    description: str
    created_at: datetime
    updated_at: datetime
    disabled_at: datetime | None = strawberry.field(
        description="Set while disabled: its keys are refused."
    )
    scope_keys: strawberry.Private[list[str]]

    @classmethod
    def from_row(cls, row: Any) -> PartnerApp:
        return cls(
            id=row["id"],
            name=row["name"],
            kind=PartnerAppKind(row["kind"]),
            contact_email=row["contact_email"],
            description=row["description"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            disabled_at=row["disabled_at"],
            scope_keys=list(row["scopes"]),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[PartnerApp | None]:
        if not info.context.allowed("api_key", "read"):
            return [None for _ in node_ids]
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select * from partner_app where id = any($1::bigint[])", keys
            )
        found = {r["id"]: r for r in rows}
        return [cls.from_row(found[k]) if k in found else None for k in keys]

    @strawberry.field(description="The consented scopes.")
    def scopes(self) -> list[PartnerScopeType]:
        return [scope_type(key) for key in self.scope_keys]

    @strawberry.field
    def disabled(self) -> bool:
        return self.disabled_at is not None

    @strawberry.field(description="The application's keys, newest first.")
    async def keys(self, info: Info, include_revoked: bool = False) -> list[ApiKey]:
        rows = await _keys_loader(info).load(self.id)
        return [ApiKey.from_row(r) for r in rows if include_revoked or r["revoked_at"] is None]

    @strawberry.field(description="Calls made with the application's keys, newest first.")
    async def recent_calls(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        status: PartnerCallStatus = PartnerCallStatus.ALL,
    ) -> relay.Connection[PartnerCall]:
        return await recent_calls(info, self.id, first, after, status)

    @strawberry.field(description="Calls, errors, p95 duration and cost of the last 24 hours.")
    async def call_summary(self, info: Info) -> PartnerCallSummary:
        return await call_summary(info, self.id)


def _keys_loader(info: Info) -> DataLoader[int, list[Any]]:
    cache: dict[str, Any] = info.context.cache
    loader: DataLoader[int, list[Any]] | None = cache.get("partner_app_keys")
    if loader is None:

        async def load(app_ids: list[int]) -> list[list[Any]]:
            info.context.require("api_key", "read")
            async with info.context.read() as tx:
                rows = await tx.connection.fetch(
                    "select * from api_key where partner_app_id = any($1::bigint[])"
                    " order by id desc",
                    app_ids,
                )
            grouped: defaultdict[int, list[Any]] = defaultdict(list)
            for row in rows:
                grouped[row["partner_app_id"]].append(row)
            return [grouped.get(app_id, []) for app_id in app_ids]

        loader = cache["partner_app_keys"] = DataLoader(load_fn=load)
    return loader


@strawberry.input
class RegisterPartnerAppInput:
    name: str
    kind: PartnerAppKind
    contact_email: str = ""
    description: str = ""
    scopes: list[str] = strawberry.field(
        default_factory=list, description="Scope keys (partnerScopes); each one you hold."
    )


@strawberry.type
class PartnerAppsQuery:
    @strawberry.field(description="The current dealer's partner applications, by name.")
    async def partner_apps(self, info: Info, include_disabled: bool = True) -> list[PartnerApp]:
        dealer = info.context.require("api_key", "read")
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select * from partner_app where dealer_id = $1"
                " and ($2 or disabled_at is null) order by lower(name), id",
                dealer,
                include_disabled,
            )
        return [PartnerApp.from_row(r) for r in rows]

    @strawberry.field(description="One partner application; null when absent or not yours.")
    async def partner_app(self, info: Info, id: strawberry.ID) -> PartnerApp | None:
        app_id = parse_global_id(id, "PartnerApp")
        info.context.require("api_key", "read")
        found = await PartnerApp.resolve_nodes(info=info, node_ids=[str(app_id)])
        return found[0]


def _consenting_person(info: Info) -> None:
    if info.context.principal.user_id is None:
        raise Unauthenticated("Only a signed-in person may manage partner applications")


def _allowed(info: Info, dealer: int) -> Allowed:
    """The acting person's own decisions at the dealer, for the no-escalation check."""
    return lambda obj, action: info.context.allowed(obj, action, dealer)


async def _app_after(info: Info, app_id: int) -> PartnerApp:
    found = await PartnerApp.resolve_nodes(info=info, node_ids=[str(app_id)])
    if found[0] is None:
        raise NotFound("Partner application")
    return found[0]


@strawberry.type
class PartnerAppsMutation:
    @strawberry.mutation(description="Register a partner application with its first scopes.")
    async def register_partner_app(self, info: Info, input: RegisterPartnerAppInput) -> PartnerApp:
        _consenting_person(info)
        async with info.context.write("api_key", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            row = await apps.register(
                dealer_id=dealer,
                new=apps.NewApp(
                    name=input.name,
                    kind=input.kind.value,
                    contact_email=input.contact_email,
                    description=input.description,
                    scopes=tuple(input.scopes),
                ),
                allowed=_allowed(info, dealer),
            )
        return PartnerApp.from_row(row)

    @strawberry.mutation(description="Replace the application's scopes; keys follow at once.")
    async def update_partner_app_scopes(
        self, info: Info, id: strawberry.ID, scopes: list[str]
    ) -> PartnerApp:
        app_id = parse_global_id(id, "PartnerApp")
        _consenting_person(info)
        async with info.context.write("api_key", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            row = await apps.update_scopes(
                dealer_id=dealer, app_id=app_id, scopes=scopes, allowed=_allowed(info, dealer)
            )
        return PartnerApp.from_row(row)

    @strawberry.mutation(description="Disable (its keys are refused at once) or enable again.")
    async def set_partner_app_disabled(
        self, info: Info, id: strawberry.ID, disabled: bool
    ) -> PartnerApp:
        app_id = parse_global_id(id, "PartnerApp")
        _consenting_person(info)
        async with info.context.write("api_key", "manage") as tx:
            row = await apps.set_disabled(
                dealer_id=tx.scope.dealer_ids[0], app_id=app_id, disabled=disabled
            )
        return PartnerApp.from_row(row)

    # Its holder acts with every scope of the application: the issuer must be able to
    # grant each (SCOPE_NOT_GRANTABLE, apps.issue_key).
    @strawberry.mutation(description="A new key for the application; the key is shown once.")
    async def issue_partner_app_key(
        self, info: Info, app_id: strawberry.ID, name: str = ""
    ) -> IssuedApiKey:
        app = parse_global_id(app_id, "PartnerApp", "appId")
        _consenting_person(info)
        async with info.context.write("api_key", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            issued = await apps.issue_key(
                dealer_id=dealer, app_id=app, name=name, allowed=_allowed(info, dealer)
            )
            row = await tx.connection.fetchrow("select * from api_key where id = $1", issued.id)
        return IssuedApiKey(api_key=ApiKey.from_row(row), key=issued.secret)

    @strawberry.mutation(description="Revoke one of the application's keys; it stops at once.")
    async def revoke_partner_app_key(
        self, info: Info, app_id: strawberry.ID, key_id: strawberry.ID
    ) -> ApiKey:
        app = parse_global_id(app_id, "PartnerApp", "appId")
        key = parse_global_id(key_id, "ApiKey", "keyId")
        _consenting_person(info)
        async with info.context.write("api_key", "manage") as tx:
            await apps.revoke_key(dealer_id=tx.scope.dealer_ids[0], app_id=app, key_id=key)
            row = await tx.connection.fetchrow("select * from api_key where id = $1", key)
        return ApiKey.from_row(row)

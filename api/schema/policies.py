"""Policies in GraphQL: the catalog, what the viewer may do and why, dealer overrides."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.errors import BadUserInput, NotFound
from api.schema.relay_conventions import parse_global_id
from api.schema.roles import RoleType, role_type
from policies import catalog, overrides
from policies.store import (
    DutyGrant,
    LimitGrant,
    PermissionGrant,
    PolicyLine,
    PolicyStore,
    RoleGrant,
    Subject,
)


@strawberry.enum
class GrantSource(Enum):
    MEMBERSHIP = "membership"
    REGION = "region"
    MANUFACTURER = "manufacturer"
    API_KEY = "api_key"


@strawberry.type(name="PolicyLine", description="One policy line that took part in a decision.")
class PolicyLineType:
    text: str
    source: str = strawberry.field(
        description="catalog, override, membership, region, manufacturer or api_key"
    )
    role: str
    effect: str | None
    reason: str | None
    created_at: datetime | None
    override_id: strawberry.Private[int | None]
    created_by_id: strawberry.Private[int | None]

    @strawberry.field(description="Who made the dealer override.")
    async def created_by(self, info: Info) -> str | None:
        if self.created_by_id is None:
            return None
        row = await info.context.loaders.user.load(self.created_by_id)
        return row["display_name"] if row else f"user {self.created_by_id}"


def line_type(line: PolicyLine) -> PolicyLineType:
    return PolicyLineType(
        text=line.text,
        source=line.source,
        role=line.role,
        effect=line.effect,
        reason=line.reason,
        created_at=line.created_at,
        override_id=line.override_id,
        created_by_id=line.created_by,
    )


@strawberry.type(name="RoleGrant")
class RoleGrantType:
    role: RoleType
    source: GrantSource
    line: PolicyLineType


@strawberry.type(name="PermissionGrant")
class PermissionGrantType:
    object: str
    action: str
    label: str
    label_zh: str
    lines: list[PolicyLineType]


@strawberry.type(name="DutyGrant", description="A work queue the viewer owns.")
class DutyGrantType:
    key: str
    name: str
    name_zh: str
    description: str
    lines: list[PolicyLineType]


@strawberry.type(name="LimitGrant", description="An amount up to which the viewer decides alone.")
class LimitGrantType:
    key: str
    label: str
    label_zh: str
    amount: Decimal
    currency: str
    role: RoleType
    lines: list[PolicyLineType]


@strawberry.type(name="Explanation")
class ExplanationType:
    allowed: bool
    object: str
    action: str
    reason: str
    decisive: list[PolicyLineType]
    roles: list[RoleGrantType]


def _role_grant(grant: RoleGrant) -> RoleGrantType:
    return RoleGrantType(
        role=role_type(grant.role), source=GrantSource(grant.source), line=line_type(grant.line)
    )


def role_grants(store: PolicyStore, subject: Subject, dealer_id: int) -> list[RoleGrantType]:
    return [_role_grant(g) for g in store.roles_of(subject, dealer_id)]


def _permission(grant: PermissionGrant) -> PermissionGrantType:
    meta = catalog.PERMISSIONS[(grant.object, grant.action)]
    return PermissionGrantType(
        object=grant.object,
        action=grant.action,
        label=meta.name,
        label_zh=meta.name_zh,
        lines=[line_type(line) for line in grant.lines],
    )


def permission_grants(
    store: PolicyStore, subject: Subject, dealer_id: int
) -> list[PermissionGrantType]:
    return [_permission(g) for g in store.permissions(subject, dealer_id)]


def _duty(grant: DutyGrant) -> DutyGrantType:
    meta = catalog.DUTIES[grant.duty]
    return DutyGrantType(
        key=meta.key,
        name=meta.name,
        name_zh=meta.name_zh,
        description=meta.description,
        lines=[line_type(line) for line in grant.lines],
    )


def duty_grants(store: PolicyStore, subject: Subject, dealer_id: int) -> list[DutyGrantType]:
    return [_duty(g) for g in store.duties(subject, dealer_id)]


def _limit(grant: LimitGrant) -> LimitGrantType:
    meta = catalog.LIMITS[grant.limit_key]
    return LimitGrantType(
        key=meta.key,
        label=meta.name,
        label_zh=meta.name_zh,
        amount=grant.amount,
        currency=meta.currency,
        role=role_type(grant.role),
        lines=[line_type(line) for line in grant.lines],
    )


def limit_grants(store: PolicyStore, subject: Subject, dealer_id: int) -> list[LimitGrantType]:
    grants = (store.authority_limit(subject, dealer_id, key) for key in catalog.LIMITS)
    return [_limit(g) for g in grants if g is not None]


@strawberry.type
class CatalogPermission:
    object: str
    action: str
    label: str
    label_zh: str


@strawberry.type
class CatalogDuty:
    key: str
    name: str
    name_zh: str
    description: str


@strawberry.type(name="RoleDefinition", description="A role of the catalog with its defaults.")
class RoleDefinition:
    role: RoleType
    permissions: list[CatalogPermission]
    duties: list[CatalogDuty]


@strawberry.enum
class OverrideKind(Enum):
    PERMISSION = "permission"
    DUTY = "duty"
    LIMIT = "limit"


@strawberry.enum
class Effect(Enum):
    ALLOW = "allow"
    DENY = "deny"


@strawberry.type
class PolicyOverride(relay.Node):
    """A dealer's change to the catalog default of one role; revoked ones stay on record."""

    id: relay.NodeID[int]
    role_key: strawberry.Private[str]
    kind: OverrideKind
    object: str
    action: str
    effect: Effect
    amount: Decimal | None
    reason: str
    created_at: datetime
    revoked_at: datetime | None
    created_by_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> PolicyOverride:
        return cls(
            id=row["id"],
            role_key=row["role"],
            kind=OverrideKind(row["kind"]),
            object=row["object"],
            action=row["action"],
            effect=Effect(row["effect"]),
            amount=row["amount"],
            reason=row["reason"],
            created_at=row["created_at"],
            revoked_at=row["revoked_at"],
            created_by_id=row["created_by"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PolicyOverride | None]:
        if not info.context.allowed("policy", "read"):
            return [None for _ in node_ids]
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        rows = await info.context.loaders.policy_override.load_many(keys)
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    def role(self) -> RoleType:
        return role_type(self.role_key)

    @strawberry.field
    async def created_by(self, info: Info) -> str:
        row = await info.context.loaders.user.load(self.created_by_id)
        return row["display_name"] if row else f"user {self.created_by_id}"


def _catalog_permission(key: tuple[str, str]) -> CatalogPermission:
    meta = catalog.PERMISSIONS[key]
    return CatalogPermission(
        object=meta.object, action=meta.action, label=meta.name, label_zh=meta.name_zh
    )


def _catalog_duty(key: str) -> CatalogDuty:
    meta = catalog.DUTIES[key]
    return CatalogDuty(
        key=meta.key, name=meta.name, name_zh=meta.name_zh, description=meta.description
    )


@strawberry.type
class PoliciesQuery:
    @strawberry.field(
        description="Every role of the catalog with its default permissions and duties."
    )
    def role_catalog(self) -> list[RoleDefinition]:
        return [
            RoleDefinition(
                role=role_type(role.key),
                permissions=[_catalog_permission(p) for p in sorted(role.permissions)],
                duties=[_catalog_duty(d) for d in sorted(role.duties)],
            )
            for role in catalog.ROLES.values()
        ]

    @strawberry.field(description="Whether someone may do something at a dealer, and why.")
    def explain(
        self,
        info: Info,
        object: str,
        action: str,
        user_id: strawberry.ID | None = None,
        dealer_id: strawberry.ID | None = None,
    ) -> ExplanationType:
        context = info.context
        principal = context.principal
        dealer = (
            parse_global_id(dealer_id, "Dealer", "dealerId")
            if dealer_id is not None
            else context.dealer_id
        )
        if dealer not in principal.allowed_dealer_ids:
            raise NotFound("Dealer")
        subject = principal.subject
        if user_id is not None:
            other = parse_global_id(user_id, "StaffUser", "userId")
            if other != principal.user_id:
                context.require("policy", "read", dealer)
                subject = Subject.user(other)
        if (object, action) not in catalog.PERMISSIONS and not object.startswith("duty:"):
            raise BadUserInput("object", f"Unknown permission {object}:{action}")
        explanation = context.policies.explain(subject, dealer, object, action)
        return ExplanationType(
            allowed=explanation.allowed,
            object=explanation.object,
            action=explanation.action,
            reason=explanation.reason,
            decisive=[line_type(line) for line in explanation.decisive],
            roles=[_role_grant(g) for g in explanation.roles],
        )

    @strawberry.field(description="The current dealer's overrides of the catalog.")
    async def policy_overrides(
        self, info: Info, include_revoked: bool = False
    ) -> list[PolicyOverride]:
        dealer = info.context.require("policy", "read")
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select * from policy_override where dealer_id = $1"
                " and ($2 or revoked_at is null) order by id desc",
                dealer,
                include_revoked,
            )
        return [PolicyOverride.from_row(r) for r in rows]


@strawberry.input
class PolicyOverrideInput:
    role: str
    kind: OverrideKind
    object: str = strawberry.field(description="Permission object, duty key or limit key.")
    action: str = ""
    effect: Effect = Effect.ALLOW
    amount: Decimal | None = None
    reason: str = strawberry.field(description="Why the dealer departs from the catalog.")


@strawberry.type
class PoliciesMutation:
    @strawberry.mutation(description="Change a role's permission, duty or limit at this dealer.")
    async def set_policy_override(self, info: Info, input: PolicyOverrideInput) -> PolicyOverride:
        async with info.context.write("policy", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            saved = await overrides.set_override(
                dealer_id=dealer,
                role=input.role,
                kind=input.kind.value,
                object=input.object,
                action=input.action,
                effect=input.effect.value,
                amount=input.amount,
                reason=input.reason,
            )
            row = await tx.connection.fetchrow(
                "select * from policy_override where id = $1", saved["id"]
            )
        return PolicyOverride.from_row(row)

    @strawberry.mutation(description="Return a role to the catalog default at this dealer.")
    async def revoke_policy_override(self, info: Info, id: strawberry.ID) -> PolicyOverride:
        override_id = parse_global_id(id, "PolicyOverride")
        async with info.context.write("policy", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            await overrides.revoke_override(dealer_id=dealer, override_id=override_id)
            row = await tx.connection.fetchrow(
                "select * from policy_override where id = $1", override_id
            )
        return PolicyOverride.from_row(row)

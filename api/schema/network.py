"""GraphQL types of the network: manufacturer, regions, dealers, staff and headcount."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.errors import BadUserInput
from api.schema.loaders import load_one
from api.schema.relay_conventions import connection, decode_cursor, page_size
from api.schema.roles import RoleType, role_exists, role_type
from tenants.audit.recorder import record


async def _load_many(loader: Any, node_ids: Iterable[str]) -> list[Any]:
    keys = []
    for node_id in node_ids:
        keys.append(int(node_id) if node_id.isdigit() else 0)
    return list(await loader.load_many(keys))


@strawberry.type
class Manufacturer(relay.Node):
    id: relay.NodeID[int]
    code: str
    name: str
    name_zh: str

    @classmethod
    def from_row(cls, row: Any) -> Manufacturer:
        return cls(id=row["id"], code=row["code"], name=row["name"], name_zh=row["name_zh"])

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Manufacturer | None]:
        rows = await _load_many(info.context.loaders.manufacturer, node_ids)
        return [cls.from_row(r) if r else None for r in rows]


@strawberry.type
class Region(relay.Node):
    id: relay.NodeID[int]
    code: str
    name: str
    name_zh: str
    manufacturer_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> Region:
        return cls(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            name_zh=row["name_zh"],
            manufacturer_id=row["manufacturer_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Region | None]:
        rows = await _load_many(info.context.loaders.region, node_ids)
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def manufacturer(self, info: Info) -> Manufacturer | None:
        return await load_one(
            info.context.loaders.manufacturer, Manufacturer.from_row, self.manufacturer_id
        )

    @strawberry.field(description="Dealers of this region that the viewer may access.")
    async def dealers(self, info: Info) -> list[Dealer]:
        allowed = sorted(info.context.principal.allowed_dealer_ids)
        async with info.context.read(()) as tx:
            rows = await tx.connection.fetch(
                "select * from dealer where region_id = $1 and id = any($2::bigint[])"
                " order by code",
                self.id,
                allowed,
            )
        return [Dealer.from_row(r) for r in rows]


@strawberry.type
class HeadcountLine:
    """Planned posts of one role at a dealer against the people holding it (缺编 = vacant)."""

    role_key: str
    planned: int
    filled: int

    @strawberry.field
    def vacant(self) -> int:
        return max(self.planned - self.filled, 0)

    @strawberry.field
    def role(self) -> RoleType:
        return role_type(self.role_key)


@strawberry.type
class Dealer(relay.Node):
    id: relay.NodeID[int]
    code: str
    name: str
    name_zh: str
    time_zone: str
    locale: str
    region_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> Dealer:
        return cls(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            name_zh=row["name_zh"],
            time_zone=row["time_zone"],
            locale=row["locale"],
            region_id=row["region_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Dealer | None]:
        rows = await _load_many(info.context.loaders.dealer, node_ids)
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def region(self, info: Info) -> Region:
        row = await info.context.loaders.region.load(self.region_id)
        return Region.from_row(row)

    @strawberry.field(description="Staff of this dealer (needs network.staff:read there).")
    async def staff(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[Membership]:
        dealer = info.context.require("network.staff", "read", self.id)
        size, last = page_size(first), decode_cursor(after) or 0
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select * from membership where dealer_id = $1 and id > $2 order by id limit $3",
                dealer,
                last,
                size + 1,
            )
        return connection(rows, size, Membership.from_row, lambda r: r["id"])

    @strawberry.field(description="Planned, filled and vacant posts per role (岗位编制).")
    async def headcount(self, info: Info) -> list[HeadcountLine]:
        dealer = info.context.require("network.headcount", "read", self.id)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                """
                with filled as (
                  select r.role, count(*) as n
                    from membership m cross join lateral unnest(m.roles) as r(role)
                   where m.dealer_id = $1 and m.active group by r.role
                )
                select coalesce(h.role, f.role) as role, coalesce(h.planned, 0) as planned,
                       coalesce(f.n, 0)::int as filled
                  from (select role, planned from headcount where dealer_id = $1) h
                  full join filled f on f.role = h.role
                 order by 1
                """,
                dealer,
            )
        return [
            HeadcountLine(role_key=r["role"], planned=r["planned"], filled=r["filled"])
            for r in rows
        ]


@strawberry.type
class StaffUser(relay.Node):
    id: relay.NodeID[int]
    username: str
    display_name: str
    active: bool

    @classmethod
    def from_row(cls, row: Any) -> StaffUser:
        return cls(
            id=row["id"],
            username=row["username"],
            display_name=row["display_name"],
            active=row["active"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[StaffUser | None]:
        rows = await _load_many(info.context.loaders.user, node_ids)
        return [cls.from_row(r) if r else None for r in rows]


async def staff_user(info: Info, user_id: int | None) -> StaffUser | None:
    """The person behind an optional ``*_by`` column, batched by the user dataloader."""
    return await load_one(info.context.loaders.user, StaffUser.from_row, user_id)


@strawberry.type
class Membership(relay.Node):
    """A person's roles at one dealer; several roles at once are normal (兼职)."""

    id: relay.NodeID[int]
    title: str
    active: bool
    created_at: datetime
    role_keys: strawberry.Private[list[str]]
    dealer_id: strawberry.Private[int]
    user_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> Membership:
        return cls(
            id=row["id"],
            title=row["title"],
            active=row["active"],
            created_at=row["created_at"],
            role_keys=list(row["roles"]),
            dealer_id=row["dealer_id"],
            user_id=row["user_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Membership | None]:
        rows = await _load_many(info.context.loaders.membership, node_ids)
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field
    async def user(self, info: Info) -> StaffUser | None:
        return await load_one(info.context.loaders.user, StaffUser.from_row, self.user_id)

    @strawberry.field
    async def dealer(self, info: Info) -> Dealer | None:
        return await load_one(info.context.loaders.dealer, Dealer.from_row, self.dealer_id)

    @strawberry.field
    def roles(self) -> list[RoleType]:
        return [role_type(key) for key in self.role_keys]


@strawberry.type
class NetworkQuery:
    @strawberry.field(description="Dealers the viewer may work in, by code.")
    async def dealers(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[Dealer]:
        allowed = sorted(info.context.principal.allowed_dealer_ids)
        size, last = page_size(first), decode_cursor(after) or 0
        async with info.context.read(()) as tx:
            rows = await tx.connection.fetch(
                "select * from dealer where id = any($1::bigint[]) and id > $2"
                " order by id limit $3",
                allowed,
                last,
                size + 1,
            )
        return connection(rows, size, Dealer.from_row, lambda r: r["id"])


@strawberry.input
class SetHeadcountInput:
    role: str
    planned: int


@strawberry.type
class NetworkMutation:
    @strawberry.mutation(description="Plan the number of posts for a role at the current dealer.")
    async def set_headcount(self, info: Info, input: SetHeadcountInput) -> HeadcountLine:
        if input.planned < 0 or input.planned > 500:
            raise BadUserInput("planned", "planned must be between 0 and 500")
        if not role_exists(input.role):
            raise BadUserInput("role", f"Unknown role {input.role!r}")
        async with info.context.write("network.headcount", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            before = await tx.connection.fetchval(
                "select planned from headcount where dealer_id = $1 and role = $2",
                dealer,
                input.role,
            )
            await tx.connection.execute(
                "insert into headcount (dealer_id, role, planned) values ($1, $2, $3)"
                " on conflict (dealer_id, role) do update set planned = excluded.planned",
                dealer,
                input.role,
                input.planned,
            )
            filled = await tx.connection.fetchval(
                "select count(*) from membership where dealer_id = $1 and active"
                " and $2 = any(roles)",
                dealer,
                input.role,
            )
            await record(
                dealer_id=dealer,
                action="headcount.set",
                object_type="headcount",
                object_id=input.role,
                before={"planned": before} if before is not None else None,
                after={"planned": input.planned},
                request_id=info.context.request_id,
            )
        return HeadcountLine(role_key=input.role, planned=input.planned, filled=filled)

"""Dataloaders of the review inbox: one query per batch over every dealer the viewer
reviews (manufacturer staff see many dealers at once), each batch in its own short
transaction scoped to exactly those dealers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
from strawberry.dataloader import DataLoader

from tenants.database import TenantScope, tenant_transaction

if TYPE_CHECKING:
    from api.schema.context import Context, Info

Row: TypeAlias = asyncpg.Record


def review_dealers(context: Context, action: str = "read") -> tuple[int, ...]:
    """Dealers where the viewer holds ``warranty_review:<action>``: the manufacturer's
    warranty technicians every dealer of the brand, a regional manager the region's."""
    principal = context.principal
    return tuple(
        sorted(
            d
            for d in principal.allowed_dealer_ids
            if context.policies.allowed(principal.subject, d, "warranty_review", action)
        )
    )


class ReviewLoaders:
    def __init__(self, context: Context) -> None:
        self._context = context
        self.dealers = review_dealers(context)
        self.claim = self._by_id(
            "select * from warranty_claim where id = any($1::bigint[])"
            " and dealer_id = any($2::bigint[])"
        )
        self.lines_by_claim = self._grouped(
            "select l.*, l.claim_id as key, o.code as operation_code,"
            " coalesce(o.name, p.name, '') as item_name,"
            " coalesce(o.name_zh, p.name_zh, '') as item_name_zh, p.part_number"
            " from warranty_claim_line l"
            " left join labour_operation o on o.id = l.operation_id"
            " left join part p on p.id = l.part_id"
            " where l.claim_id = any($1::bigint[]) and l.dealer_id = any($2::bigint[])"
            " order by l.id"
        )
        self.events_by_claim = self._grouped(
            "select e.*, e.claim_id as key, u.display_name as actor_name"
            " from warranty_claim_event e left join staff_user u on u.id = e.actor_user_id"
            " where e.claim_id = any($1::bigint[]) and e.dealer_id = any($2::bigint[])"
            " order by e.id"
        )
        self.files_by_claim = self._grouped(
            "select id, claim_id as key, file_name, content_type, size_bytes, sha256,"
            " uploaded_at from warranty_claim_file"
            " where claim_id = any($1::bigint[]) and dealer_id = any($2::bigint[]) order by id"
        )
        self.file_content = self._by_id(
            "select id, content_type, content from warranty_claim_file"
            " where id = any($1::bigint[]) and dealer_id = any($2::bigint[])"
        )
        self.decisions_by_claim = self._grouped(
            "select d.*, d.claim_id as key, u.display_name as decided_by_name"
            " from warranty_decision d left join staff_user u on u.id = d.decided_by"
            " where d.claim_id = any($1::bigint[]) and d.dealer_id = any($2::bigint[])"
            " order by d.id"
        )

    def _scope(self) -> TenantScope:
        return TenantScope.of(self.dealers, self._context.principal.user_id)

    async def _fetch(self, sql: str, keys: list[int]) -> list[Row]:
        if not self.dealers:
            return []
        async with tenant_transaction(self._scope(), fresh=True) as tx:
            rows: list[Row] = await tx.connection.fetch(sql, keys, list(self.dealers))
        return rows

    def _by_id(self, sql: str) -> DataLoader[int, Row | None]:
        async def load(keys: list[int]) -> list[Row | None]:
            found = {row["id"]: row for row in await self._fetch(sql, keys)}
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=load)

    def _grouped(self, sql: str) -> DataLoader[int, list[Row]]:
        async def load(keys: list[int]) -> list[list[Row]]:
            found: defaultdict[Hashable, list[Row]] = defaultdict(list)
            for row in await self._fetch(sql, keys):
                found[row["key"]].append(row)
            return [found.get(key, []) for key in keys]

        return DataLoader(load_fn=load)


def review_loaders(info: Info) -> ReviewLoaders:
    cache: dict[str, Any] = info.context.cache
    loaders = cache.get("review_loaders")
    if loaders is None:
        loaders = cache["review_loaders"] = ReviewLoaders(info.context)
    return loaders

"""Dataloaders of the old-parts screens: parts by id, movements per part, parts (the
packing list) per shipment and shipments by id, one query per batch in its own short
transaction over the dealers where the principal may read old parts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeAlias

import asyncpg
from strawberry.dataloader import DataLoader

from api.schema.warranty.old_parts_access import dealers_with
from tenants.database import TenantScope, tenant_transaction
from tenants.warranty import old_part_queries

if TYPE_CHECKING:
    from api.schema.context import Info

Row: TypeAlias = asyncpg.Record
Fetch: TypeAlias = Callable[[asyncpg.Connection, tuple[int, ...], list[int]], Awaitable[list[Row]]]


class OldPartLoaders:
    def __init__(self, info: Info) -> None:
        self._info = info
        self.part = self._by_id(lambda c, d, k: old_part_queries.old_parts_by_id(c, d, k), key="id")
        self.shipment = self._by_id(
            lambda c, d, k: _fetch(
                c,
                "select s.*, dl.code as dealer_code, dl.name as dealer_name,"
                " dl.name_zh as dealer_name_zh,"
                " (select count(*) from old_part p where p.dealer_id = s.dealer_id"
                "   and p.shipment_id = s.id)::int as part_count"
                " from old_part_shipment s join dealer dl on dl.id = s.dealer_id"
                " where s.dealer_id = any($1::bigint[]) and s.id = any($2::bigint[])",
                d,
                k,
            ),
            key="id",
        )
        self.parts_by_shipment = self._grouped(
            lambda c, d, k: old_part_queries.old_parts_of_shipments(c, d, k), key="shipment_id"
        )
        self.movements_by_part = self._grouped(
            lambda c, d, k: _fetch(
                c,
                "select * from old_part_movement where dealer_id = any($1::bigint[])"
                " and old_part_id = any($2::bigint[]) order by id",
                d,
                k,
            ),
            key="old_part_id",
        )

    def _dealers(self) -> tuple[int, ...]:
        return dealers_with(self._info, "old_parts", "read")

    async def _run(self, fetch: Fetch, keys: list[int]) -> list[Row]:
        dealers = self._dealers()
        if not dealers:
            return []
        scope = TenantScope.of(dealers, self._info.context.principal.user_id)
        async with tenant_transaction(scope, fresh=True) as tx:
            return await fetch(tx.connection, dealers, keys)

    def _by_id(self, fetch: Fetch, *, key: str) -> DataLoader[int, Row | None]:
        async def load(keys: list[int]) -> list[Row | None]:
            found = {r[key]: r for r in await self._run(fetch, keys)}
            return [found.get(k) for k in keys]

        return DataLoader(load_fn=load)

    def _grouped(self, fetch: Fetch, *, key: str) -> DataLoader[int, list[Row]]:
        async def load(keys: list[int]) -> list[list[Row]]:
            groups: dict[int, list[Row]] = defaultdict(list)
            for row in await self._run(fetch, keys):
                groups[row[key]].append(row)
            return [groups.get(k, []) for k in keys]

        return DataLoader(load_fn=load)


async def _fetch(
    connection: asyncpg.Connection, sql: str, dealers: Sequence[int], keys: list[int]
) -> list[Row]:
    return list(await connection.fetch(sql, list(dealers), keys))


def old_part_loaders(info: Info) -> OldPartLoaders:
    cache = info.context.cache
    loaders = cache.get("old_part_loaders")
    if loaders is None:
        loaders = cache["old_part_loaders"] = OldPartLoaders(info)
    assert isinstance(loaders, OldPartLoaders)
    return loaders

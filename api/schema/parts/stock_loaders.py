"""Dataloaders of stock items, their ledgers and lots, parts requests and supersessions:
one query per batch, in its own short tenant transaction of the current dealer (the
query filters by that dealer too; RLS backs it up)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
from strawberry.dataloader import DataLoader

from tenants.database import TenantScope, tenant_transaction
from tenants.parts import catalog, issue_queries, stock_items

if TYPE_CHECKING:
    from api.schema.context import Context, Info

Row: TypeAlias = asyncpg.Record
MovementPage = stock_items.MovementPage


class StockLoaders:
    def __init__(self, context: Context) -> None:
        self._context = context
        self.item = self._keyed(
            lambda c, d, keys: c.fetch(
                stock_items.ITEM_SQL + " where s.dealer_id = $1 and s.id = any($2::bigint[])",
                d,
                keys,
            ),
            "id",
        )
        self.item_by_part = self._keyed(
            lambda c, d, keys: c.fetch(
                stock_items.ITEM_SQL
                + " where s.dealer_id = $1 and s.part_id = any($2::bigint[]) and s.active",
                d,
                keys,
            ),
            "part_id",
        )
        self.movement = self._keyed(
            lambda c, d, keys: c.fetch(
                f"select m.*, {stock_items.DOCUMENT_NUMBER_SQL} as document_number"
                " from stock_movement m where m.dealer_id = $1 and m.id = any($2::bigint[])",
                d,
                keys,
            ),
            "id",
        )
        self.request = self._keyed(
            lambda c, d, keys: c.fetch(
                issue_queries.REQUEST_SQL + " where r.dealer_id = $1 and r.id = any($2::bigint[])",
                d,
                keys,
            ),
            "id",
        )
        self.requests_by_line = self._grouped(
            lambda c, d, keys: c.fetch(
                issue_queries.REQUEST_SQL
                + " where r.dealer_id = $1 and r.repair_order_line_id = any($2::bigint[])"
                " order by r.id",
                d,
                keys,
            ),
            "repair_order_line_id",
        )
        # Reference data: the parts a visible part replaced share its manufacturer.
        self.supersedes = self._grouped(
            lambda c, _d, keys: c.fetch(
                "select * from part where superseded_by = any($1::bigint[]) order by part_number",
                keys,
            ),
            "superseded_by",
        )
        self.successor = DataLoader(load_fn=self._successors)
        self.lots = DataLoader(load_fn=self._lots)
        self.movement_page = DataLoader(load_fn=self._movement_pages)

    def _scope(self) -> TenantScope:
        principal = self._context.principal
        dealers = (principal.dealer_id,) if principal.dealer_id is not None else ()
        return TenantScope.of(dealers, principal.user_id)

    def _dealer(self) -> int:
        return self._context.principal.dealer_id or 0

    def _keyed(
        self,
        fetch: Callable[[asyncpg.Connection, int, list[int]], Awaitable[Sequence[Row]]],
        key: str,
    ) -> DataLoader[int, Row | None]:
        async def load(keys: list[int]) -> list[Row | None]:
            async with tenant_transaction(self._scope(), fresh=True) as tx:
                rows = await fetch(tx.connection, self._dealer(), keys)
            found = {row[key]: row for row in rows}
            return [found.get(k) for k in keys]

        return DataLoader(load_fn=load)

    def _grouped(
        self,
        fetch: Callable[[asyncpg.Connection, int, list[int]], Awaitable[Sequence[Row]]],
        key: str,
    ) -> DataLoader[int, list[Row]]:
        async def load(keys: list[int]) -> list[list[Row]]:
            async with tenant_transaction(self._scope(), fresh=True) as tx:
                rows = await fetch(tx.connection, self._dealer(), keys)
            found: defaultdict[Hashable, list[Row]] = defaultdict(list)
            for row in rows:
                found[row[key]].append(row)
            return [found.get(k, []) for k in keys]

        return DataLoader(load_fn=load)

    async def _successors(self, keys: list[int]) -> list[int | None]:
        async with tenant_transaction(self._scope(), fresh=True) as tx:
            found = await catalog.current_successors(tx.connection, keys)
        return [found.get(k) for k in keys]

    async def _lots(self, keys: list[int]) -> list[list[Row]]:
        async with tenant_transaction(self._scope(), fresh=True) as tx:
            found = await stock_items.open_lots(tx.connection, self._dealer(), keys)
        return [found[k] for k in keys]

    async def _movement_pages(self, keys: list[MovementPage]) -> list[list[Row]]:
        async with tenant_transaction(self._scope(), fresh=True) as tx:
            return await stock_items.movement_pages(tx.connection, self._dealer(), keys)


def stock_loaders(info: Info) -> StockLoaders:
    """The request's stock loaders, made on first use."""
    cache: dict[str, Any] = info.context.cache
    loaders = cache.get("stock_loaders")
    if loaders is None:
        loaders = cache["stock_loaders"] = StockLoaders(info.context)
    assert isinstance(loaders, StockLoaders)
    return loaders

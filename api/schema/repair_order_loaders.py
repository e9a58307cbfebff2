"""Dataloaders of repair orders: one query per batch (lines, revisions, checks, events,
totals of many orders at once), each batch in its own short tenant transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
from strawberry.dataloader import DataLoader

from tenants.database import TenantScope, tenant_transaction
from tenants.service.orders.pricing import Totals, order_totals

if TYPE_CHECKING:
    from api.schema.context import Context, Info

Row: TypeAlias = asyncpg.Record


class RepairOrderLoaders:
    def __init__(self, context: Context) -> None:
        self._context = context
        self.order = self._by_id("select * from repair_order where id = any($1::bigint[])")
        self.line = self._by_id("select * from repair_order_line where id = any($1::bigint[])")
        self.revision = self._by_id("select * from order_revision where id = any($1::bigint[])")
        self.lines_by_order = self._grouped(
            "select *, repair_order_id as key from repair_order_line"
            " where repair_order_id = any($1::bigint[]) order by id"
        )
        self.revisions_by_order = self._grouped(
            "select *, repair_order_id as key from order_revision"
            " where repair_order_id = any($1::bigint[]) order by revision"
        )
        self.walkaround_by_order = self._grouped(
            "select *, repair_order_id as key from walkaround"
            " where repair_order_id = any($1::bigint[])"
        )
        self.checks_by_order = self._grouped(
            "select *, repair_order_id as key from quality_check"
            " where repair_order_id = any($1::bigint[]) order by round, id"
        )
        self.settlement_by_order = self._grouped(
            "select *, repair_order_id as key from settlement"
            " where repair_order_id = any($1::bigint[])"
        )
        self.events_by_order = self._grouped(
            "select *, repair_order_id as key from order_event"
            " where repair_order_id = any($1::bigint[]) order by id"
        )
        self.live_totals = self._totals(("proposed", "approved"))
        self.approved_totals = self._totals(("approved",))

    def _scope(self) -> TenantScope:
        principal = self._context.principal
        dealers = (principal.dealer_id,) if principal.dealer_id is not None else ()
        return TenantScope.of(dealers, principal.user_id)

    def _by_id(self, sql: str) -> DataLoader[int, Row | None]:
        async def load(keys: list[int]) -> list[Row | None]:
            async with tenant_transaction(self._scope(), fresh=True) as tx:
                rows = await tx.connection.fetch(sql, keys)
            found = {row["id"]: row for row in rows}
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=load)

    def _grouped(self, sql: str) -> DataLoader[int, list[Row]]:
        async def load(keys: list[int]) -> list[list[Row]]:
            async with tenant_transaction(self._scope(), fresh=True) as tx:
                rows = await tx.connection.fetch(sql, keys)
            found: defaultdict[Hashable, list[Row]] = defaultdict(list)
            for row in rows:
                found[row["key"]].append(row)
            return [found.get(key, []) for key in keys]

        return DataLoader(load_fn=load)

    def _totals(self, statuses: tuple[str, ...]) -> DataLoader[int, Totals]:
        async def load(keys: list[int]) -> list[Totals]:
            async with tenant_transaction(self._scope(), fresh=True) as tx:
                found = await order_totals(tx.connection, list(keys), statuses)
            return [found[key] for key in keys]

        loader: Callable[[list[int]], Awaitable[list[Totals]]] = load
        return DataLoader(load_fn=loader)


def order_loaders(info: Info) -> RepairOrderLoaders:
    """The request's repair-order loaders, made on first use."""
    cache: dict[str, Any] = info.context.cache
    loaders = cache.get("repair_order_loaders")
    if loaders is None:
        loaders = cache["repair_order_loaders"] = RepairOrderLoaders(info.context)
    assert isinstance(loaders, RepairOrderLoaders)
    return loaders

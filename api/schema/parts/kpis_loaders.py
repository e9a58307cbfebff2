"""Dataloaders of the parts KPIs: one per figure set and period, batching dealers.

A batch runs its figure set's one query for all the dealers asked for together, in a
short transaction scoped to exactly those dealers (RLS backs up the query's filter).
Resolvers only ask for dealers they have authorised (``kpi:read`` there)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import asyncpg
from strawberry.dataloader import DataLoader

from tenants.database import TenantScope, tenant_transaction
from tenants.parts import kpis

if TYPE_CHECKING:
    from api.schema.context import Info

Query = Callable[[asyncpg.Connection, Sequence[int], date, date], Awaitable[dict[int, Any]]]

FIGURE_QUERIES: dict[str, Query] = {
    "fill": kpis.fill_rates,
    "stock": kpis.stock_values,
    "dead": kpis.dead_stock,
    "aging": kpis.aging,
    "emergency": kpis.emergency_shares,
    "trend": kpis.trends,
}


def kpi_loader(info: Info, figure_set: str, start: date, end: date) -> DataLoader[int, Any]:
    """The request's loader of ``figure_set`` over ``[start, end]``."""
    key = f"parts_kpis:{figure_set}:{start}:{end}"
    loader: DataLoader[int, Any] | None = info.context.cache.get(key)
    if loader is None:
        query = FIGURE_QUERIES[figure_set]
        principal = info.context.principal

        async def load(dealer_ids: list[int]) -> list[Any]:
            scope = TenantScope.of(dealer_ids, principal.user_id)
            async with tenant_transaction(scope, fresh=True) as tx:
                found = await query(tx.connection, dealer_ids, start, end)
            return [found[d] for d in dealer_ids]

        loader = info.context.cache[key] = DataLoader(load_fn=load)
    return loader

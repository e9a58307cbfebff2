"""Dataloaders of stock counts: one query per batch, each batch in its own short tenant
transaction of the current dealer (RLS backs every query up)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
from strawberry.dataloader import DataLoader

from tenants.database import TenantScope, tenant_transaction

if TYPE_CHECKING:
    from api.schema.context import Context, Info

Row: TypeAlias = asyncpg.Record

COUNT_SQL = """
select c.*, a.line_count, a.counted_count, a.difference_count, a.unexplained_count,
       a.difference_value
  from stock_count c
  cross join lateral (
    select count(*)::int as line_count,
           count(l.counted_qty)::int as counted_count,
           count(*) filter (where l.counted_qty <> l.expected_qty)::int as difference_count,
           count(*) filter (where l.counted_qty <> l.expected_qty
                              and (l.cause = '' or l.responsibility is null))::int
             as unexplained_count,
           coalesce(sum(case when m.id is not null then m.quantity * m.unit_cost
                             when l.counted_qty is not null
                             then (l.counted_qty - l.expected_qty) * s.unit_cost end), 0)
             as difference_value
      from stock_count_line l
      join stock_item s on s.dealer_id = l.dealer_id and s.id = l.stock_item_id
      left join stock_movement m on m.dealer_id = l.dealer_id and m.id = l.adjustment_movement_id
     where l.dealer_id = c.dealer_id and l.stock_count_id = c.id) a
"""
"""A count with the figures of its lines; differences are valued at the item's cost
until approved, then at what the adjustments booked."""

LINE_SQL = """
select l.*, l.stock_count_id as key, s.bin_location, s.unit_cost as item_cost,
       case when l.counted_at is null then s.on_hand else l.expected_qty end as book_qty,
       p.id as part_id, p.part_number, p.name as part_name, p.name_zh as part_name_zh,
       p.unit as part_unit, p.pack_size as part_pack_size, p.list_price as part_list_price,
       p.part_group as part_group,
       m.quantity as adjustment_qty, m.unit_cost as adjustment_unit_cost
  from stock_count_line l
  join stock_item s on s.dealer_id = l.dealer_id and s.id = l.stock_item_id
  join part p on p.id = s.part_id
  left join stock_movement m on m.dealer_id = l.dealer_id and m.id = l.adjustment_movement_id
"""
LINE_ORDER = " order by l.stock_count_id, s.bin_location = '', s.bin_location, p.part_number"
"""Bin order (warehouse-shelf-level-position): the walk through the store; unbinned last."""


class BatchLoaders:
    """Batches by id or grouped by a key column, in the principal's current dealer."""

    def __init__(self, context: Context) -> None:
        self._context = context

    def _scope(self) -> TenantScope:
        principal = self._context.principal
        dealers = (principal.dealer_id,) if principal.dealer_id is not None else ()
        return TenantScope.of(dealers, principal.user_id)

    def by_id(self, sql: str) -> DataLoader[int, Row | None]:
        async def load(keys: list[int]) -> list[Row | None]:
            async with tenant_transaction(self._scope(), fresh=True) as tx:
                rows = await tx.connection.fetch(sql, keys)
            found = {row["id"]: row for row in rows}
            return [found.get(key) for key in keys]

        loader: Callable[[list[int]], Awaitable[list[Row | None]]] = load
        return DataLoader(load_fn=loader)

    def grouped(self, sql: str) -> DataLoader[int, list[Row]]:
        """``sql`` selects a ``key`` column for ``$1``'s keys, in the order wanted."""

        async def load(keys: list[int]) -> list[list[Row]]:
            async with tenant_transaction(self._scope(), fresh=True) as tx:
                rows = await tx.connection.fetch(sql, keys)
            found: defaultdict[Hashable, list[Row]] = defaultdict(list)
            for row in rows:
                found[row["key"]].append(row)
            return [found.get(key, []) for key in keys]

        loader: Callable[[list[int]], Awaitable[list[list[Row]]]] = load
        return DataLoader(load_fn=loader)


class CountLoaders(BatchLoaders):
    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.count = self.by_id(COUNT_SQL + " where c.id = any($1::bigint[])")
        self.line = self.by_id(LINE_SQL + " where l.id = any($1::bigint[])")
        self.lines_by_count = self.grouped(
            LINE_SQL + " where l.stock_count_id = any($1::bigint[])" + LINE_ORDER
        )


def cached_loaders(info: Info, name: str, make: Callable[[Context], Any]) -> Any:
    cache: dict[str, Any] = info.context.cache
    loaders = cache.get(name)
    if loaders is None:
        loaders = cache[name] = make(info.context)
    return loaders


def count_loaders(info: Info) -> CountLoaders:
    loaders = cached_loaders(info, "parts_count_loaders", CountLoaders)
    assert isinstance(loaders, CountLoaders)
    return loaders

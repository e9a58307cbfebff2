"""Dataloaders of purchasing and receiving: one query per batch (the lines of many
orders, the receipts of many orders, ...), each batch in its own short tenant
transaction, so a list of orders with their lines and totals costs a few queries."""

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

ORDER_LINE_SQL = """
select l.*, s.part_id, s.bin_location, s.on_hand, s.unit_cost as item_unit_cost,
       l.purchase_order_id as key
  from purchase_order_line l
  join stock_item s on s.dealer_id = l.dealer_id and s.id = l.stock_item_id
"""

RECEIPT_LINE_SQL = """
select rl.*, s.part_id, s.bin_location, l.quantity as ordered_qty,
       l.received_qty as order_received_qty, l.closed as order_line_closed,
       coalesce((select sum(c.quantity) from transport_damage_claim c
                  where c.dealer_id = rl.dealer_id and c.receipt_line_id = rl.id
                    and c.status <> 'rejected'), 0) as claimed_qty,
       rl.receipt_id as key
  from parts_receipt_line rl
  join purchase_order_line l on l.dealer_id = rl.dealer_id and l.id = rl.purchase_order_line_id
  join stock_item s on s.dealer_id = rl.dealer_id and s.id = rl.stock_item_id
"""


class PurchasingLoaders:
    def __init__(self, context: Context) -> None:
        self._context = context
        self.supplier = self._by_id("select * from supplier where id = any($1::bigint[])")
        self.order = self._by_id("select * from purchase_order where id = any($1::bigint[])")
        self.order_line = self._by_id(ORDER_LINE_SQL + " where l.id = any($1::bigint[])")
        self.lines_by_order = self._grouped(
            ORDER_LINE_SQL + " where l.purchase_order_id = any($1::bigint[]) order by l.id"
        )
        self.summary_by_order = self._grouped(
            "select purchase_order_id as key, count(*) as lines,"
            " sum(round(quantity * unit_price, 2)) as total,"
            " sum(case when closed then 0 else greatest(quantity - received_qty, 0) end)"
            "  as outstanding"
            " from purchase_order_line where purchase_order_id = any($1::bigint[])"
            " group by purchase_order_id"
        )
        self.events_by_order = self._grouped(
            "select *, purchase_order_id as key from purchase_order_event"
            " where purchase_order_id = any($1::bigint[]) order by id"
        )
        self.receipts_by_order = self._grouped(
            "select *, purchase_order_id as key from parts_receipt"
            " where purchase_order_id = any($1::bigint[]) order by id"
        )
        self.receipt = self._by_id("select * from parts_receipt where id = any($1::bigint[])")
        self.receipt_line = self._by_id(RECEIPT_LINE_SQL + " where rl.id = any($1::bigint[])")
        self.lines_by_receipt = self._grouped(
            RECEIPT_LINE_SQL + " where rl.receipt_id = any($1::bigint[]) order by rl.id"
        )
        self.claim = self._by_id(
            "select * from transport_damage_claim where id = any($1::bigint[])"
        )
        self.claims_by_receipt_line = self._grouped(
            "select *, receipt_line_id as key from transport_damage_claim"
            " where receipt_line_id = any($1::bigint[]) order by id"
        )

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


def purchasing_loaders(info: Info) -> PurchasingLoaders:
    """The request's purchasing loaders, made on first use."""
    cache: dict[str, Any] = info.context.cache
    loaders = cache.get("purchasing_loaders")
    if loaders is None:
        loaders = cache["purchasing_loaders"] = PurchasingLoaders(info.context)
    assert isinstance(loaders, PurchasingLoaders)
    return loaders

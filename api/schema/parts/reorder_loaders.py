"""Dataloaders of reorder runs, suggestions and transfers: one query per batch, each in
its own short transaction of the current dealer (queries filter by that dealer too;
RLS backs it up, and lets a transfer be seen from either of its two dealers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg
from strawberry.dataloader import DataLoader

from tenants.database import TenantScope, tenant_transaction

if TYPE_CHECKING:
    from api.schema.context import Context, Info

Row: TypeAlias = asyncpg.Record

# The explanation comes as text, decoded with exact decimals (the pool's JSON codec
# would turn 5.00 into the float 5.0).

SUGGESTION_SQL = """
select s.id, s.dealer_id, s.run_id, s.stock_item_id, s.demand_per_day, s.demand_sd_per_day,
       s.seasonal_factor, s.lead_time_days, s.lead_time_demand, s.safety_stock,
       s.reorder_point, s.order_up_to, s.on_hand, s.reserved, s.on_order, s.suggested_qty,
       s.edited_qty, s.emergency, s.status, s.decided_by, s.decided_at,
       s.explanation::text as explanation_json, i.part_id, l.purchase_order_id
  from reorder_suggestion s
  join stock_item i on i.dealer_id = s.dealer_id and i.id = s.stock_item_id
  left join purchase_order_line l on l.dealer_id = s.dealer_id and l.id = s.purchase_order_line_id
"""

TRANSFER_SQL = """
select t.*, p.part_number,
       rd.code as dealer_code, rd.name as dealer_name, rd.name_zh as dealer_name_zh,
       sd.code as source_code, sd.name as source_name, sd.name_zh as source_name_zh
  from parts_transfer t
  join part p on p.id = t.part_id
  join dealer rd on rd.id = t.dealer_id
  join dealer sd on sd.id = t.source_dealer_id
"""

RUN_SUMMARY_SQL = """
select run_id as id,
       count(*) filter (where status = 'open') as open,
       count(*) filter (where status = 'open' and emergency) as emergency,
       count(*) filter (where status = 'open'
                          and jsonb_array_length(explanation -> 'transfers') > 0) as transferable,
       count(*) filter (where status = 'accepted') as accepted,
       count(*) filter (where status = 'dismissed') as dismissed,
       count(*) filter (where status = 'transferred') as transferred
  from reorder_suggestion
 where dealer_id = $1 and run_id = any($2::bigint[])
 group by run_id
"""


class ReorderLoaders:
    def __init__(self, context: Context) -> None:
        self._context = context
        self.run = self._by_id(
            "select * from reorder_run where dealer_id = $1 and id = any($2::bigint[])"
        )
        self.run_summary = self._by_id(RUN_SUMMARY_SQL)
        self.suggestion = self._by_id(
            SUGGESTION_SQL + " where s.dealer_id = $1 and s.id = any($2::bigint[])"
        )
        self.transfer = self._by_id(
            TRANSFER_SQL + " where (t.dealer_id = $1 or t.source_dealer_id = $1)"
            " and t.id = any($2::bigint[])"
        )

    def _by_id(self, sql: str) -> DataLoader[int, Row | None]:
        async def load(keys: list[int]) -> list[Row | None]:
            context = self._context
            dealer = context.dealer_id
            scope = TenantScope.of((dealer,), context.principal.user_id)
            async with tenant_transaction(scope, fresh=True) as tx:
                rows = await tx.connection.fetch(sql, dealer, keys)
            return _by_key(rows, keys)

        return DataLoader(load_fn=load)


def _by_key(rows: Sequence[Row], keys: Sequence[int]) -> list[Row | None]:
    found = {row["id"]: row for row in rows}
    return [found.get(key) for key in keys]


def reorder_loaders(info: Info) -> ReorderLoaders:
    """The request's reorder loaders, made on first use."""
    cache: dict[str, Any] = info.context.cache
    loaders = cache.get("reorder_loaders")
    if loaders is None:
        loaders = cache["reorder_loaders"] = ReorderLoaders(info.context)
    assert isinstance(loaders, ReorderLoaders)
    return loaders

"""Dataloaders of the front desk that return several rows per key (a customer's vehicles,
an appointment's items...): one query per batch, in its own short tenant transaction."""

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


class FrontDeskLoaders:
    def __init__(self, context: Context) -> None:
        self._context = context
        self.vehicles_by_customer = self._grouped(
            "select *, customer_id as key from vehicle where customer_id = any($1::bigint[])"
            " order by id"
        )
        self.mileage_by_vehicle = self._grouped(
            "select *, vehicle_id as key from mileage_reading"
            " where vehicle_id = any($1::bigint[]) order by id desc"
        )
        self.appointments_by_vehicle = self._grouped(
            "select *, vehicle_id as key from appointment where vehicle_id = any($1::bigint[])"
            " order by starts_at desc"
        )
        self.items_by_appointment = self._grouped(
            "select *, appointment_id as key from appointment_item"
            " where appointment_id = any($1::bigint[]) order by id"
        )
        self.reservations_by_appointment = self._grouped(
            "select r.*, s.part_id, s.bin_location, r.appointment_id as key"
            " from stock_reservation r join stock_item s"
            " on s.dealer_id = r.dealer_id and s.id = r.stock_item_id"
            " where r.appointment_id = any($1::bigint[]) order by r.id"
        )
        self.parts_by_operation = self._grouped(
            "select op.part_id, op.quantity, op.operation_id as key from operation_part op"
            " where op.operation_id = any($1::bigint[]) order by op.part_id"
        )
        self.bay = self._grouped("select *, id as key from bay where id = any($1::bigint[])")
        self.stock_by_part = self._grouped(
            "select s.id as stock_item_id, s.part_id, s.bin_location, s.min_qty, s.max_qty,"
            " l.on_hand, l.reserved, s.part_id as key"
            " from stock_item s join stock_level l"
            " on l.dealer_id = s.dealer_id and l.stock_item_id = s.id"
            " where s.part_id = any($1::bigint[])"
        )

    def _scope(self) -> TenantScope:
        principal = self._context.principal
        dealers = (principal.dealer_id,) if principal.dealer_id is not None else ()
        return TenantScope.of(dealers, principal.user_id)

    def _grouped(self, sql: str) -> DataLoader[int, list[Row]]:
        async def load(keys: list[int]) -> list[list[Row]]:
            async with tenant_transaction(self._scope(), fresh=True) as tx:
                rows = await tx.connection.fetch(sql, keys)
            found: defaultdict[Hashable, list[Row]] = defaultdict(list)
            for row in rows:
                found[row["key"]].append(row)
            return [found.get(key, []) for key in keys]

        return DataLoader(load_fn=load)


def front_desk_loaders(info: Info) -> FrontDeskLoaders:
    """The request's loaders, made on first use."""
    cache: dict[str, Any] = info.context.cache
    loaders = cache.get("front_desk_loaders")
    if loaders is None:
        loaders = cache["front_desk_loaders"] = FrontDeskLoaders(info.context)
    assert isinstance(loaders, FrontDeskLoaders)
    return loaders

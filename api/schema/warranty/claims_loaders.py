"""Dataloaders of warranty claims, eligibility and warnings: one query per batch, each
batch in its own short transaction of the current dealer (RLS backs the filters)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import asyncpg
from strawberry.dataloader import DataLoader

from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tenants.warranty.eligibility import Eligibility, line_eligibility
from tenants.warranty.warnings import WarrantyWarning, vehicle_warnings

if TYPE_CHECKING:
    from api.schema.context import Context, Info

Row: TypeAlias = asyncpg.Record
V = TypeVar("V")


class ClaimLoaders:
    def __init__(self, context: Context) -> None:
        self._context = context
        self.claim = self._by_id("select * from warranty_claim where id = any($1::bigint[])")
        self.campaign = self._by_id("select * from campaign where id = any($1::bigint[])")
        self.lines_by_claim = self._grouped(
            "select *, claim_id as key from warranty_claim_line"
            " where claim_id = any($1::bigint[]) order by id"
        )
        self.files_by_claim = self._grouped(
            "select id, claim_id, file_name, content_type, size_bytes, sha256, uploaded_by,"
            " uploaded_at, claim_id as key from warranty_claim_file"
            " where claim_id = any($1::bigint[]) order by id"
        )
        self.events_by_claim = self._grouped(
            "select *, claim_id as key from warranty_claim_event"
            " where claim_id = any($1::bigint[]) order by id"
        )
        self.decisions_by_claim = self._grouped(
            "select id, decision, approved_amount, reason, source, decided_at, claim_id as key"
            " from warranty_decision where claim_id = any($1::bigint[]) order by id"
        )
        self.live_claim_by_order_line = self._grouped(
            "select c.*, cl.repair_order_line_id as key from warranty_claim_line cl"
            " join warranty_claim c on c.dealer_id = cl.dealer_id and c.id = cl.claim_id"
            " where cl.repair_order_line_id = any($1::bigint[]) and c.status <> 'cancelled'"
        )
        self.claims_by_order = self._grouped(
            "select *, repair_order_id as key from warranty_claim"
            " where repair_order_id = any($1::bigint[]) order by id"
        )
        self.assessment_by_line = self._grouped(
            "select *, repair_order_line_id as key from warranty_line_assessment"
            " where repair_order_line_id = any($1::bigint[])"
        )
        self.open_campaigns_by_vehicle = self._grouped(
            """
            select c.*, v.id as key
              from vehicle v
              join dealer d on d.id = v.dealer_id
              join region r on r.id = d.region_id
              join campaign_vehicle cv on cv.vin = v.vin and cv.completed_at is null
              join campaign c on c.id = cv.campaign_id and c.manufacturer_id = r.manufacturer_id
             where v.id = any($1::bigint[]) and c.status = 'open'
               and c.starts_on <= (now() at time zone d.time_zone)::date
               and (c.ends_on is null or c.ends_on >= (now() at time zone d.time_zone)::date)
             order by c.starts_on, c.id
            """
        )
        self.eligibility = self._computed(line_eligibility)
        self.warnings = self._computed(vehicle_warnings)

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

    def _computed(
        self, compute: Callable[[asyncpg.Connection, int, list[int]], Awaitable[dict[int, V]]]
    ) -> DataLoader[int, V | None]:
        """A loader over a service that answers many keys of the current dealer at once."""

        async def load(keys: list[int]) -> list[V | None]:
            dealer = self._context.principal.dealer_id
            if dealer is None:
                return [None for _ in keys]
            tx: ActiveTransaction
            async with tenant_transaction(self._scope(), fresh=True) as tx:
                found = await compute(tx.connection, dealer, list(keys))
            return [found.get(key) for key in keys]

        return DataLoader(load_fn=load)


def claim_loaders(info: Info) -> ClaimLoaders:
    """The request's claim loaders, made on first use."""
    cache: dict[str, Any] = info.context.cache
    loaders = cache.get("warranty_claim_loaders")
    if loaders is None:
        loaders = cache["warranty_claim_loaders"] = ClaimLoaders(info.context)
    assert isinstance(loaders, ClaimLoaders)
    return loaders


__all__ = ["ClaimLoaders", "Eligibility", "WarrantyWarning", "claim_loaders"]

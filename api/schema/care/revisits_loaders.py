"""Dataloaders of the revisit screens: revisits by id, attempts and survey answers per
revisit, the work done per repair order, complaint numbers by id; one query per batch in
its own short transaction at the current dealer, where the viewer may read revisits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeAlias

import asyncpg
from strawberry.dataloader import DataLoader

from tenants.care import revisit_queue
from tenants.database import TenantScope, tenant_transaction

if TYPE_CHECKING:
    from api.schema.context import Info

Row: TypeAlias = asyncpg.Record
Fetch: TypeAlias = Callable[[asyncpg.Connection, int, list[int]], Awaitable[list[Row]]]


class RevisitLoaders:
    def __init__(self, info: Info) -> None:
        self._info = info
        self.revisit = self._by_id(
            lambda c, d, k: revisit_queue.revisits_by_id(c, d, k, now=datetime.now(UTC)), "id"
        )
        self.complaint = self._by_id(revisit_queue.complaint_numbers, "id")
        self.attempts = self._grouped(revisit_queue.attempts_of, "revisit_id")
        self.survey = self._grouped(revisit_queue.survey_of, "revisit_id")
        self.work_done = self._grouped(revisit_queue.work_done_of, "repair_order_id")

    async def _run(self, fetch: Fetch, keys: list[int]) -> list[Row]:
        context = self._info.context
        dealer = context.principal.dealer_id
        if dealer is None or not context.allowed("revisit", "read", dealer):
            return []
        scope = TenantScope.of((dealer,), context.principal.user_id)
        async with tenant_transaction(scope, fresh=True) as tx:
            return await fetch(tx.connection, dealer, keys)

    def _by_id(self, fetch: Fetch, key: str) -> DataLoader[int, Row | None]:
        async def load(keys: list[int]) -> list[Row | None]:
            found = {r[key]: r for r in await self._run(fetch, keys)}
            return [found.get(k) for k in keys]

        return DataLoader(load_fn=load)

    def _grouped(self, fetch: Fetch, key: str) -> DataLoader[int, list[Row]]:
        async def load(keys: list[int]) -> list[list[Row]]:
            groups: dict[int, list[Row]] = defaultdict(list)
            for row in await self._run(fetch, keys):
                groups[row[key]].append(row)
            return [groups.get(k, []) for k in keys]

        return DataLoader(load_fn=load)


def revisit_loaders(info: Info) -> RevisitLoaders:
    cache = info.context.cache
    loaders = cache.get("revisit_loaders")
    if loaders is None:
        loaders = cache["revisit_loaders"] = RevisitLoaders(info)
    assert isinstance(loaders, RevisitLoaders)
    return loaders

"""Per-request dataloaders: one query per batch, each in its own short transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import asyncpg
from strawberry.dataloader import DataLoader

from tenants.database import TenantScope, tenant_transaction

if TYPE_CHECKING:
    from .context import Context

Row: TypeAlias = asyncpg.Record
T = TypeVar("T")


def _by_id(rows: Sequence[Row], keys: Sequence[int]) -> list[Row | None]:
    found = {row["id"]: row for row in rows}
    return [found.get(key) for key in keys]


class Loaders:
    """Reference rows are limited to what the principal may see; tenant rows to RLS."""

    def __init__(self, context: Context) -> None:
        self._context = context
        self.dealer = self._loader(
            "select * from dealer where id = any($1::bigint[]) and id = any($2::bigint[])",
            visible_dealers=True,
        )
        self.region = self._loader(
            "select r.* from region r where r.id = any($1::bigint[]) and exists ("
            " select 1 from dealer d where d.region_id = r.id and d.id = any($2::bigint[]))",
            visible_dealers=True,
        )
        self.manufacturer = self._loader(
            "select m.* from manufacturer m where m.id = any($1::bigint[]) and exists ("
            " select 1 from region r join dealer d on d.region_id = r.id"
            " where r.manufacturer_id = m.id and d.id = any($2::bigint[]))",
            visible_dealers=True,
        )
        # Staff are visible through a membership at the current dealer (RLS), or as oneself.
        self.user = self._loader(
            "select u.id, u.username, u.display_name, u.locale, u.active from staff_user u"
            " where u.id = any($1::bigint[]) and (u.id = $2 or exists ("
            "  select 1 from membership m where m.user_id = u.id))",
            current_user=True,
        )
        self.membership = self._loader("select * from membership where id = any($1::bigint[])")
        self.audit_entry = self._loader("select * from audit_entry where id = any($1::bigint[])")
        self.policy_override = self._loader(
            "select * from policy_override where id = any($1::bigint[])"
        )
        # The service process (front desk): tenant rows by RLS, catalogs by manufacturer.
        self.customer = self._loader("select * from customer where id = any($1::bigint[])")
        self.vehicle = self._loader("select * from vehicle where id = any($1::bigint[])")
        self.appointment = self._loader("select * from appointment where id = any($1::bigint[])")
        self.labour_operation = self._loader(
            "select o.* from labour_operation o where o.id = any($1::bigint[])"
            " and o.manufacturer_id in (select r.manufacturer_id from dealer d"
            " join region r on r.id = d.region_id where d.id = any($2::bigint[]))",
            visible_dealers=True,
        )
        self.part = self._loader(
            "select p.* from part p where p.id = any($1::bigint[])"
            " and p.manufacturer_id in (select r.manufacturer_id from dealer d"
            " join region r on r.id = d.region_id where d.id = any($2::bigint[]))",
            visible_dealers=True,
        )
        self.api_key = self._loader(
            "select id, dealer_id, name, prefix, role, created_by, created_at, revoked_at,"
            " last_used_at, persisted_only from api_key where id = any($1::bigint[])"
        )

    def _scope(self) -> TenantScope:
        principal = self._context.principal
        dealers = (principal.dealer_id,) if principal.dealer_id is not None else ()
        return TenantScope.of(dealers, principal.user_id)

    def _loader(
        self, sql: str, *, visible_dealers: bool = False, current_user: bool = False
    ) -> DataLoader[int, Row | None]:
        async def load(keys: list[int]) -> list[Row | None]:
            args: list[Any] = [keys]
            if visible_dealers:
                args.append(sorted(self._context.principal.allowed_dealer_ids))
            if current_user:
                args.append(self._context.principal.user_id or 0)
            async with tenant_transaction(self._scope(), fresh=True) as tx:
                rows = await tx.connection.fetch(sql, *args)
            return _by_id(rows, keys)

        loader_fn: Callable[[list[int]], Awaitable[list[Row | None]]] = load
        return DataLoader(load_fn=loader_fn)


async def load_one(
    loader: DataLoader[int, Row | None], make: Callable[[Row], T], key: int | None
) -> T | None:
    """The node for an optional reference, through its loader; None when absent or hidden."""
    if key is None:
        return None
    row = await loader.load(key)
    return make(row) if row is not None else None

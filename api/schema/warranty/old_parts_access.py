"""Where old-parts and settlement calls act: dealer staff at their current dealer, the
manufacturer's warranty technician at the dealer of the shipment or part it works on
(it reaches every dealer of its manufacturer). Reads are limited to the dealers where
the principal holds the permission; writes to the object's dealer after the check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from api.schema.context import Info
from tenants.database import ActiveTransaction, tenant_transaction
from tenants.errors import RecordNotFound

_OWNED_TABLES = frozenset({"old_part", "old_part_shipment", "warranty_payment"})


def dealers_with(info: Info, obj: str, action: str) -> tuple[int, ...]:
    """Every dealer the principal may ``obj:action`` in (cached per request)."""
    key = f"dealers_with:{obj}:{action}"
    cached: tuple[int, ...] | None = info.context.cache.get(key)
    if cached is None:
        principal = info.context.principal
        cached = tuple(
            d for d in sorted(principal.allowed_dealer_ids) if info.context.allowed(obj, action, d)
        )
        info.context.cache[key] = cached
    return cached


async def dealer_of(info: Info, table: str, object_id: int, dealers: tuple[int, ...]) -> int:
    """The dealer an object belongs to, among ``dealers``; NOT_FOUND elsewhere."""
    assert table in _OWNED_TABLES
    if dealers:
        async with info.context.read(dealers) as tx:
            found: int | None = await tx.connection.fetchval(
                f"select dealer_id from {table} where id = $1 and dealer_id = any($2::bigint[])",
                object_id,
                list(dealers),
            )
        if found is not None:
            return found
    raise RecordNotFound(table.replace("_", " ").capitalize())


@asynccontextmanager
async def write_at(
    info: Info, dealer_id: int, obj: str, action: str
) -> AsyncIterator[ActiveTransaction]:
    """The one transaction of a mutation at ``dealer_id``, after the permission check."""
    info.context.require(obj, action, dealer_id)
    async with tenant_transaction(info.context.scope((dealer_id,))) as tx:
        yield tx


async def object_dealer(info: Info, table: str, object_id: int, obj: str, action: str) -> int:
    """The object's dealer among those where ``obj:action`` is allowed; FORBIDDEN when
    it is one the principal may not act in, NOT_FOUND when it is nowhere visible."""
    allowed = dealers_with(info, obj, action)
    try:
        return await dealer_of(info, table, object_id, allowed)
    except RecordNotFound:
        readable = tuple(sorted(info.context.principal.allowed_dealer_ids))
        dealer = await dealer_of(info, table, object_id, readable)
        info.context.require(obj, action, dealer)
        raise

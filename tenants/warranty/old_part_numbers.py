"""Numbers printed on old-part labels and packing lists, per dealer and local day:
``SH01-OP-20261125-004`` (a tag), ``SH01-OPS-20261125-001`` (a shipment).

Taken under a transaction-scoped advisory lock per dealer and kind, so two desks
tagging at once queue for it; a rolled-back tag frees its number (no gaps)."""

from __future__ import annotations

from typing import Literal

import asyncpg

_LOCK_CLASS = 0x4F50_4E4F  # "OPNO": the advisory-lock namespace of old-part numbers

NumberKind = Literal["OP", "OPS"]
_SOURCE: dict[str, tuple[int, str, str]] = {
    "OP": (1, "old_part", "tag"),
    "OPS": (2, "old_part_shipment", "number"),
}


async def next_number(connection: asyncpg.Connection, dealer_id: int, kind: NumberKind) -> str:
    """Call inside the transaction that inserts the tag or shipment."""
    lock_kind, table, column = _SOURCE[kind]
    await connection.execute(
        "select pg_advisory_xact_lock($1, $2)", _LOCK_CLASS + lock_kind, dealer_id
    )
    prefix: str | None = await connection.fetchval(
        "select d.code || '-' || $2::text || '-'"
        " || to_char((now() at time zone d.time_zone)::date, 'YYYYMMDD') || '-'"
        " from dealer d where d.id = $1",
        dealer_id,
        kind,
    )
    assert prefix is not None, "dealer not visible in this transaction"
    last: int | None = await connection.fetchval(
        f"select max(substr({column}, $3)::int) from {table}"
        f" where dealer_id = $1 and left({column}, length($2)) = $2",
        dealer_id,
        prefix,
        len(prefix) + 1,
    )
    return f"{prefix}{(last or 0) + 1:03d}"

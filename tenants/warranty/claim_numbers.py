"""Claim numbers per dealer and day, e.g. ``SH01-WC-20261125-003``, without gaps.

Taken under a transaction-scoped advisory lock per dealer, held until commit: two
claims specialists building claims at once queue for the number, and a rolled-back
claim frees its number for the next one."""

from __future__ import annotations

import asyncpg

_LOCK_CLASS = 0x5743_4E4F  # "WCNO": the advisory-lock namespace of claim numbers


async def next_claim_number(connection: asyncpg.Connection, dealer_id: int) -> str:
    """Call inside the transaction that inserts the claim."""
    await connection.execute("select pg_advisory_xact_lock($1, $2)", _LOCK_CLASS, dealer_id)
    prefix: str | None = await connection.fetchval(
        "select d.code || '-WC-' || to_char((now() at time zone d.time_zone)::date, 'YYYYMMDD')"
        " || '-' from dealer d where d.id = $1",
        dealer_id,
    )
    assert prefix is not None, "dealer not visible in this transaction"
    last: int | None = await connection.fetchval(
        "select max(substr(number, $3)::int) from warranty_claim"
        " where dealer_id = $1 and left(number, length($2)) = $2",
        dealer_id,
        prefix,
        len(prefix) + 1,
    )
    return f"{prefix}{(last or 0) + 1:03d}"

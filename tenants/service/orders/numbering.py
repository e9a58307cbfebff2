"""Order numbers per dealer per day, e.g. ``SH01-20261125-007``, without gaps.

The next number is taken under a transaction-scoped advisory lock per dealer, so two
desks opening orders at once queue for it; the lock is held until commit, and a
rolled-back order frees its number for the next one (no gap, no duplicate).
"""

from __future__ import annotations

import asyncpg

_LOCK_CLASS = 0x5244_4E4F  # "RDNO": the advisory-lock namespace of order numbers


async def next_order_number(connection: asyncpg.Connection, dealer_id: int) -> str:
    """The dealer's next number for today in its own time zone; call inside the
    transaction that inserts the order."""
    await connection.execute("select pg_advisory_xact_lock($1, $2)", _LOCK_CLASS, dealer_id)
    row = await connection.fetchrow(
        """
        select d.code || '-' || to_char((now() at time zone d.time_zone)::date, 'YYYYMMDD') || '-'
                 as prefix
          from dealer d where d.id = $1
        """,
        dealer_id,
    )
    assert row is not None
    prefix: str = row["prefix"]
    last: int | None = await connection.fetchval(
        "select max(substr(number, $3)::int) from repair_order"
        " where dealer_id = $1 and left(number, length($2)) = $2",
        dealer_id,
        prefix,
        len(prefix) + 1,
    )
    return f"{prefix}{(last or 0) + 1:03d}"

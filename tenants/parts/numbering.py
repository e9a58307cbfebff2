"""Parts document numbers per dealer, kind and day, e.g. ``SH01-PO-20261125-004``.

A counter row per (dealer, kind, day) is bumped by an upsert: its row lock makes
concurrent documents queue, and a rolled-back document frees its number (no gaps)."""

from __future__ import annotations

from typing import Literal

import asyncpg

DocumentKind = Literal["PO", "GR", "PR", "SC", "WO", "TR"]
"""Purchase order, goods receipt, parts request, stock count, write-off, transfer."""


async def next_document_number(
    connection: asyncpg.Connection, dealer_id: int, kind: DocumentKind
) -> str:
    """Call inside the transaction that inserts the document."""
    row = await connection.fetchrow(
        """
        with today as (
          select d.code, (now() at time zone d.time_zone)::date as day from dealer d where d.id = $1
        ), bumped as (
          insert into parts_document_counter (dealer_id, kind, day, last)
          select $1, $2, day, 1 from today
          on conflict (dealer_id, kind, day) do update set last = parts_document_counter.last + 1
          returning last
        )
        select today.code, today.day, bumped.last from today, bumped
        """,
        dealer_id,
        kind,
    )
    assert row is not None, "dealer not visible in this transaction"
    return f"{row['code']}-{kind}-{row['day']:%Y%m%d}-{row['last']:03d}"

"""The manufacturer's parts catalog as a dealer sees it: search by part number or name
(English or Chinese) with whether the dealer stocks the part, and supersessions (an old
number replaced by a new one, possibly several times over)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

MANUFACTURER_OF_DEALER = (
    "(select r.manufacturer_id from dealer d join region r on r.id = d.region_id where d.id = $1)"
)

SEARCH_SQL = f"""
select p.*, s.id as stock_item_id
  from part p
  left join stock_item s on s.dealer_id = $1 and s.part_id = p.id and s.active
 where p.manufacturer_id = {MANUFACTURER_OF_DEALER}
   and ($2 = '' or p.part_number ilike '%' || $2 || '%' or p.name ilike '%' || $2 || '%'
        or p.name_zh like '%' || $2 || '%')
   and ($3::boolean is null or (s.id is not null) = $3)
   and ($4::text is null or (p.part_number, p.id) > ($4, $5))
 order by p.part_number, p.id
 limit $6
"""


async def search_catalog(
    connection: asyncpg.Connection,
    dealer_id: int,
    search: str,
    *,
    stocked: bool | None,
    after: tuple[str, int] | None,
    limit: int,
) -> list[asyncpg.Record]:
    """Parts of the dealer's manufacturer in part-number order after the keyset ``after``,
    each with the dealer's stock item id (null when not stocked here)."""
    rows = await connection.fetch(
        SEARCH_SQL,
        dealer_id,
        search.strip(),
        stocked,
        after[0] if after else None,
        after[1] if after else 0,
        limit,
    )
    return list(rows)


SUCCESSOR_SQL = """
with recursive chain as (
  select p.id as start_id, p.superseded_by as next_id, 1 as depth
    from part p where p.id = any($1::bigint[]) and p.superseded_by is not null
  union all
  select c.start_id, p.superseded_by, c.depth + 1
    from chain c join part p on p.id = c.next_id
   where p.superseded_by is not null and c.depth < 50
)
select distinct on (start_id) start_id, next_id as successor_id
  from chain order by start_id, depth desc
"""


async def current_successors(
    connection: asyncpg.Connection, part_ids: Sequence[int]
) -> dict[int, int]:
    """The number each superseded part is finally replaced by, following the chain
    (A -> B -> C gives C for A and B); parts not superseded are absent. The depth
    bound guards against a cycle in bad reference data."""
    rows = await connection.fetch(SUCCESSOR_SQL, list(part_ids))
    return {r["start_id"]: r["successor_id"] for r in rows}

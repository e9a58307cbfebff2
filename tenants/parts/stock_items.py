"""Each dealer's stock items: which parts it stocks, where they lie (库号-架号-层号-位号,
one part per bin), the zone by vehicle model, the cost, and the quotas the parts
manager sets (储备上下限, reorder multiple, lead time). Reads come with the balances
derived from the ledger: on hand, reserved, available and on order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts.catalog import MANUFACTURER_OF_DEALER
from tenants.parts.errors import RecordNotFound, RuleViolation

BIN_PATTERN = re.compile(r"^[A-Z0-9]+-[A-Z0-9]+-[A-Z0-9]+-[A-Z0-9]+$")
"""Warehouse-shelf-level-position, e.g. ``A-01-3-04``; the table's check says the same."""

SETTING_COLUMNS = ("bin_location", "zone", "unit_cost")
QUOTA_COLUMNS = ("min_qty", "max_qty", "reorder_multiple", "lead_time_days")

ITEM_SQL = """
select s.*, p.part_number, p.name as part_name, p.name_zh as part_name_zh,
       p.unit as part_unit, p.pack_size as part_pack_size, p.list_price as part_list_price,
       p.part_group, p.superseded_by as part_superseded_by,
       coalesce((select sum(r.quantity) from stock_reservation r
                  where r.dealer_id = s.dealer_id and r.stock_item_id = s.id
                    and r.status = 'active'), 0) as reserved,
       coalesce(o.on_order, 0) as on_order
  from stock_item s
  join part p on p.id = s.part_id
  left join stock_on_order o on o.dealer_id = s.dealer_id and o.stock_item_id = s.id
"""
"""A stock item with its derived balances and its part's columns (``part_*``): a list builds
each item's ``Part`` from its own row instead of a second query per page."""


def normalise_bin(value: str) -> str:
    """Upper-case and trimmed; refuses anything but 库号-架号-层号-位号."""
    bin_location = value.strip().upper()
    if bin_location and not BIN_PATTERN.match(bin_location):
        raise RuleViolation(
            "binLocation",
            "bin_format",
            f"{value!r} is not a bin location: warehouse-shelf-level-position"
            " (库号-架号-层号-位号) in letters and digits, e.g. A-01-3-04",
        )
    return bin_location


@dataclass(frozen=True)
class Settings:
    """Where the part lies and what it costs; None leaves a value as it is."""

    bin_location: str | None = None
    zone: str | None = None
    unit_cost: Decimal | None = None


@dataclass(frozen=True)
class Quota:
    min_qty: Decimal
    max_qty: Decimal
    reorder_multiple: Decimal
    lead_time_days: int


def _check_settings(settings: Settings) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if settings.bin_location is not None:
        values["bin_location"] = normalise_bin(settings.bin_location)
    if settings.zone is not None:
        zone = settings.zone.strip()
        if len(zone) > 40:
            raise RuleViolation("zone", "zone_length", "A zone name has at most 40 characters")
        values["zone"] = zone
    if settings.unit_cost is not None:
        if settings.unit_cost < 0:
            raise RuleViolation("unitCost", "cost_not_negative", "A cost cannot be negative")
        values["unit_cost"] = settings.unit_cost.quantize(Decimal("0.01"))
    return values


def _check_quota(quota: Quota) -> None:
    if quota.min_qty < 0:
        raise RuleViolation("minQty", "min_not_negative", "The minimum cannot be negative")
    if quota.max_qty < quota.min_qty:
        raise RuleViolation(
            "maxQty",
            "max_at_least_min",
            f"The maximum ({quota.max_qty}) must be at least the minimum ({quota.min_qty})",
        )
    if quota.reorder_multiple <= 0:
        raise RuleViolation(
            "reorderMultiple", "multiple_positive", "The reorder multiple must be positive"
        )
    if quota.lead_time_days < 0 or quota.lead_time_days > 365:
        raise RuleViolation(
            "leadTimeDays", "lead_time_range", "The lead time is between 0 and 365 days"
        )


async def _ensure_bin_free(
    connection: asyncpg.Connection, dealer_id: int, bin_location: str, stock_item_id: int | None
) -> None:
    """A clear refusal naming the part in the bin (the unique index is the backstop)."""
    if not bin_location:
        return
    holder = await connection.fetchrow(
        "select s.id, p.part_number from stock_item s join part p on p.id = s.part_id"
        " where s.dealer_id = $1 and s.bin_location = $2 and s.id is distinct from $3",
        dealer_id,
        bin_location,
        stock_item_id,
    )
    if holder is not None:
        raise RuleViolation(
            "binLocation",
            "bin_taken",
            f"Bin {bin_location} already holds {holder['part_number']}; a bin holds one part",
            heldBy=holder["part_number"],
        )


async def fetch_item(connection: asyncpg.Connection, dealer_id: int, stock_item_id: int) -> Any:
    row = await connection.fetchrow(
        ITEM_SQL + " where s.dealer_id = $1 and s.id = $2", dealer_id, stock_item_id
    )
    if row is None:
        raise RecordNotFound("Stock item")
    return row


async def start_stocking(
    tx: ActiveTransaction,
    dealer_id: int,
    part_id: int,
    settings: Settings,
    *,
    request_id: str = "",
) -> Any:
    """Stock a catalog part here (or again, after it was given up). A superseded number
    is refused in favour of its successor: new stock is bought under the new number."""
    connection = tx.connection
    values = _check_settings(settings)
    part = await connection.fetchrow(
        f"select p.*, n.part_number as successor_number from part p"
        f" left join part n on n.id = p.superseded_by"
        f" where p.id = $2 and p.manufacturer_id = {MANUFACTURER_OF_DEALER}",
        dealer_id,
        part_id,
    )
    if part is None:
        raise RecordNotFound("Part")
    if part["superseded_by"] is not None:
        raise RuleViolation(
            "partId",
            "part_superseded",
            f"{part['part_number']} is superseded by {part['successor_number']}; stock that",
            successor=part["successor_number"],
        )
    existing = await connection.fetchrow(
        "select id, active from stock_item where dealer_id = $1 and part_id = $2 for update",
        dealer_id,
        part_id,
    )
    if existing is not None and existing["active"]:
        raise RuleViolation(
            "partId", "already_stocked", f"{part['part_number']} is already stocked here"
        )
    await _ensure_bin_free(
        connection, dealer_id, values.get("bin_location", ""), existing and existing["id"]
    )
    if existing is None:
        item_id: int = await connection.fetchval(
            "insert into stock_item (dealer_id, part_id, bin_location, zone, unit_cost)"
            " values ($1, $2, $3, $4, $5) returning id",
            dealer_id,
            part_id,
            values.get("bin_location", ""),
            values.get("zone", ""),
            values.get("unit_cost", Decimal(0)),
        )
    else:
        item_id = existing["id"]
        await connection.execute(
            "update stock_item set active = true, bin_location = coalesce($2, bin_location),"
            " zone = coalesce($3, zone), unit_cost = coalesce($4, unit_cost) where id = $1",
            item_id,
            values.get("bin_location"),
            values.get("zone"),
            values.get("unit_cost"),
        )
    await record(
        dealer_id=dealer_id,
        action="stock_item.start",
        object_type="stock_item",
        object_id=item_id,
        after={"part_number": part["part_number"], "reactivated": existing is not None, **values},
        request_id=request_id,
    )
    return await fetch_item(connection, dealer_id, item_id)


async def _lock(connection: asyncpg.Connection, dealer_id: int, stock_item_id: int) -> Any:
    row = await connection.fetchrow(
        "select * from stock_item where dealer_id = $1 and id = $2 for update",
        dealer_id,
        stock_item_id,
    )
    if row is None:
        raise RecordNotFound("Stock item")
    return row


async def update_settings(
    tx: ActiveTransaction,
    dealer_id: int,
    stock_item_id: int,
    settings: Settings,
    *,
    request_id: str = "",
) -> Any:
    """Bin, zone and cost (the keeper's and the parts manager's catalog work)."""
    connection = tx.connection
    values = _check_settings(settings)
    before = await _lock(connection, dealer_id, stock_item_id)
    if "bin_location" in values:
        await _ensure_bin_free(connection, dealer_id, values["bin_location"], stock_item_id)
    changed = {k: v for k, v in values.items() if before[k] != v}
    if changed:
        await connection.execute(
            "update stock_item set bin_location = coalesce($3, bin_location),"
            " zone = coalesce($4, zone), unit_cost = coalesce($5, unit_cost)"
            " where dealer_id = $1 and id = $2",
            dealer_id,
            stock_item_id,
            changed.get("bin_location"),
            changed.get("zone"),
            changed.get("unit_cost"),
        )
        await record(
            dealer_id=dealer_id,
            action="stock_item.settings",
            object_type="stock_item",
            object_id=stock_item_id,
            before={k: before[k] for k in changed},
            after=changed,
            request_id=request_id,
        )
    return await fetch_item(connection, dealer_id, stock_item_id)


async def set_quota(
    tx: ActiveTransaction,
    dealer_id: int,
    stock_item_id: int,
    quota: Quota,
    *,
    request_id: str = "",
) -> Any:
    """储备上下限 and the ordering parameters the reorder suggestions work from."""
    _check_quota(quota)
    connection = tx.connection
    before = await _lock(connection, dealer_id, stock_item_id)
    after = {
        "min_qty": quota.min_qty,
        "max_qty": quota.max_qty,
        "reorder_multiple": quota.reorder_multiple,
        "lead_time_days": quota.lead_time_days,
    }
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        await connection.execute(
            "update stock_item set min_qty = $3, max_qty = $4, reorder_multiple = $5,"
            " lead_time_days = $6 where dealer_id = $1 and id = $2",
            dealer_id,
            stock_item_id,
            quota.min_qty,
            quota.max_qty,
            quota.reorder_multiple,
            quota.lead_time_days,
        )
        await record(
            dealer_id=dealer_id,
            action="stock_item.quota",
            object_type="stock_item",
            object_id=stock_item_id,
            before={k: before[k] for k in changed},
            after=changed,
            request_id=request_id,
        )
    return await fetch_item(connection, dealer_id, stock_item_id)


LIST_SQL = (
    ITEM_SQL
    + """
 where s.dealer_id = $1 and s.active
   and ($2 = '' or p.part_number ilike '%' || $2 || '%' or p.name ilike '%' || $2 || '%'
        or p.name_zh like '%' || $2 || '%' or s.bin_location ilike $2 || '%')
   and ($3::text is null or s.zone = $3)
   and (not $4 or s.on_hand < s.min_qty)
   and ($5::text is null or (s.bin_location, s.id) > ($5, $6))
 order by s.bin_location, s.id
 limit $7
"""
)


async def list_items(
    connection: asyncpg.Connection,
    dealer_id: int,
    *,
    search: str,
    zone: str | None,
    below_min: bool,
    after: tuple[str, int] | None,
    limit: int,
) -> list[Any]:
    """Stocked items in bin order (the walk through the store), after the keyset ``after``.
    Search matches part number, names or the start of a bin location."""
    rows = await connection.fetch(
        LIST_SQL,
        dealer_id,
        search.strip(),
        zone,
        below_min,
        after[0] if after else None,
        after[1] if after else 0,
        limit,
    )
    return list(rows)


async def zones(connection: asyncpg.Connection, dealer_id: int) -> list[str]:
    rows = await connection.fetch(
        "select distinct zone from stock_item where dealer_id = $1 and active and zone <> ''"
        " order by zone",
        dealer_id,
    )
    return [r["zone"] for r in rows]


DOCUMENT_NUMBER_SQL = """
case m.document_type
  when 'parts_request' then (select number from parts_request d
                              where d.dealer_id = m.dealer_id and d.id = m.document_id)
  when 'parts_receipt' then (select number from parts_receipt d
                              where d.dealer_id = m.dealer_id and d.id = m.document_id)
  when 'purchase_order' then (select number from purchase_order d
                               where d.dealer_id = m.dealer_id and d.id = m.document_id)
  when 'stock_count' then (select number from stock_count d
                            where d.dealer_id = m.dealer_id and d.id = m.document_id)
  when 'write_off' then (select number from write_off d
                          where d.dealer_id = m.dealer_id and d.id = m.document_id)
  when 'parts_transfer' then (select number from parts_transfer d where d.id = m.document_id)
end
"""
"""The number of movement ``m``'s document, by the convention that ``document_type``
names the document's table (a transfer is seen from both dealers, hence no dealer key)."""

MOVEMENTS_SQL = f"""
select k.ord, m.*, {DOCUMENT_NUMBER_SQL} as document_number
  from unnest($2::bigint[], $3::bigint[], $4::int[]) with ordinality as k(item, before, size, ord)
  cross join lateral (
    select * from stock_movement m
     where m.dealer_id = $1 and m.stock_item_id = k.item and (k.before is null or m.id < k.before)
     order by m.id desc limit k.size) m
 order by k.ord, m.id desc
"""

MovementPage = tuple[int, int | None, int]
"""(stock item id, movements before this id or None for the newest, page size)."""


async def movement_pages(
    connection: asyncpg.Connection, dealer_id: int, pages: list[MovementPage]
) -> list[list[Any]]:
    """Pages of several items' ledgers in one query, newest first, each movement with its
    document's number (by the convention that ``document_type`` names its table)."""
    rows = await connection.fetch(
        MOVEMENTS_SQL,
        dealer_id,
        [p[0] for p in pages],
        [p[1] for p in pages],
        [p[2] for p in pages],
    )
    found: list[list[Any]] = [[] for _ in pages]
    for row in rows:
        found[row["ord"] - 1].append(row)
    return found


async def open_lots(
    connection: asyncpg.Connection, dealer_id: int, stock_item_ids: list[int]
) -> dict[int, list[Any]]:
    """FIFO layers still on the shelf per item, oldest (next to go) first."""
    rows = await connection.fetch(
        "select l.*, m.kind from stock_lot l"
        " join stock_movement m on m.dealer_id = l.dealer_id and m.id = l.movement_id"
        " where l.dealer_id = $1 and l.stock_item_id = any($2::bigint[]) and l.remaining > 0"
        " order by l.received_at, l.id",
        dealer_id,
        stock_item_ids,
    )
    found: dict[int, list[Any]] = {i: [] for i in stock_item_ids}
    for row in rows:
        found[row["stock_item_id"]].append(row)
    return found

"""Suppliers a dealer buys parts from besides the manufacturer's parts centre (the
default, ``supplier_id`` null everywhere). A supplier is deactivated, never deleted:
past orders keep pointing at it. Each stock item may name a preferred supplier, which
is where plans from shortages order it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts.errors import RecordNotFound, RuleViolation

FIELDS = ("name", "contact", "phone", "lead_time_days")


@dataclass(frozen=True)
class SupplierFields:
    name: str | None = None
    contact: str | None = None
    phone: str | None = None
    lead_time_days: int | None = None


def _validate(fields: SupplierFields, *, creating: bool) -> dict[str, object]:
    values: dict[str, object] = {}
    if fields.name is not None or creating:
        name = (fields.name or "").strip()
        if not name:
            raise RuleViolation("name", "required", "A supplier needs a name")
        values["name"] = name
    for key in ("contact", "phone"):
        value = getattr(fields, key)
        if value is not None:
            values[key] = value.strip()
    if fields.lead_time_days is not None:
        if not 0 <= fields.lead_time_days <= 365:
            raise RuleViolation("leadTimeDays", "range", "Lead time is between 0 and 365 days")
        values["lead_time_days"] = fields.lead_time_days
    return values


async def _name_free(
    connection: asyncpg.Connection, dealer_id: int, name: str, except_id: int | None = None
) -> None:
    if await connection.fetchval(
        "select 1 from supplier where dealer_id = $1 and lower(name) = lower($2)"
        " and id is distinct from $3",
        dealer_id,
        name,
        except_id,
    ):
        raise RuleViolation("name", "unique", f"A supplier named {name!r} exists already")


async def create_supplier(
    tx: ActiveTransaction, dealer_id: int, fields: SupplierFields, *, request_id: str = ""
) -> int:
    values = _validate(fields, creating=True)
    await _name_free(tx.connection, dealer_id, str(values["name"]))
    row = await tx.connection.fetchrow(
        "insert into supplier (dealer_id, name, contact, phone, lead_time_days)"
        " values ($1, $2, coalesce($3, ''), coalesce($4, ''), coalesce($5, 3)) returning *",
        dealer_id,
        values["name"],
        values.get("contact"),
        values.get("phone"),
        values.get("lead_time_days"),
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="supplier.create",
        object_type="supplier",
        object_id=row["id"],
        after={k: row[k] for k in FIELDS},
        request_id=request_id,
    )
    supplier_id: int = row["id"]
    return supplier_id


async def update_supplier(
    tx: ActiveTransaction,
    dealer_id: int,
    supplier_id: int,
    fields: SupplierFields,
    *,
    request_id: str = "",
) -> None:
    values = _validate(fields, creating=False)
    before = await tx.connection.fetchrow(
        "select * from supplier where dealer_id = $1 and id = $2 for update", dealer_id, supplier_id
    )
    if before is None:
        raise RecordNotFound("Supplier")
    if "name" in values:
        await _name_free(tx.connection, dealer_id, str(values["name"]), supplier_id)
    after = await tx.connection.fetchrow(
        "update supplier set name = coalesce($3, name), contact = coalesce($4, contact),"
        " phone = coalesce($5, phone), lead_time_days = coalesce($6, lead_time_days)"
        " where dealer_id = $1 and id = $2 returning *",
        dealer_id,
        supplier_id,
        values.get("name"),
        values.get("contact"),
        values.get("phone"),
        values.get("lead_time_days"),
    )
    assert after is not None
    await record(
        dealer_id=dealer_id,
        action="supplier.update",
        object_type="supplier",
        object_id=supplier_id,
        before={k: before[k] for k in FIELDS},
        after={k: after[k] for k in FIELDS},
        request_id=request_id,
    )


async def set_active(
    tx: ActiveTransaction, dealer_id: int, supplier_id: int, active: bool, *, request_id: str = ""
) -> None:
    """Deactivating keeps past orders intact; new orders and plans can no longer name it,
    and stock items that preferred it fall back to the manufacturer's parts centre."""
    before = await tx.connection.fetchval(
        "select active from supplier where dealer_id = $1 and id = $2 for update",
        dealer_id,
        supplier_id,
    )
    if before is None:
        raise RecordNotFound("Supplier")
    if before == active:
        return
    await tx.connection.execute(
        "update supplier set active = $3 where dealer_id = $1 and id = $2",
        dealer_id,
        supplier_id,
        active,
    )
    released = 0
    if not active:
        status = await tx.connection.execute(
            "update stock_item set supplier_id = null where dealer_id = $1 and supplier_id = $2",
            dealer_id,
            supplier_id,
        )
        released = int(status.split()[-1])
    await record(
        dealer_id=dealer_id,
        action="supplier.activate" if active else "supplier.deactivate",
        object_type="supplier",
        object_id=supplier_id,
        before={"active": before},
        after={"active": active, "items_back_to_parts_centre": released},
        request_id=request_id,
    )


async def set_preferred_supplier(
    tx: ActiveTransaction,
    dealer_id: int,
    stock_item_ids: Iterable[int],
    supplier_id: int | None,
    *,
    request_id: str = "",
) -> int:
    """Where shortage plans order these items (None: the manufacturer's parts centre).
    Returns how many items changed."""
    ids = sorted(set(stock_item_ids))
    if supplier_id is not None and not await tx.connection.fetchval(
        "select 1 from supplier where dealer_id = $1 and id = $2 and active",
        dealer_id,
        supplier_id,
    ):
        raise RecordNotFound("Supplier")
    rows = await tx.connection.fetch(
        "update stock_item s set supplier_id = $3 from (select id, supplier_id as old"
        "  from stock_item where dealer_id = $1 and id = any($2::bigint[]) for update) o"
        " where s.dealer_id = $1 and s.id = o.id returning s.id, o.old",
        dealer_id,
        ids,
        supplier_id,
    )
    if len(rows) != len(ids):
        raise RecordNotFound("Stock item")
    changed = [r["id"] for r in rows if r["old"] != supplier_id]
    if changed:
        await record(
            dealer_id=dealer_id,
            action="stock_item.preferred_supplier",
            object_type="supplier" if supplier_id else "stock_item",
            object_id=supplier_id or changed[0],
            after={"supplier_id": supplier_id, "stock_item_ids": changed},
            request_id=request_id,
        )
    return len(changed)

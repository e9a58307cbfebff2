"""Vehicles of one dealer's customers: validated VIN (check digit where the manufacturer
uses it) and normalised plate; searched by plate or VIN."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from tenants.audit.audited_update import update_audited
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.service.errors import RecordNotFound, RuleViolation
from tenants.service.plates import normalise_plate, validate_plate
from tenants.service.vin import normalise_vin, validate_vin

EDITABLE = ("plate", "model", "model_year", "colour", "sale_date", "customer_id", "vin")


@dataclass(frozen=True)
class VehicleFields:
    vin: str
    plate: str = ""
    model: str = ""
    model_year: int | None = None
    colour: str = ""
    sale_date: date | None = None


async def uses_check_digit(connection: asyncpg.Connection, dealer_id: int) -> bool:
    """Whether the dealer's manufacturer puts the ISO 3779 check digit in its VINs."""
    flag = await connection.fetchval(
        "select m.vin_check_digit from dealer d join region r on r.id = d.region_id"
        " join manufacturer m on m.id = r.manufacturer_id where d.id = $1",
        dealer_id,
    )
    return bool(flag)


async def _clean(
    connection: asyncpg.Connection, dealer_id: int, values: dict[str, Any]
) -> dict[str, Any]:
    out = dict(values)
    if "vin" in out:
        out["vin"] = validate_vin(
            out["vin"] or "", uses_check_digit=await uses_check_digit(connection, dealer_id)
        )
    if "plate" in out:
        out["plate"] = validate_plate(out["plate"] or "")
    year = out.get("model_year")
    if year is not None and not 1950 <= year <= date.today().year + 2:
        raise RuleViolation("modelYear", "model_year_range", "Model year is out of range")
    for key in ("model", "colour"):
        if key in out:
            out[key] = (out[key] or "").strip()
    if out.get("sale_date") is not None and out["sale_date"] > date.today():
        raise RuleViolation("saleDate", "sale_date_future", "The sale date is in the future")
    return out


async def _check_unique(
    connection: asyncpg.Connection, dealer_id: int, vin: str, except_id: int | None = None
) -> None:
    other = await connection.fetchval(
        "select id from vehicle where dealer_id = $1 and vin = $2 and id <> $3",
        dealer_id,
        vin,
        except_id or 0,
    )
    if other is not None:
        raise RuleViolation(
            "vin", "vin_unique", f"A vehicle with VIN {vin} is already on record", vehicleId=other
        )


async def find_vehicle_by_vin(
    connection: asyncpg.Connection, dealer_id: int, vin: str
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await connection.fetchrow(
        "select * from vehicle where dealer_id = $1 and vin = $2", dealer_id, normalise_vin(vin)
    )
    return row


async def get_vehicle(
    connection: asyncpg.Connection, dealer_id: int, vehicle_id: int, *, lock: bool = False
) -> asyncpg.Record:
    row = await connection.fetchrow(
        "select * from vehicle where dealer_id = $1 and id = $2" + (" for update" if lock else ""),
        dealer_id,
        vehicle_id,
    )
    if row is None:
        raise RecordNotFound("Vehicle")
    return row


async def create_vehicle(
    tx: ActiveTransaction,
    dealer_id: int,
    customer_id: int,
    fields: VehicleFields,
    request_id: str = "",
) -> asyncpg.Record:
    owner = await tx.connection.fetchval(
        "select id from customer where dealer_id = $1 and id = $2", dealer_id, customer_id
    )
    if owner is None:
        raise RecordNotFound("Customer")
    values = await _clean(tx.connection, dealer_id, fields.__dict__)
    await _check_unique(tx.connection, dealer_id, values["vin"])
    row = await tx.connection.fetchrow(
        """
        insert into vehicle (dealer_id, customer_id, vin, plate, model, model_year, colour,
                             sale_date)
        values ($1, $2, $3, $4, $5, $6, $7, $8) returning *
        """,
        dealer_id,
        customer_id,
        values["vin"],
        values["plate"],
        values["model"],
        values["model_year"],
        values["colour"],
        values["sale_date"],
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="vehicle.create",
        object_type="vehicle",
        object_id=row["id"],
        after=dict(row),
        request_id=request_id,
    )
    return row


async def update_vehicle(
    tx: ActiveTransaction,
    dealer_id: int,
    vehicle_id: int,
    changes: dict[str, Any],
    request_id: str = "",
) -> asyncpg.Record:
    """Change the given fields; a new owner (customer_id) must be this dealer's customer."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = await get_vehicle(tx.connection, dealer_id, vehicle_id, lock=True)
    values = await _clean(tx.connection, dealer_id, changes)
    if "vin" in values:
        await _check_unique(tx.connection, dealer_id, values["vin"], vehicle_id)
    if "customer_id" in values:
        owner = await tx.connection.fetchval(
            "select id from customer where dealer_id = $1 and id = $2",
            dealer_id,
            values["customer_id"],
        )
        if owner is None:
            raise RecordNotFound("Customer")
    return await update_audited(
        tx,
        "vehicle",
        dealer_id=dealer_id,
        row_id=vehicle_id,
        values=values,
        before=before,
        request_id=request_id,
    )


async def search_vehicles(
    connection: asyncpg.Connection,
    dealer_id: int,
    query: str,
    *,
    after: int,
    limit: int,
    by_personal_data: bool = True,
) -> list[asyncpg.Record]:
    """By any part of the plate or VIN, or the owner's name or phone (unless
    ``by_personal_data`` is False: see ``customers.search_customers``)."""
    from tenants.service.phones import phone_digits

    text = query.strip()
    rows = await connection.fetch(
        """
        select v.* from vehicle v join customer c on c.dealer_id = v.dealer_id
                                               and c.id = v.customer_id
         where v.dealer_id = $1 and v.id > $2
           and ($3 = ''
                or ($4 <> '' and upper(v.plate) like '%' || $4 || '%')
                or ($5 <> '' and length($5) >= 4 and v.vin like '%' || $5 || '%')
                or ($8 and lower(c.name) like '%' || lower($3) || '%')
                or ($8 and $6 <> '' and length($6) >= 4 and position($6 in c.phone) > 0))
         order by v.id limit $7
        """,
        dealer_id,
        after,
        text,
        normalise_plate(text) if text else "",
        normalise_vin(text) if text else "",
        phone_digits(text) if text else "",
        limit,
        by_personal_data,
    )
    return list(rows)

"""Customers of one dealer: create, change, search, and the first visit that creates the
customer and the vehicle together (reception calls it inside its own transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg

from tenants.audit.audited_update import update_audited
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.service.errors import RecordNotFound, RuleViolation
from tenants.service.phones import phone_digits, validate_phone
from tenants.service.plates import normalise_plate
from tenants.service.vehicles import VehicleFields, create_vehicle, find_vehicle_by_vin
from tenants.service.vin import normalise_vin

CUSTOMER_KINDS = ("person", "company")
EDITABLE = ("kind", "name", "phone", "email", "address", "wechat", "notes", "advisor_user_id")


@dataclass(frozen=True)
class CustomerFields:
    name: str
    phone: str
    kind: str = "person"
    email: str | None = None
    address: str = ""
    wechat: str = ""
    notes: str = ""
    advisor_user_id: int | None = None


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Validated and normalised values of the editable fields present in ``values``."""
    out = dict(values)
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
        if not out["name"]:
            raise RuleViolation("name", "name_required", "The customer's name is required")
    if "phone" in out:
        out["phone"] = validate_phone(out["phone"] or "")
    if "kind" in out and out["kind"] not in CUSTOMER_KINDS:
        raise RuleViolation("kind", "customer_kind", f"kind is one of {CUSTOMER_KINDS}")
    if "email" in out:
        email = (out["email"] or "").strip()
        if email and ("@" not in email or " " in email):
            raise RuleViolation("email", "email_format", f"{email!r} is not an e-mail address")
        out["email"] = email or None
    for key in ("address", "wechat", "notes"):
        if key in out:
            out[key] = (out[key] or "").strip()
    return out


async def _check_advisor(connection: asyncpg.Connection, dealer_id: int, user_id: int) -> None:
    found = await connection.fetchval(
        "select 1 from membership where dealer_id = $1 and user_id = $2 and active",
        dealer_id,
        user_id,
    )
    if not found:
        raise RuleViolation("advisorId", "advisor_at_dealer", "The advisor does not work here")


async def create_customer(
    tx: ActiveTransaction, dealer_id: int, fields: CustomerFields, request_id: str = ""
) -> asyncpg.Record:
    values = _clean(fields.__dict__)
    if values["advisor_user_id"] is not None:
        await _check_advisor(tx.connection, dealer_id, values["advisor_user_id"])
    row = await tx.connection.fetchrow(
        """
        insert into customer (dealer_id, kind, name, phone, email, address, wechat, notes,
                              advisor_user_id, created_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning *
        """,
        dealer_id,
        values["kind"],
        values["name"],
        values["phone"],
        values["email"],
        values["address"],
        values["wechat"],
        values["notes"],
        values["advisor_user_id"],
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="customer.create",
        object_type="customer",
        object_id=row["id"],
        after=dict(row),
        request_id=request_id,
    )
    return row


async def get_customer(
    connection: asyncpg.Connection, dealer_id: int, customer_id: int, *, lock: bool = False
) -> asyncpg.Record:
    row = await connection.fetchrow(
        "select * from customer where dealer_id = $1 and id = $2" + (" for update" if lock else ""),
        dealer_id,
        customer_id,
    )
    if row is None:
        raise RecordNotFound("Customer")
    return row


async def update_customer(
    tx: ActiveTransaction,
    dealer_id: int,
    customer_id: int,
    changes: dict[str, Any],
    request_id: str = "",
) -> asyncpg.Record:
    """Change the given fields only; unknown keys are a programming error."""
    unknown = set(changes) - set(EDITABLE) - {"lost"}
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = await get_customer(tx.connection, dealer_id, customer_id, lock=True)
    values = _clean(changes)
    if values.get("advisor_user_id") is not None:
        await _check_advisor(tx.connection, dealer_id, values["advisor_user_id"])
    return await update_audited(
        tx,
        "customer",
        dealer_id=dealer_id,
        row_id=customer_id,
        values=values,
        before=before,
        request_id=request_id,
    )


SEARCH_SQL = """
select c.* from customer c
 where c.dealer_id = $1 and c.id > $2
   and ($3 = ''
        or ($8 and lower(c.name) like '%' || lower($3) || '%')
        or ($8 and $4 <> '' and length($4) >= 4 and position($4 in c.phone) > 0)
        or exists (select 1 from vehicle v
                    where v.dealer_id = c.dealer_id and v.customer_id = c.id
                      and (($5 <> '' and upper(v.plate) like '%' || $5 || '%')
                           or ($6 <> '' and length($6) >= 6 and v.vin like '%' || $6))))
 order by c.id limit $7
"""


async def search_customers(
    connection: asyncpg.Connection,
    dealer_id: int,
    query: str,
    *,
    after: int,
    limit: int,
    by_personal_data: bool = True,
) -> list[asyncpg.Record]:
    """By any part of the name, phone (4+ digits), plate, or the VIN's end (6+ chars).

    ``by_personal_data=False`` matches plate and VIN only: for a caller who sees names
    and phones masked, a match on them would reveal what the mask hides (probing a
    phone digit by digit)."""
    text = query.strip()
    return list(
        await connection.fetch(
            SEARCH_SQL,
            dealer_id,
            after,
            text,
            phone_digits(text),
            normalise_plate(text) if text else "",
            normalise_vin(text) if text else "",
            limit,
            by_personal_data,
        )
    )


@dataclass(frozen=True)
class FirstVisit:
    customer: asyncpg.Record
    vehicle: asyncpg.Record
    created_customer: bool
    created_vehicle: bool


async def find_or_create_customer_and_vehicle(
    tx: ActiveTransaction,
    dealer_id: int,
    *,
    customer: CustomerFields,
    vehicle: VehicleFields,
    request_id: str = "",
) -> FirstVisit:
    """The vehicle by VIN with its owner; otherwise the customer by phone (created when
    new) and a new vehicle for them. Runs in the caller's transaction and audits what
    it creates; a known vehicle whose record lacks a plate gets the one given."""
    from tenants.service.vehicles import update_vehicle

    known = await find_vehicle_by_vin(tx.connection, dealer_id, vehicle.vin)
    if known is not None:
        owner = await get_customer(tx.connection, dealer_id, known["customer_id"])
        plate = normalise_plate(vehicle.plate)
        if plate and not known["plate"]:
            known = await update_vehicle(
                tx, dealer_id, known["id"], {"plate": vehicle.plate}, request_id
            )
        return FirstVisit(owner, known, False, False)
    phone = validate_phone(customer.phone)
    owner = await tx.connection.fetchrow(
        "select * from customer where dealer_id = $1 and phone = $2 order by id limit 1",
        dealer_id,
        phone,
    )
    created_customer = owner is None
    if owner is None:
        owner = await create_customer(tx, dealer_id, customer, request_id)
    car = await create_vehicle(tx, dealer_id, owner["id"], vehicle, request_id)
    return FirstVisit(owner, car, created_customer, True)

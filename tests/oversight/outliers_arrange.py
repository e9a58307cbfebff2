"""Warranty and repair history for the outlier and quality-feedback tests, inserted
through the owner connection (past RLS) with every constraint respected: delivered
repair orders, vehicles by VIN and model, live claims with labour and part lines, old
parts with their return status."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime

import asyncpg

from tests.oversight.factories_oversight import Network

_n = itertools.count(1)


def vin(n: int) -> str:
    """A valid 17-character VIN, unique per n."""
    return f"LFVWXT{n:011d}"


@dataclass
class Shop:
    dealer_id: int
    customer_id: int
    advisor_id: int
    manufacturer_id: int
    vehicles: dict[str, int] = field(default_factory=dict)
    orders: list[int] = field(default_factory=list)
    """Delivered orders not yet carrying a claim (claims take them in turn)."""


async def shop(db: asyncpg.Connection, network: Network, dealer_id: int, advisor: int) -> Shop:
    customer = await db.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, 'Owner', '13800000000')"
        " returning id",
        dealer_id,
    )
    return Shop(dealer_id, customer, advisor, network.manufacturer_id)


async def vehicle(
    db: asyncpg.Connection, s: Shop, vin_: str, model: str = "Sedan", sale: date | None = None
) -> int:
    if vin_ not in s.vehicles:
        s.vehicles[vin_] = await db.fetchval(
            "insert into vehicle (dealer_id, customer_id, vin, model, sale_date)"
            " values ($1, $2, $3, $4, $5) returning id",
            s.dealer_id,
            s.customer_id,
            vin_,
            model,
            sale,
        )
    return s.vehicles[vin_]


async def delivered_orders(
    db: asyncpg.Connection, s: Shop, count: int, at: str, *, model: str = "Sedan"
) -> list[int]:
    """``count`` orders delivered at ``at`` (an ISO instant with offset), one fleet car."""
    car = await vehicle(db, s, vin(next(_n) + 900_000_000), model)
    ids = [
        r["id"]
        for r in await db.fetch(
            "insert into repair_order (dealer_id, number, customer_id, vehicle_id,"
            " advisor_user_id, status, mileage_in, opened_at, delivered_at)"
            " select $1, 'RO' || $2::text || '-' || g, $3, $4, $5, 'delivered', 10000,"
            " $6::timestamptz, $6::timestamptz from generate_series(1, $7) g returning id",
            s.dealer_id,
            str(next(_n)),
            s.customer_id,
            car,
            s.advisor_id,
            datetime.fromisoformat(at),
            count,
        )
    ]
    s.orders.extend(ids)
    return ids


async def part(db: asyncpg.Connection, s: Shop, group: str = "engine", name: str = "") -> int:
    n = next(_n)
    return await db.fetchval(
        "insert into part (manufacturer_id, part_number, name, name_zh, list_price, part_group)"
        " values ($1, $2, $3, $4, 100, $5) returning id",
        s.manufacturer_id,
        f"P-OUT-{n}",
        name or f"Part {n}",
        f"零件{n}",
        group,
    )


async def claim(
    db: asyncpg.Connection,
    s: Shop,
    vin_: str,
    *,
    fault: str,
    submitted: str | None = None,
    hours: str = "1.0",
    status: str = "submitted",
    model: str = "Sedan",
    sale: date | None = None,
    mileage: int = 20000,
    causal_part: int | None = None,
    part_lines: tuple[int, ...] = (),
    fault_code: str = "",
) -> int:
    """A claim on the next free delivered order, with one labour line of ``hours``;
    ``submitted`` defaults to noon (UTC) of the fault date."""
    car = await vehicle(db, s, vin_, model, sale)
    order = s.orders.pop(0)
    fault_day = date.fromisoformat(fault)
    at = datetime.fromisoformat(submitted or f"{fault}T12:00:00+00:00")
    claim_id: int = await db.fetchval(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, status, fault_date, fault_code, causal_part_id, submitted_at)"
        " values ($1, $2, $3, $4, $5, $6, 'standard', $7, $8, $9, $10, $11) returning id",
        s.dealer_id,
        f"CL{next(_n)}",
        order,
        car,
        vin_,
        mileage,
        status,
        fault_day,
        fault_code,
        causal_part,
        None if status == "draft" else at,
    )
    await db.execute(
        "insert into warranty_claim_line (dealer_id, claim_id, kind, description, hours,"
        " unit_price, amount) values ($1, $2, 'labour', 'Diagnose and replace', $3, 100, 100)",
        s.dealer_id,
        claim_id,
        hours,
    )
    for p in part_lines:
        await db.execute(
            "insert into warranty_claim_line (dealer_id, claim_id, kind, part_id, unit_price,"
            " amount) values ($1, $2, 'part', $3, 100, 100)",
            s.dealer_id,
            claim_id,
            p,
        )
    return claim_id


async def old_part(
    db: asyncpg.Connection,
    s: Shop,
    claim_id: int,
    part_id: int,
    *,
    status: str = "inspected",
    result: str | None = None,
    requested_at: str | None = None,
    must_return: bool = True,
) -> int:
    """An old part of a claim; ``requested_at`` records the manufacturer's request."""
    op: int = await db.fetchval(
        "insert into old_part (dealer_id, tag, claim_id, part_id, must_return, status,"
        " inspection_result) values ($1, $2, $3, $4, $5, $6, $7) returning id",
        s.dealer_id,
        f"T{next(_n)}",
        claim_id,
        part_id,
        must_return,
        status,
        result,
    )
    if requested_at is not None:
        await db.execute(
            "insert into old_part_movement (dealer_id, old_part_id, from_status, to_status,"
            " created_at) values ($1, $2, 'stored', 'requested', $3)",
            s.dealer_id,
            op,
            datetime.fromisoformat(requested_at),
        )
    return op


async def warranty_part_line(db: asyncpg.Connection, s: Shop, order_id: int, part_id: int) -> int:
    """A warranty part line replaced on an order (repair data without a claim)."""
    line: int = await db.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, unit_price,"
        " pay_type, status) values ($1, $2, 'part', $3, 100, 'warranty', 'approved')"
        " returning id",
        s.dealer_id,
        order_id,
        part_id,
    )
    return line


async def seed_quality(db: asyncpg.Connection, network: Network) -> dict[str, int]:
    """The failures described in ``test_quality_feedback``'s docstring, plus one (a Coupe)
    at the other region's dealer."""
    d0 = await shop(db, network, network.dealer_ids[0], network.staff("advisor", 0))
    d1 = await shop(db, network, network.dealer_ids[1], network.staff("advisor", 1))
    other = await shop(db, network, network.other_dealer_id, network.users["advisor@other"])
    a = await part(db, d0, "engine", "Water pump")
    b = await part(db, d0, "brakes", "Brake pad")
    c = await part(db, d0, "brakes", "Caliper")
    await delivered_orders(db, d0, 3, "2026-02-05T10:00:00+08:00")
    first = await claim(
        db, d0, vin(1), fault="2026-02-05", mileage=20000, causal_part=a, part_lines=(a, b),
        fault_code="P0100", sale=date(2025, 1, 10),
    )  # fmt: skip
    order_of_first = await db.fetchval(
        "select repair_order_id from warranty_claim where id = $1", first
    )
    await warranty_part_line(db, d0, order_of_first, a)
    await claim(
        db, d0, vin(2), fault="2026-03-10", mileage=30000, causal_part=a, fault_code="P0101",
        sale=date(2025, 3, 10),
    )  # fmt: skip
    await claim(db, d0, vin(4), fault="2026-03-12", causal_part=c, status="cancelled")
    (fleet_order,) = await delivered_orders(db, d0, 1, "2026-04-01T01:00:00+08:00")
    await db.execute("update repair_order set rework_count = 1 where id = $1", fleet_order)
    await warranty_part_line(db, d0, fleet_order, a)
    await delivered_orders(db, d1, 1, "2026-03-01T10:00:00+08:00")
    await claim(
        db, d1, vin(3), fault="2026-03-01", mileage=15000, causal_part=a, fault_code="P0100",
        model="SUV", sale=date(2025, 6, 1),
    )  # fmt: skip
    await delivered_orders(db, other, 1, "2026-03-01T10:00:00+08:00")
    await claim(db, other, vin(9), fault="2026-03-02", causal_part=a, model="Coupe")
    return {"A": a, "B": b, "C": c}

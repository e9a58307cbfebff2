"""The parts department of the demo network (``dealernet seed``): a few hundred parts with
supersessions, every demo dealer's stock items with bins (库号-架号-层号-位号), min/max,
multiples, lead times, costs and suppliers, two years of ledger history
(``demo_history``) and today's open work: purchase orders in every state, parts
requests, a count, a write-off awaiting signatures and transfer requests between the
dealers of a region (``demo_documents``).

Idempotent like the other demo seeds: reference rows are upserted on their natural keys
(only differences written), and a dealer's history and documents are generated once,
for stock items that have no ledger of their own yet; a second run writes nothing.
Runs after the service demo, whose parts and opening stock it builds on.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import asyncpg

from tenants.network.demo import DEMO_DEALERS, MANUFACTURER, Col, Counts, Upsert
from tenants.network.demo_names import person_name
from tenants.parts import demo_documents, demo_history
from tenants.parts.demo_catalog import DemoPart, catalog
from tenants.service.catalog_demo import (
    CUSTOMERS,
    MODEL_CODES,
    PLATE_PREFIXES,
    SHORT_AT,
    demo_phone,
    demo_vin,
)

DEALER_PROFILES: dict[str, tuple[str, str, int]] = {
    "SH01": ("1.00", "0.95", 0),
    "SH02": ("0.75", "0.85", 3),
    "GZ01": ("1.00", "0.65", 5),
    "SZ01": ("0.50", "1.10", 7),
}
"""Per dealer: demand scale, safety factor (GZ01 runs lean and orders in a hurry more
often), and the share of the catalog it does not stock (percent)."""

HISTORY_CUSTOMERS = 150
"""Customers per dealer whose delivered repair orders carry the documented requests."""
FIRST_HISTORY_CUSTOMER = 100
"""Customer numbers below this are the service demo's."""

SUPPLIERS: tuple[tuple[str, str, str, str, int], ...] = (
    # (name template, contact, phone, for groups, lead days)
    ("{city}华通汽车配件有限公司", "周经理", "021-5888{n:04d}", "fluids fasteners", 2),
    ("{city}安顺轮胎服务有限公司", "吴经理", "021-6777{n:04d}", "tyres", 3),
    ("{city}顺达汽车用品商行", "郑老板", "021-5333{n:04d}", "accessories", 4),
)
CITIES = {"SH01": "上海", "SH02": "上海", "GZ01": "广州", "SZ01": "深圳"}

MODEL_YEARS = (2021, 2022, 2023, 2024, 2025)


@dataclass(frozen=True)
class _Dealer:
    id: int
    index: int
    code: str
    zone: ZoneInfo


PART_ROWS = Upsert(
    "part",
    (
        Col("manufacturer_id", "bigint"),
        Col("part_number", "text"),
        Col("name", "text"),
        Col("name_zh", "text"),
        Col("unit", "text"),
        Col("pack_size", "integer"),
        Col("list_price", "numeric"),
        Col("part_group", "text"),
    ),
    ("manufacturer_id", "part_number"),
)
SUPPLIER_ROWS = Upsert(
    "supplier",
    (
        Col("dealer_id", "bigint"),
        Col("name", "text"),
        Col("contact", "text"),
        Col("phone", "text"),
        Col("lead_time_days", "integer"),
    ),
    ("dealer_id", "name"),
)
STOCK_ROWS = Upsert(
    "stock_item",
    (
        Col("dealer_id", "bigint"),
        Col("part_id", "bigint"),
        Col("bin_location", "text"),
        Col("zone", "text"),
        Col("min_qty", "numeric"),
        Col("max_qty", "numeric"),
        Col("reorder_multiple", "numeric"),
        Col("lead_time_days", "integer"),
        Col("unit_cost", "numeric"),
        # The supplier travels by name, resolved in SQL; null is the manufacturer.
        Col(
            "supplier_id",
            "text",
            "(select x.id from supplier x where x.dealer_id = i.dealer_id"
            " and x.name = i.supplier_id)",
        ),
    ),
    ("dealer_id", "part_id"),
)
SERVICE_STOCK_ROWS = Upsert(
    "stock_item",
    (
        Col("dealer_id", "bigint"),
        Col("part_id", "bigint"),
        Col("zone", "text"),
        Col("reorder_multiple", "numeric"),
        Col("lead_time_days", "integer"),
    ),
    ("dealer_id", "part_id"),
)
"""The service demo owns its parts' bins, min/max and costs; these columns are ours."""
SETTINGS_ROWS = Upsert(
    "parts_settings",
    (
        Col("dealer_id", "bigint"),
        Col("dead_stock_days", "integer"),
        Col("slow_moving_days", "integer"),
    ),
    ("dealer_id",),
)
CUSTOMER_ROWS = Upsert(
    "customer",
    (
        Col("dealer_id", "bigint"),
        Col("phone", "text"),
        Col("name", "text"),
        Col("advisor_user_id", "bigint"),
    ),
    ("dealer_id", "phone"),
)
VEHICLE_ROWS = Upsert(
    "vehicle",
    (
        Col("dealer_id", "bigint"),
        Col("vin", "text"),
        Col(
            "customer_id",
            "text",
            "(select c.id from customer c where c.dealer_id = i.dealer_id"
            " and c.phone = i.customer_id)",
        ),
        Col("plate", "text"),
        Col("model", "text"),
        Col("model_year", "integer"),
    ),
    ("dealer_id", "vin"),
)


def _hash(*parts: object) -> int:
    return zlib.crc32("|".join(str(p) for p in parts).encode())


def _multiple(part: DemoPart) -> Decimal:
    if part.unit == "L":
        return Decimal(12 if part.mean >= Decimal("0.3") else 4)
    if part.group == "tyres" and part.unit == "pc":
        return Decimal(2)
    return Decimal(1)


def _lead_days(part: DemoPart, supplier: str | None) -> int:
    if supplier is not None:
        return 2
    return 10 if part.group in ("body", "glass", "lamps", "ev") else 7


def _supplier(part: DemoPart, city: str, dealer_index: int) -> str | None:
    for template, _, _, groups, _ in SUPPLIERS:
        if part.group in groups.split():
            return template.format(city=city, n=dealer_index)
    return None


def _stocks(code: str, part: DemoPart) -> bool:
    """Whether a dealer stocks a part: all but a dealer-specific few; slow, dead and
    replaced parts always (they are why the KPIs exist)."""
    if part.service_key is not None or part.life in ("dead", "slow", "replaced"):
        return True
    return _hash(code, part.number) % 100 >= DEALER_PROFILES[code][2]


def _policy(part: DemoPart, code: str, lead: int) -> tuple[Decimal, Decimal]:
    """Min/max (储备上下限) from the part's demand, zero for parts being phased out."""
    if part.life in ("dead", "replaced") or not part.stocked:
        return Decimal(0), Decimal(0)
    scale, safety, _ = DEALER_PROFILES[code]
    daily = part.mean * Decimal(scale) * part.use
    low = max(
        (daily * (lead + 7) * Decimal(safety)).to_integral_value(rounding="ROUND_CEILING"),
        Decimal(1),
    )
    return low, low + (daily * 14).to_integral_value(rounding="ROUND_CEILING")


async def _catalog(
    connection: asyncpg.Connection, manufacturer_id: int, parts: list[DemoPart]
) -> Counts:
    own = [p for p in parts if p.service_key is None]
    written = await PART_ROWS.run(
        connection,
        [
            (
                manufacturer_id,
                p.number,
                p.name,
                p.name_zh,
                p.unit,
                p.pack_size,
                p.list_price,
                p.group,
            )
            for p in own
        ],
    )
    status = await connection.execute(
        """
        update part p set superseded_by = n.id
          from unnest($2::text[], $3::text[]) as s(old, new)
          join part n on n.manufacturer_id = $1 and n.part_number = s.new
         where p.manufacturer_id = $1 and p.part_number = s.old
           and p.superseded_by is distinct from n.id
        """,
        manufacturer_id,
        [p.number for p in own if p.superseded_by],
        [p.superseded_by for p in own if p.superseded_by],
    )
    written.changed += int(status.split()[-1])
    return written


async def _stock(
    connection: asyncpg.Connection, dealer: _Dealer, parts: list[DemoPart], part_ids: dict[str, int]
) -> Counts:
    city = CITIES.get(dealer.code, "上海")
    written = await SUPPLIER_ROWS.run(
        connection,
        [
            (
                dealer.id,
                name.format(city=city, n=dealer.index),
                contact,
                phone.format(n=dealer.index + 1),
                lead,
            )
            for name, contact, phone, _, lead in SUPPLIERS
        ],
    )
    rows = []
    service_rows = []
    per_zone: dict[str, int] = {}
    for part in parts:
        if not _stocks(dealer.code, part):
            continue
        supplier = _supplier(part, city, dealer.index)
        lead = _lead_days(part, supplier)
        if part.service_key is not None:
            service_rows.append(
                (dealer.id, part_ids[part.number], part.zone, _multiple(part), lead)
            )
            continue
        n = per_zone[part.zone] = per_zone.get(part.zone, 0) + 1
        n -= 1
        low, high = _policy(part, dealer.code, lead)
        rows.append(
            (
                dealer.id,
                part_ids[part.number],
                f"W2-{part.zone}{n // 20 + 1:02d}-{n % 20 // 5 + 1}-{n % 5 + 1:02d}",
                part.zone,
                low,
                high,
                _multiple(part),
                lead,
                (part.list_price * Decimal("0.68")).quantize(Decimal("0.01")),
                supplier,
            )
        )
    written += await STOCK_ROWS.run(connection, rows)
    written += await SERVICE_STOCK_ROWS.run(connection, service_rows)
    written += await SETTINGS_ROWS.run(connection, [(dealer.id, 365, 180)])
    return written


def _customer_name(code: str, n: int, taken: set[str]) -> str:
    name = person_name(f"customer.{code}.{n}")
    return name if name not in taken else person_name(f"customer.{code}.{n}.b")


async def _customers(
    connection: asyncpg.Connection, dealer: _Dealer, advisor: int | None
) -> Counts:
    """The dealer's regular customers, whose delivered orders the history's requests are on."""
    taken = {c[0] for c in CUSTOMERS}
    prefix = PLATE_PREFIXES.get(dealer.code, "沪A")
    models = list(MODEL_CODES)
    numbers = range(FIRST_HISTORY_CUSTOMER, FIRST_HISTORY_CUSTOMER + HISTORY_CUSTOMERS)
    written = await CUSTOMER_ROWS.run(
        connection,
        [
            (dealer.id, demo_phone(dealer.index, n), _customer_name(dealer.code, n, taken), advisor)
            for n in numbers
        ],
    )
    vehicles = []
    for n in numbers:
        model = models[_hash(dealer.code, n) % len(models)]
        year = MODEL_YEARS[_hash(dealer.code, n, "year") % len(MODEL_YEARS)]
        plate = f"{prefix}D{n:05d}" if model.endswith("EV") else f"{prefix}H{n:04d}"
        vehicles.append(
            (
                dealer.id,
                demo_vin(dealer.index, n, model, year),
                demo_phone(dealer.index, n),
                plate,
                model,
                year,
            )
        )
    written += await VEHICLE_ROWS.run(connection, vehicles)
    return written


async def _staff(connection: asyncpg.Connection, dealer_id: int, role: str) -> list[int]:
    rows = await connection.fetch(
        "select user_id from membership where dealer_id = $1 and active and $2 = any(roles)"
        " order by user_id",
        dealer_id,
        role,
    )
    return [r["user_id"] for r in rows]


async def _history_plan(
    connection: asyncpg.Connection, dealer: _Dealer
) -> demo_history.DealerHistory | None:
    """What the history of ``dealer`` needs, or None when it has one already."""
    done = await connection.fetchval(
        "select exists (select 1 from stock_movement"
        " where dealer_id = $1 and document_type = 'import')",
        dealer.id,
    )
    if done:
        return None
    scale, safety, _ = DEALER_PROFILES[dealer.code]

    async def first(role: str) -> int | None:
        people = await _staff(connection, dealer.id, role)
        return people[0] if people else None

    advisors = await _staff(connection, dealer.id, "service_advisor")
    technicians = await _staff(connection, dealer.id, "technician")
    people = await connection.fetch(
        "select c.id as customer_id, v.id as vehicle_id from customer c"
        " join vehicle v on v.dealer_id = c.dealer_id and v.customer_id = c.id"
        " where c.dealer_id = $1 and c.phone = any($2::text[]) order by c.id",
        dealer.id,
        [
            demo_phone(dealer.index, n)
            for n in range(FIRST_HISTORY_CUSTOMER, FIRST_HISTORY_CUSTOMER + HISTORY_CUSTOMERS)
        ],
    )
    if not advisors or not technicians or not people:
        return None
    return demo_history.DealerHistory(
        dealer.id,
        dealer.code,
        Decimal(scale),
        Decimal(safety),
        await first("parts_planner"),
        await first("parts_manager"),
        await first("service_manager"),
        await first("warehouse_keeper"),
        advisors,
        technicians,
        [r["customer_id"] for r in people],
        [r["vehicle_id"] for r in people],
    )


@dataclass
class PartsDemoResult:
    written: Counts
    movements: int
    seconds: float


async def seed_parts_demo(connection: asyncpg.Connection) -> PartsDemoResult:
    """Write the parts demo on ``connection`` (an owner connection) in the caller's
    transaction; the network and the service demo must be seeded first."""
    started = time.perf_counter()
    manufacturer_id = await connection.fetchval(
        "select id from manufacturer where code = $1", MANUFACTURER.code
    )
    if manufacturer_id is None:
        return PartsDemoResult(Counts(), 0, 0.0)
    await connection.execute("select pg_advisory_xact_lock(hashtext('dealernet.seed'))")
    rows = await connection.fetch(
        "select id, code, time_zone from dealer where code = any($1::text[]) order by code",
        [d.code for d in DEMO_DEALERS],
    )
    await connection.execute(
        "select set_config('app.dealer_ids', $1, true)",
        "{" + ",".join(str(r["id"]) for r in rows) + "}",
    )
    parts = catalog()
    written = await _catalog(connection, manufacturer_id, parts)
    part_ids = {
        r["part_number"]: r["id"]
        for r in await connection.fetch(
            "select part_number, id from part"
            " where manufacturer_id = $1 and part_number = any($2::text[])",
            manufacturer_id,
            [p.number for p in parts],
        )
    }
    order = [d.code for d in DEMO_DEALERS]
    dealers = [
        _Dealer(r["id"], order.index(r["code"]), r["code"], ZoneInfo(r["time_zone"])) for r in rows
    ]
    plans = []
    skipped: list[int] = []
    for dealer in dealers:
        written += await _stock(connection, dealer, parts, part_ids)
        advisors = await _staff(connection, dealer.id, "service_advisor")
        written += await _customers(connection, dealer, advisors[0] if advisors else None)
        plan = await _history_plan(connection, dealer)
        if plan is not None:
            plans.append(plan)
        short = [
            part_ids[p.number] for p in parts if p.service_key in SHORT_AT.get(dealer.code, ())
        ]
        skipped += [
            r["id"]
            for r in await connection.fetch(
                "select id from stock_item where dealer_id = $1 and part_id = any($2::bigint[])",
                dealer.id,
                short,
            )
        ]
    movements = await demo_history.generate(connection, plans, parts, skipped)
    written.added += movements
    written += await demo_documents.seed_documents(connection, [p.dealer_id for p in plans])
    return PartsDemoResult(written, movements, time.perf_counter() - started)


async def seed(url: str | None = None) -> PartsDemoResult:
    """The parts demo in its own owner transaction (``dealernet seed``)."""
    from tenants.network.demo import connect_owner

    connection = await connect_owner(url)
    try:
        async with connection.transaction():
            return await seed_parts_demo(connection)
    finally:
        await connection.close()

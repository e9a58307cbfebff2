"""Arranges a hand-computed history for the KPI-facts tests, straight through the owner
connection (past RLS). Times are given as text with their offset, so a test reads as the
dealer's local clock (the network's dealers are in Asia/Shanghai, UTC+8)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import asyncpg

from tests.oversight.factories_oversight import Network
from tests.parts.factories_parts import add_part, add_stock_item, book

_n = itertools.count(1)
MAY, JUNE = date(2025, 5, 1), date(2025, 6, 1)


@dataclass
class Shop:
    """One dealer's customer, vehicles and the people the rows name."""

    dealer_id: int
    manufacturer_id: int
    user_id: int
    technician_id: int
    customer_id: int = 0
    vehicles: dict[str, int] = field(default_factory=dict)
    vins: dict[str, str] = field(default_factory=dict)


async def make_shop(
    owner: asyncpg.Connection, dealer_id: int, manufacturer_id: int, user_id: int, tech_id: int
) -> Shop:
    n = next(_n)
    shop = Shop(dealer_id, manufacturer_id, user_id, tech_id)
    shop.customer_id = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, $2, $3) returning id",
        dealer_id,
        f"KPI customer {n}",
        f"+86 138 {n:04d} {dealer_id % 10000:04d}",
    )
    for key in ("X", "Y"):
        vin = f"LSVKP{dealer_id % 10000:04d}{n % 10000:04d}{'1' if key == 'X' else '2'}000"
        shop.vins[key] = vin
        shop.vehicles[key] = await owner.fetchval(
            "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
            " values ($1, $2, $3, $4, 'Magotan') returning id",
            dealer_id,
            shop.customer_id,
            vin,
            f"沪K{n:03d}{key}",
        )
    return shop


async def deliver(
    owner: asyncpg.Connection,
    shop: Shop,
    at: str,
    hours: str,
    *,
    vehicle: str = "X",
    rework: int = 0,
    technician: bool = False,
) -> tuple[int, int]:
    """A repair order delivered ``at`` with one approved, done labour line of ``hours``;
    returns (order, line)."""
    order: int = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, mileage_in, customer_description, opened_at, work_done_at, settled_at,"
        " delivered_at, rework_count) values ($1, $2, $3, $4, $5, 'delivered', 1000, 'kpi',"
        " $6::text::timestamptz - interval '5 hours', $6::text::timestamptz - interval '1 hour',"
        " $6::text::timestamptz - interval '10 minutes', $6::text::timestamptz, $7) returning id",
        shop.dealer_id,
        f"K-{next(_n):06d}",
        shop.customer_id,
        shop.vehicles[vehicle],
        shop.user_id,
        at,
        rework,
    )
    line: int = await owner.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, hours, unit_price,"
        " pay_type, status, description, job_status, done_at, technician_user_id)"
        " values ($1, $2, 'labour', $3, 200, 'customer', 'approved', 'work', 'done',"
        " $4::text::timestamptz, $5) returning id",
        shop.dealer_id,
        order,
        Decimal(hours),
        at,
        shop.technician_id if technician else None,
    )
    return order, line


async def clock(owner: asyncpg.Connection, shop: Shop, line: int, start: str, end: str) -> None:
    await owner.execute(
        "insert into job_clock (dealer_id, line_id, technician_user_id, started_at, ended_at)"
        " values ($1, $2, $3, $4::text::timestamptz, $5::text::timestamptz)",
        shop.dealer_id,
        line,
        shop.technician_id,
        start,
        end,
    )


async def complaint(owner: asyncpg.Connection, shop: Shop, level: str, at: str) -> None:
    await owner.execute(
        "insert into complaint (dealer_id, number, customer_id, channel, level, summary,"
        " received_at) values ($1, $2, $3, 'phone', $4, 'noise', $5::text::timestamptz)",
        shop.dealer_id,
        f"CP-{next(_n):06d}",
        shop.customer_id,
        level,
        at,
    )


async def revisit(
    owner: asyncpg.Connection,
    shop: Shop,
    order: int,
    due_by: str,
    *,
    called_at: str | None = None,
    scores: tuple[int, ...] = (),
) -> None:
    """A revisit due by ``due_by``; with ``called_at`` an answered call (succeeded) and
    the survey ``scores`` (question 'overall', 'advisor'...)."""
    status, outcome = ("succeeded", "satisfied") if called_at else ("open", None)
    revisit_id: int = await owner.fetchval(
        "insert into revisit (dealer_id, repair_order_id, customer_id, vehicle_id, duty,"
        " delivered_at, due_from, due_by, status, outcome)"
        " select $1, $2, customer_id, vehicle_id, 'revisit_calls', delivered_at,"
        " $3::text::date - 2, $3::text::date, $4, $5 from repair_order"
        " where dealer_id = $1 and id = $2 returning id",
        shop.dealer_id,
        order,
        due_by,
        status,
        outcome,
    )
    if called_at is None:
        return
    attempt: int = await owner.fetchval(
        "insert into revisit_attempt (dealer_id, revisit_id, round, attempt_no, called_at,"
        " caller_user_id, result, outcome) values ($1, $2, 1, 1, $3::text::timestamptz, $4,"
        " 'answered', 'satisfied') returning id",
        shop.dealer_id,
        revisit_id,
        called_at,
        shop.user_id,
    )
    questions = ("overall", "advisor", "timeliness", "cleanliness", "recommend")
    for question, score in zip(questions, scores, strict=False):
        await owner.execute(
            "insert into revisit_survey_answer (dealer_id, revisit_id, attempt_id, question,"
            " score) values ($1, $2, $3, $4, $5)",
            shop.dealer_id,
            revisit_id,
            attempt,
            question,
            score,
        )


async def stock(owner: asyncpg.Connection, shop: Shop, cost: str) -> int:
    part = await add_part(owner, shop.manufacturer_id, f"KPI part {next(_n)}", "50")
    return await add_stock_item(owner, shop.dealer_id, part, unit_cost=cost)


async def movement(
    owner: asyncpg.Connection, shop: Shop, item: int, kind: str, qty: str, at: str, cost: str = "0"
) -> None:
    await book(owner, shop.dealer_id, item, kind, qty, unit_cost=cost, at=at)


async def parts_request(
    owner: asyncpg.Connection, shop: Shop, order: int, line: int, item: int, ok: bool, at: str
) -> None:
    await owner.execute(
        "insert into parts_request (dealer_id, number, repair_order_id, repair_order_line_id,"
        " stock_item_id, quantity, status, available_at_request, requested_at)"
        " values ($1, 'PR-' || gen_random_uuid(), $2, $3, $4, 1, 'issued', $5,"
        " $6::text::timestamptz)",
        shop.dealer_id,
        order,
        line,
        item,
        ok,
        at,
    )


async def claim(
    owner: asyncpg.Connection,
    shop: Shop,
    order: int,
    vehicle: str,
    status: str,
    submitted_at: str,
    requested: str,
    *,
    decided_at: str | None = None,
    approved: str | None = None,
    labour_hours: str | None = None,
) -> int:
    claim_id: int = await owner.fetchval(
        "insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,"
        " mileage, claim_type, status, fault_date, requested_amount, approved_amount,"
        " submission_count, submitted_at, decided_at) values ($1, $2, $3, $4, $5, 1000,"
        " 'standard', $6, '2025-01-01', $7, $8, 1, $9::text::timestamptz,"
        " $10::text::timestamptz) returning id",
        shop.dealer_id,
        f"WC-{next(_n):06d}",
        order,
        shop.vehicles[vehicle],
        shop.vins[vehicle],
        status,
        Decimal(requested),
        Decimal(approved) if approved is not None else None,
        submitted_at,
        decided_at,
    )
    if labour_hours is not None:
        await owner.execute(
            "insert into warranty_claim_line (dealer_id, claim_id, kind, quantity, hours,"
            " unit_price, amount) values ($1, $2, 'labour', 1, $3::numeric, 100, 100 * $3::numeric)",
            shop.dealer_id,
            claim_id,
            Decimal(labour_hours),
        )
    return claim_id


async def old_part(
    owner: asyncpg.Connection,
    shop: Shop,
    *,
    requested_at: str | None = None,
    shipped_at: str | None = None,
    inspected_at: str | None = None,
    result: str | None = None,
) -> int:
    part = await add_part(owner, shop.manufacturer_id, f"Old part {next(_n)}", "10")
    status = "inspected" if inspected_at else "shipped" if shipped_at else "requested"
    part_id: int = await owner.fetchval(
        "insert into old_part (dealer_id, tag, part_id, status, inspection_result,"
        " inspected_at) values ($1, $2, $3, $4, $5, $6::text::timestamptz) returning id",
        shop.dealer_id,
        f"OP-{next(_n):06d}",
        part,
        status,
        result,
        inspected_at,
    )
    for to_status, at in (("requested", requested_at), ("shipped", shipped_at)):
        if at is not None:
            await owner.execute(
                "insert into old_part_movement (dealer_id, old_part_id, to_status, created_at)"
                " values ($1, $2, $3, $4::text::timestamptz)",
                shop.dealer_id,
                part_id,
                to_status,
                at,
            )
    return part_id


async def arrange_history(db: asyncpg.Connection, network: Network, index: int = 0) -> Shop:
    """The history of test_kpi_facts' docstring at dealer ``index`` of the network."""
    shop = await make_shop(
        db,
        network.dealer_ids[index],
        network.manufacturer_id,
        network.staff("advisor", index),
        network.staff("tech_director", index),
    )
    o1, _ = await deliver(db, shop, "2025-06-01 00:10+08", "1.0", rework=1)
    o2, l2 = await deliver(db, shop, "2025-06-15 10:00+08", "2.5", technician=True)
    o3, _ = await deliver(db, shop, "2025-06-30 23:30+08", "0.5", vehicle="Y")
    may, _ = await deliver(db, shop, "2025-05-31 23:50+08", "3.0", vehicle="Y")
    await deliver(db, shop, "2025-07-01 00:05+08", "9.0")
    await clock(db, shop, l2, "2025-06-15 07:00+08", "2025-06-15 09:00+08")

    await complaint(db, shop, "serious", "2025-06-20 10:00+08")
    await complaint(db, shop, "general", "2025-06-21 10:00+08")
    await revisit(db, shop, o1, "2025-06-04", called_at="2025-06-02 10:00+08", scores=(5, 4))
    await revisit(db, shop, o2, "2025-06-18")

    a = await stock(db, shop, "10")
    b = await stock(db, shop, "20")
    await movement(db, shop, b, "receipt", "5", "2024-03-01 10:00+08", "20")
    await movement(db, shop, a, "receipt", "10", "2024-07-15 10:00+08", "10")
    await movement(db, shop, a, "issue", "-4", "2025-06-10 10:00+08")
    await parts_request(db, shop, o2, l2, a, True, "2025-06-15 08:00+08")
    await parts_request(db, shop, o3, l2, a, False, "2025-06-30 23:00+08")

    await claim(
        db,
        shop,
        o1,
        "X",
        "approved",
        "2025-06-05 10:00+08",
        "500",
        decided_at="2025-06-20 10:00+08",
        approved="450",
        labour_hours="1.5",
    )
    await claim(
        db,
        shop,
        o2,
        "X",
        "rejected",
        "2025-06-25 10:00+08",
        "300",
        decided_at="2025-07-01 00:30+08",
        labour_hours="2.0",
    )
    await claim(
        db,
        shop,
        may,
        "Y",
        "rejected",
        "2025-05-31 23:00+08",
        "200",
        decided_at="2025-06-02 10:00+08",
    )
    await old_part(db, shop, requested_at="2025-05-20 10:00+08")
    await old_part(
        db,
        shop,
        requested_at="2025-05-01 10:00+08",
        shipped_at="2025-05-05 10:00+08",
        inspected_at="2025-06-10 10:00+08",
        result="not_confirmed",
    )
    await old_part(
        db,
        shop,
        requested_at="2025-04-01 10:00+08",
        shipped_at="2025-04-05 10:00+08",
        inspected_at="2025-06-11 10:00+08",
        result="confirmed",
    )
    return shop

"""Arranges one busy dealer for the board benchmark: 50 open orders in every status of
the workshop, each with three labour lines (some dispatched, clocked, done) and two
part lines (some short of stock), 8 technicians on shift, 6 bays, a late order here and
there, and a second dealer whose orders the board must leave out."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

import asyncpg
from argon2 import PasswordHasher

PASSWORD = "dealernet-bench"
ORDERS = 50
STATUSES = (
    ["open"] * 4
    + ["awaiting_approval"] * 5
    + ["approved"] * 8
    + ["in_progress"] * 20
    + ["work_done"] * 6
    + ["ready"] * 5
    + ["settled"] * 2
)


@dataclass(frozen=True)
class Arranged:
    dealer_id: int
    username: str
    password: str
    orders: int


async def arrange(connection: asyncpg.Connection, seed: int = 3) -> Arranged:
    rnd = random.Random(seed)
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    manufacturer = await connection.fetchval(
        "insert into manufacturer (code, name, name_zh) values ('BM', 'Bench Motors', '基准汽车')"
        " returning id"
    )
    region = await connection.fetchval(
        "insert into region (manufacturer_id, code, name, name_zh)"
        " values ($1, 'E', 'East', '华东') returning id",
        manufacturer,
    )
    dealers = [
        await connection.fetchval(
            "insert into dealer (region_id, code, name, name_zh, time_zone)"
            " values ($1, $2, $3, $4, 'Asia/Shanghai') returning id",
            region,
            code,
            f"Dealer {code}",
            f"经销商{code}",
        )
        for code in ("B01", "B02")
    ]
    dealer = dealers[0]

    async def person(username: str, display: str, roles: list[str], at: int) -> int:
        user_id: int = await connection.fetchval(
            "insert into staff_user (username, display_name, password_hash)"
            " values ($1, $2, $3) returning id",
            username,
            display,
            hasher.hash(PASSWORD),
        )
        await connection.execute(
            "insert into membership (dealer_id, user_id, roles) values ($1, $2, $3)",
            at,
            user_id,
            roles,
        )
        return user_id

    advisors = [
        await person(f"bench.advisor{i}", f"顾问 {i}", ["service_advisor"], dealer)
        for i in (1, 2, 3)
    ]
    technicians = [
        await person(f"bench.tech{i}", f"技师 {i}", ["technician"], dealer) for i in range(1, 9)
    ]
    await person("bench.supervisor", "车间主管", ["workshop_supervisor"], dealer)
    await connection.execute(
        "insert into technician_shift (dealer_id, user_id, work_date, hours, team)"
        " select $1, u, (now() at time zone 'Asia/Shanghai')::date, 8,"
        "        case when i % 2 = 0 then 'A' else 'B' end"
        "   from unnest($2::bigint[]) with ordinality as t(u, i)",
        dealer,
        technicians,
    )
    bays = [
        await connection.fetchval(
            "insert into bay (dealer_id, code, name) values ($1, $2, $3) returning id",
            dealer,
            f"W{i}",
            f"工位 {i}",
        )
        for i in range(1, 7)
    ]
    operations = [
        await connection.fetchval(
            "insert into labour_operation (manufacturer_id, code, name, name_zh, kind,"
            " standard_hours) values ($1, $2, $3, $4, 'repair', $5) returning id",
            manufacturer,
            f"OP{i:03d}",
            f"Operation {i}",
            f"工序 {i}",
            Decimal(rnd.choice(["0.5", "1.0", "1.5", "2.0", "3.2"])),
        )
        for i in range(1, 21)
    ]
    parts = []
    for i in range(1, 11):
        part = await connection.fetchval(
            "insert into part (manufacturer_id, part_number, name, list_price)"
            " values ($1, $2, $3, 120) returning id",
            manufacturer,
            f"P{i:05d}",
            f"Part {i}",
        )
        item = await connection.fetchval(
            "insert into stock_item (dealer_id, part_id) values ($1, $2) returning id",
            dealer,
            part,
        )
        await connection.execute(
            "insert into stock_movement (dealer_id, stock_item_id, kind, quantity)"
            " values ($1, $2, 'receipt', $3)",
            dealer,
            item,
            rnd.choice([1, 5, 40]),
        )
        parts.append((part, item))

    clocked_on: set[int] = set()
    for n in range(ORDERS):
        customer = await connection.fetchval(
            "insert into customer (dealer_id, name, phone) values ($1, $2, $3) returning id",
            dealer,
            f"客户 {n}",
            f"+86 139 {n:04d} 0000",
        )
        vehicle = await connection.fetchval(
            "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
            " values ($1, $2, $3, $4, $5) returning id",
            dealer,
            customer,
            f"LBVBENCH0{n:08d}",
            f"沪A{n:05d}",
            rnd.choice(["Passat", "Tiguan", "Lavida", "Magotan"]),
        )
        status = STATUSES[n % len(STATUSES)]
        offset_hours = rnd.randint(-6, 30)
        order = await connection.fetchval(
            "insert into repair_order (dealer_id, number, customer_id, vehicle_id,"
            " advisor_user_id, status, promised_at, bay_id)"
            " values ($1, $2, $3, $4, $5, $6,"
            "  date_trunc('minute', now()) + make_interval(hours => $7), $8) returning id",
            dealer,
            f"RO{n:06d}",
            customer,
            vehicle,
            advisors[n % len(advisors)],
            status,
            offset_hours,
            bays[n % len(bays)] if status in ("in_progress", "work_done", "approved") else None,
        )
        started = status in ("in_progress", "work_done", "ready", "settled")
        for j in range(3):
            line_status = "proposed" if status in ("open", "awaiting_approval") else "approved"
            technician = technicians[(n + j) % len(technicians)]
            if status in ("work_done", "ready", "settled"):
                job_status = "done"
            elif status == "in_progress":
                job_status = ["done", "in_progress", "dispatched"][j]
            else:
                job_status = "pending"
            line = await connection.fetchval(
                "insert into repair_order_line (dealer_id, repair_order_id, kind, operation_id,"
                " description, hours, unit_price, status, job_status, technician_user_id,"
                " team, dispatched_at) values ($1, $2, 'labour', $3, $4, $5, 200, $6, $7, $8,"
                " '', case when $7 <> 'pending' then now() end) returning id",
                dealer,
                order,
                operations[(n * 3 + j) % len(operations)],
                f"工序 {(n * 3 + j) % 20 + 1}",
                Decimal(rnd.choice(["0.5", "1.0", "1.5", "2.0"])),
                line_status,
                job_status,
                technician if job_status != "pending" else None,
            )
            if started and job_status in ("done", "in_progress"):
                await connection.execute(
                    "insert into job_clock (dealer_id, line_id, technician_user_id, started_at,"
                    " ended_at) values ($1, $2, $3, now() - interval '3 hours',"
                    " now() - interval '2 hours')",
                    dealer,
                    line,
                    technician,
                )
            if job_status == "in_progress" and technician not in clocked_on:
                clocked_on.add(technician)
                await connection.execute(
                    "insert into job_clock (dealer_id, line_id, technician_user_id, started_at)"
                    " values ($1, $2, $3, now() - interval '20 minutes')",
                    dealer,
                    line,
                    technician,
                )
        for j in range(2):
            part, item = parts[(n + j) % len(parts)]
            line = await connection.fetchval(
                "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id,"
                " quantity, unit_price, status) values ($1, $2, 'part', $3, 2, 120, $4)"
                " returning id",
                dealer,
                order,
                part,
                "approved" if status not in ("open", "awaiting_approval") else "proposed",
            )
            if (n + j) % 3:
                await connection.execute(
                    "insert into stock_reservation (dealer_id, stock_item_id, quantity,"
                    " repair_order_line_id) values ($1, $2, $3, $4)",
                    dealer,
                    item,
                    2 if (n + j) % 4 else 1,
                    line,
                )
    # The other dealer's open orders share the tables and must stay off the board.
    other_advisor = await person("bench.other", "Other advisor", ["service_advisor"], dealers[1])
    for n in range(20):
        customer = await connection.fetchval(
            "insert into customer (dealer_id, name, phone) values ($1, $2, '+86 138 0000 0000')"
            " returning id",
            dealers[1],
            f"Other {n}",
        )
        vehicle = await connection.fetchval(
            "insert into vehicle (dealer_id, customer_id, vin) values ($1, $2, $3) returning id",
            dealers[1],
            customer,
            f"LBVXTHER0{n:08d}",
        )
        await connection.execute(
            "insert into repair_order (dealer_id, number, customer_id, vehicle_id,"
            " advisor_user_id, status) values ($1, $2, $3, $4, $5, 'in_progress')",
            dealers[1],
            f"OT{n:06d}",
            customer,
            vehicle,
            other_advisor,
        )
    await connection.execute("analyze")
    return Arranged(dealer, "bench.advisor1", PASSWORD, ORDERS)

"""Generates the regional-dashboard benchmark's history: one region of ``dealers`` dealers
(Asia/Shanghai) with a year of after-sales work ending now, in SQL as the owner
(generate_series over every dealer at once, triggers off), a few seconds per table.

Per dealer: 300 vehicles; ``orders_per_day`` delivered repair orders a day on average,
each with one done labour line (0.5-3.5 h) clocked once by the dealer's technician, one
parts request (92% available at request) and the issue of one piece FIFO from the item's
opening lot (30 stocked items, the last five never issued: dead stock); a revisit for 90%
of the orders (three in four called and succeeded, with an 'overall' survey score), a
complaint for 1.5% (a third of them serious or severe), a warranty claim for 6%
(approved, rejected or still submitted; one labour line; an old part requested ten days
after submission, mostly shipped and inspected, sometimes not confirmed)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import asyncpg

ITEMS_PER_DEALER = 30
VEHICLES_PER_DEALER = 300

SETUP_SQL = """
insert into staff_user (username, display_name, password_hash)
select 'bench_tech_' || d, 'Bench technician ' || d, 'x' from unnest($1::bigint[]) d;
"""

CUSTOMERS_SQL = """
insert into customer (dealer_id, name, phone)
select d, 'Bench customer ' || d, '+86 21 6666 ' || lpad(d::text, 4, '0')
  from unnest($1::bigint[]) d;
insert into vehicle (dealer_id, customer_id, vin, plate, model)
select c.dealer_id, c.id, 'LBNCH' || lpad(c.dealer_id::text, 4, '0') || lpad(v::text, 8, '0'),
       '沪R' || c.dealer_id || '-' || v, case when v % 3 = 0 then 'Magotan' else 'Sagitar' end
  from customer c cross join generate_series(1, $2::int) v
 where c.dealer_id = any($1::bigint[]);
"""

ORDERS_SQL = """
insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id, status,
                          mileage_in, customer_description, opened_at, work_done_at, settled_at,
                          delivered_at, rework_count)
select o.dealer_id, 'B' || o.g, c.id, v.id, u.id, 'delivered', 10000, 'bench',
       o.at - interval '5 hours', o.at - interval '1 hour', o.at - interval '10 minutes', o.at,
       (random() < 0.05)::int
  from (select d as dealer_id, g, $2::timestamptz + random() * interval '365 days' as at,
               1 + floor(random() * $4::int)::int as vn
          from unnest($1::bigint[]) d cross join generate_series(1, $3::int) g) o
  join customer c on c.dealer_id = o.dealer_id
  join vehicle v on v.dealer_id = o.dealer_id and v.vin = 'LBNCH' || lpad(o.dealer_id::text, 4, '0')
                                                         || lpad(o.vn::text, 8, '0')
  join staff_user u on u.username = 'bench_tech_' || o.dealer_id;
"""

LINES_SQL = """
insert into repair_order_line (dealer_id, repair_order_id, kind, hours, unit_price, pay_type,
                               status, description, job_status, done_at, technician_user_id)
select o.dealer_id, o.id, 'labour', 0.5 + floor(random() * 7) / 2, 200, 'customer', 'approved',
       'bench work', 'done', o.delivered_at - interval '1 hour', o.advisor_user_id
  from repair_order o where o.dealer_id = any($1::bigint[]);
insert into job_clock (dealer_id, line_id, technician_user_id, started_at, ended_at)
select l.dealer_id, l.id, l.technician_user_id, l.done_at - interval '3 hours',
       l.done_at - interval '3 hours' + l.hours * (0.8 + random() * 0.4) * interval '1 hour'
  from repair_order_line l where l.dealer_id = any($1::bigint[]);
"""

CARE_SQL = """
insert into revisit (dealer_id, repair_order_id, customer_id, vehicle_id, duty, delivered_at,
                     due_from, due_by, status, outcome)
select o.dealer_id, o.id, o.customer_id, o.vehicle_id, 'revisit_calls', o.delivered_at,
       (o.delivered_at at time zone 'Asia/Shanghai')::date + 1,
       (o.delivered_at at time zone 'Asia/Shanghai')::date + 3,
       case when o.id % 4 <> 0 then 'succeeded' else 'open' end,
       case when o.id % 4 <> 0 then 'satisfied' end
  from repair_order o where o.dealer_id = any($1::bigint[]) and o.id % 10 <> 0;
insert into revisit_attempt (dealer_id, revisit_id, round, attempt_no, called_at,
                             caller_user_id, result, outcome)
select r.dealer_id, r.id, 1, 1, r.delivered_at + interval '1 day', o.advisor_user_id,
       'answered', 'satisfied'
  from revisit r join repair_order o on o.dealer_id = r.dealer_id and o.id = r.repair_order_id
 where r.dealer_id = any($1::bigint[]) and r.status = 'succeeded';
insert into revisit_survey_answer (dealer_id, revisit_id, attempt_id, question, score)
select a.dealer_id, a.revisit_id, a.id, 'overall', 3 + floor(random() * 3)::int
  from revisit_attempt a where a.dealer_id = any($1::bigint[]);
insert into complaint (dealer_id, number, customer_id, channel, level, summary, received_at)
select o.dealer_id, 'BC' || o.id, o.customer_id, 'phone',
       (array['grievance', 'general', 'serious', 'severe'])[1 + o.id % 4], 'bench',
       o.delivered_at + interval '2 days'
  from repair_order o where o.dealer_id = any($1::bigint[]) and random() < 0.015;
"""

PARTS_SQL = """
insert into part (manufacturer_id, part_number, name, name_zh, list_price)
select $2, 'RD' || lpad(g::text, 5, '0'), 'Bench part ' || g, '基准配件' || g, 20 + g
  from generate_series(1, $3::int) g;
insert into stock_item (dealer_id, part_id, unit_cost)
select d, p.id, p.list_price * 0.6
  from unnest($1::bigint[]) d cross join part p where p.manufacturer_id = $2;
insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost, reason,
                            created_at)
select s.dealer_id, s.id, 'receipt', 500, s.unit_cost, 'bench opening', $4::timestamptz
  from stock_item s where s.dealer_id = any($1::bigint[]);
insert into stock_lot (dealer_id, stock_item_id, movement_id, received_at, quantity, remaining,
                       unit_cost)
select m.dealer_id, m.stock_item_id, m.id, m.created_at, 500, 500, m.unit_cost
  from stock_movement m where m.dealer_id = any($1::bigint[]) and m.kind = 'receipt';
-- Each order issues one piece of one of the first 25 items (the last five stay dead).
create temporary table bench_issue on commit drop as
select o.dealer_id, o.id as order_id, l.id as line_id, o.delivered_at - interval '2 hours' as at,
       s.id as stock_item_id, s.unit_cost,
       row_number() over (partition by o.dealer_id order by s.id) as rn
  from repair_order o
  join repair_order_line l on l.dealer_id = o.dealer_id and l.repair_order_id = o.id
  join lateral (select s.id, s.unit_cost from stock_item s
                 where s.dealer_id = o.dealer_id order by s.id
                 offset (o.id % ($3::int - 5)) limit 1) s on true
 where o.dealer_id = any($1::bigint[]);
insert into parts_request (dealer_id, number, repair_order_id, repair_order_line_id,
                           stock_item_id, quantity, status, available_at_request, requested_at)
select dealer_id, 'BPR' || order_id, order_id, line_id, stock_item_id, 1, 'issued',
       random() < 0.92, at - interval '10 minutes'
  from bench_issue;
insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost, reason,
                            document_type, document_id, created_at)
select dealer_id, stock_item_id, 'issue', -1, unit_cost, 'bench', 'repair_order', order_id, at
  from bench_issue;
insert into stock_lot_allocation (dealer_id, movement_id, lot_id, quantity, unit_cost)
select m.dealer_id, m.id, l.id, 1, l.unit_cost
  from stock_movement m
  join stock_lot l on l.dealer_id = m.dealer_id and l.stock_item_id = m.stock_item_id
 where m.dealer_id = any($1::bigint[]) and m.kind = 'issue';
update stock_lot l set remaining = 500 - a.n
  from (select lot_id, count(*) as n from stock_lot_allocation
         where dealer_id = any($1::bigint[]) group by lot_id) a
 where l.id = a.lot_id;
"""

WARRANTY_SQL = """
create temporary table bench_claim on commit drop as
select o.dealer_id, o.id as order_id, o.vehicle_id, v.vin, o.delivered_at,
       (array['approved', 'approved', 'approved', 'approved', 'approved', 'approved',
              'approved', 'approved', 'rejected', 'submitted'])[1 + floor(random() * 10)::int]
         as status,
       (200 + floor(random() * 1800))::numeric as requested, l.hours
  from repair_order o
  join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
  join repair_order_line l on l.dealer_id = o.dealer_id and l.repair_order_id = o.id
 where o.dealer_id = any($1::bigint[]) and random() < 0.06;
insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin, mileage,
                            claim_type, status, fault_date, requested_amount, approved_amount,
                            submission_count, submitted_at, decided_at)
select dealer_id, 'BW' || order_id, order_id, vehicle_id, vin, 10000, 'standard', status,
       (delivered_at at time zone 'Asia/Shanghai')::date, requested,
       case when status = 'approved' then round(requested * 0.9, 2) end, 1,
       delivered_at + interval '1 day',
       case when status <> 'submitted' then delivered_at + interval '8 days' end
  from bench_claim;
insert into warranty_claim_line (dealer_id, claim_id, kind, quantity, hours, unit_price, amount)
select c.dealer_id, c.id, 'labour', 1, b.hours, 100, 100 * b.hours
  from warranty_claim c
  join bench_claim b on b.dealer_id = c.dealer_id and b.order_id = c.repair_order_id;
insert into old_part (dealer_id, tag, claim_id, part_id, status, inspection_result, inspected_at)
select c.dealer_id, 'BOP' || c.id, c.id, p.id,
       case when c.id % 10 = 0 then 'requested' else 'inspected' end,
       case when c.id % 10 = 0 then null when c.id % 17 = 0 then 'not_confirmed'
            else 'confirmed' end,
       case when c.id % 10 <> 0 then c.submitted_at + interval '30 days' end
  from warranty_claim c
  cross join lateral (select id from part where manufacturer_id = $2 order by id limit 1) p
 where c.dealer_id = any($1::bigint[]);
insert into old_part_movement (dealer_id, old_part_id, to_status, created_at)
select op.dealer_id, op.id, 'requested', c.submitted_at + interval '10 days'
  from old_part op join warranty_claim c on c.dealer_id = op.dealer_id and c.id = op.claim_id
 where op.dealer_id = any($1::bigint[])
union all
select op.dealer_id, op.id, 'shipped', c.submitted_at + interval '20 days'
  from old_part op join warranty_claim c on c.dealer_id = op.dealer_id and c.id = op.claim_id
 where op.dealer_id = any($1::bigint[]) and op.status = 'inspected';
"""


@dataclass(frozen=True)
class History:
    manufacturer_id: int
    region_id: int
    dealer_ids: list[int]
    orders: int
    claims: int
    movements: int
    seconds: float


async def generate(
    owner: asyncpg.Connection, *, dealers: int, orders_per_day: int = 2, seed: float = 0.7
) -> History:
    """The region and its year of history ending now."""
    started = time.perf_counter()
    await owner.execute("select setseed($1)", seed)
    manufacturer: int = await owner.fetchval(
        "insert into manufacturer (code, name, name_zh) values ('KB', 'KPI Bench', '指标基准')"
        " returning id"
    )
    region: int = await owner.fetchval(
        "insert into region (manufacturer_id, code, name, name_zh)"
        " values ($1, 'KB-E', 'Bench East', '基准华东') returning id",
        manufacturer,
    )
    dealer_ids: list[int] = [
        r["id"]
        for r in await owner.fetch(
            "insert into dealer (region_id, code, name, name_zh, time_zone)"
            " select $1, 'KB' || lpad(g::text, 3, '0'), 'Bench dealer ' || g,"
            " '基准经销商' || g, 'Asia/Shanghai' from generate_series(1, $2::int) g"
            " returning id",
            region,
            dealers,
        )
    ]
    start = await owner.fetchval("select now() - interval '365 days'")
    await owner.execute("set session_replication_role = replica")
    try:
        async with owner.transaction():
            await _run(owner, SETUP_SQL, dealer_ids)
            await _run(owner, CUSTOMERS_SQL, dealer_ids, VEHICLES_PER_DEALER)
            await owner.execute(
                ORDERS_SQL, dealer_ids, start, orders_per_day * 365, VEHICLES_PER_DEALER
            )
            await _run(owner, LINES_SQL, dealer_ids)
            await _run(owner, CARE_SQL, dealer_ids)
            await _run(owner, PARTS_SQL, dealer_ids, manufacturer, ITEMS_PER_DEALER, start)
            await _run(owner, WARRANTY_SQL, dealer_ids, manufacturer)
    finally:
        await owner.execute("set session_replication_role = origin")
    await owner.execute("vacuum analyze")
    orders = await owner.fetchval("select count(*) from repair_order")
    claims = await owner.fetchval("select count(*) from warranty_claim")
    movements = await owner.fetchval("select count(*) from stock_movement")
    return History(
        manufacturer, region, dealer_ids, orders, claims, movements, time.perf_counter() - started
    )


async def _run(owner: asyncpg.Connection, script: str, *args: object) -> None:
    """A script's statements one by one (asyncpg prepares one statement at a time), each
    given the arguments it names, renumbered ($2 and $4 alone become $1 and $2)."""
    for statement in (s.strip() for s in _split(script)):
        if not statement:
            continue
        used = sorted({int(n) for n in re.findall(r"\$(\d+)", statement)})
        number = {n: i + 1 for i, n in enumerate(used)}
        renumbered = re.sub(r"\$(\d+)", lambda m, to=number: f"${to[int(m.group(1))]}", statement)
        await owner.execute(renumbered, *(args[n - 1] for n in used))


def _split(script: str) -> list[str]:
    """Statements end with a semicolon at the end of a line (none inside these scripts)."""
    statements: list[str] = []
    current: list[str] = []
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).rstrip().rstrip(";"))
            current = []
    if "".join(current).strip():
        statements.append("\n".join(current))
    return statements

"""The dealer's monthly operating report to the manufacturer (月报): its body, generated
from the data of one calendar month in the dealer's time zone, and its due date.

Every figure reuses the measure that defines it elsewhere, so the report and the
dashboards never disagree: service (``tenants.service.measures``), customer care
(``tenants.care.measures``), parts (``tenants.parts.kpis``) and warranty money
(``tenants.warranty.settlement_reports``). Only what no module computes yet is here:
revenue and labour hours by line kind and pay type of the orders delivered in the month,
claims rejected in the month, and the headcount filled against the plan (岗位编制).

The body is plain JSON (amounts and ratios as strings, to keep their decimals); a
submitted report keeps the body it was submitted with.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import asyncpg

from policies.catalog import ROLES
from tenants.care.measures import measures as care_measures
from tenants.care.measures import month_end
from tenants.parts.kpis import dealer_kpis
from tenants.service.measures import service_measures
from tenants.service.orders.pricing import AMOUNT_SQL, LINE_KINDS, PAY_TYPES
from tenants.warranty.settlement_reports import monthly as warranty_monthly

BODY_VERSION = 1

_PERIOD = """
with p as (
  select d.id as dealer_id,
         ($2::date::timestamp at time zone d.time_zone) as t0,
         (($3::date + 1)::timestamp at time zone d.time_zone) as t1
    from dealer d where d.id = $1
)"""

REVENUE_SQL = f"""{_PERIOD}, lines as (
  select l.kind, l.pay_type, l.quantity, l.unit_price, l.hours
    from p
    join repair_order o on o.dealer_id = p.dealer_id and o.status = 'delivered'
     and o.delivered_at >= p.t0 and o.delivered_at < p.t1
    join repair_order_line l on l.dealer_id = o.dealer_id and l.repair_order_id = o.id
     and l.status = 'approved'
)
select kind, pay_type, coalesce(sum({AMOUNT_SQL}), 0)::numeric(14, 2) as amount,
       coalesce(sum(hours * quantity) filter (where kind = 'labour'), 0)::numeric(12, 2)
         as hours
  from lines
 group by kind, pay_type
"""
"""Approved lines of the orders delivered in the month, by kind and pay type."""

REJECTED_SQL = f"""{_PERIOD}
select count(*)::int
  from p
  join warranty_claim c on c.dealer_id = p.dealer_id and c.status = 'rejected'
 where (select min(e.at) from warranty_claim_event e
         where e.dealer_id = c.dealer_id and e.claim_id = c.id and e.to_status = 'rejected')
       >= p.t0
   and (select min(e.at) from warranty_claim_event e
         where e.dealer_id = c.dealer_id and e.claim_id = c.id and e.to_status = 'rejected')
       < p.t1
"""
"""Claims rejected (and still rejected) whose first rejection fell in the month."""

HEADCOUNT_SQL = """
select h.role, h.planned,
       (select count(*) from membership m
         where m.dealer_id = h.dealer_id and m.active and h.role = any(m.roles))::int as filled
  from headcount h
 where h.dealer_id = $1
 order by h.role
"""
"""Planned posts per role against the active people holding the role (one person may
hold several roles, 兼职, and counts in each)."""


def _num(value: Decimal | int | None) -> str | None:
    return None if value is None else str(value)


def due_on(month: date, due_day: int) -> date:
    """The manufacturer's deadline: ``due_day`` of the month after ``month``."""
    following = month_end(month.replace(day=1)).toordinal() + 1
    return date.fromordinal(following).replace(day=due_day)


async def _service(connection: asyncpg.Connection, dealer: int, start: date, end: date) -> Any:
    m = await service_measures(connection, dealer, start, end)
    return {
        "orders": m.orders,
        "orders_from_appointments": m.orders_from_appointments,
        "appointment_share": _num(m.appointment_share),
        "delivered": m.delivered,
        "labour_hours_sold": _num(m.labour_hours_sold),
        "billed_hours": _num(m.billed_hours),
        "clocked_hours": _num(m.clocked_hours),
        "available_hours": _num(m.available_hours),
        "efficiency": _num(m.efficiency),
        "productivity": _num(m.productivity),
        "fixed_first_time": m.fixed_first_time,
        "first_time_fix_rate": _num(m.first_time_fix_rate),
    }


async def _revenue(connection: asyncpg.Connection, dealer: int, start: date, end: date) -> Any:
    rows = await connection.fetch(REVENUE_SQL, dealer, start, end)
    zero = Decimal("0.00")
    amounts = {k: {p: zero for p in PAY_TYPES} for k in LINE_KINDS}
    hours = {p: zero for p in PAY_TYPES}
    for r in rows:
        amounts[r["kind"]][r["pay_type"]] += r["amount"]
        if r["kind"] == "labour":
            hours[r["pay_type"]] += r["hours"]
    by_kind = {k: sum(v.values(), zero) for k, v in amounts.items()}
    by_pay = {p: sum((amounts[k][p] for k in LINE_KINDS), zero) for p in PAY_TYPES}
    return {
        "by_kind": {k: _num(v) for k, v in by_kind.items()},
        "by_pay_type": {p: _num(v) for p, v in by_pay.items()},
        "by_kind_and_pay_type": {k: {p: _num(a) for p, a in v.items()} for k, v in amounts.items()},
        "labour_hours_by_pay_type": {p: _num(h) for p, h in hours.items()},
        "total": _num(sum(by_kind.values(), zero)),
    }


async def _parts(
    connection: asyncpg.Connection, dealer: int, start: date, end: date, sales: str | None
) -> Any:
    found = await dealer_kpis(connection, [dealer], start, end)
    if not found:
        return {"sales": sales}
    k = found[0]
    return {
        "sales": sales,
        "issue_cost": _num(k.stock.issue_cost),
        "requests": k.fill.requests,
        "requests_available": k.fill.requests_available,
        "fill_rate": _num(k.fill.fill_rate),
        "inventory_value": _num(k.stock.inventory_value),
        "average_inventory_value": _num(k.stock.average_inventory_value),
        "turnover": _num(k.stock.turnover),
        "days_of_supply": _num(k.stock.days_of_supply),
        "stocked_items": k.dead.stocked_items,
        "dead_items": k.dead.dead_items,
        "dead_value": _num(k.dead.dead_value),
        "dead_value_share": _num(k.dead.dead_value_share),
    }


async def _warranty(connection: asyncpg.Connection, dealer: int, start: date, end: date) -> Any:
    rows = await warranty_monthly(connection, dealer, start, start)
    row = rows[0]
    rejected = await connection.fetchval(REJECTED_SQL, dealer, start, end)
    return {
        "submitted_count": row["submitted_count"],
        "submitted_amount": _num(row["submitted_amount"]),
        "approved_count": row["approved_count"],
        "approved_amount": _num(row["approved_amount"]),
        "rejected_count": rejected,
        "paid_amount": _num(row["paid_amount"]),
        "charged_back_amount": _num(row["charged_back_amount"]),
        "outstanding_amount": _num(row["outstanding_amount"]),
    }


async def _headcount(connection: asyncpg.Connection, dealer: int) -> Any:
    rows = await connection.fetch(HEADCOUNT_SQL, dealer)

    def named(role: str) -> tuple[str, str]:
        found = ROLES.get(role)
        return (found.name, found.name_zh) if found is not None else (role, role)

    return {
        "roles": [
            {
                "role": r["role"],
                "name": named(r["role"])[0],
                "name_zh": named(r["role"])[1],
                "planned": r["planned"],
                "filled": r["filled"],
            }
            for r in rows
        ],
        "planned": sum(r["planned"] for r in rows),
        "filled": sum(min(r["filled"], r["planned"]) for r in rows),
    }


async def report_body(
    connection: asyncpg.Connection, dealer_id: int, month: date, now: datetime
) -> dict[str, Any]:
    """The month's figures of one dealer (the caller's transaction must see the dealer).
    Headcount is as of ``now``: the plan has no history."""
    start, end = month.replace(day=1), month_end(month.replace(day=1))
    revenue = await _revenue(connection, dealer_id, start, end)
    care = (await care_measures(connection, [dealer_id], [(start, end)], now))[0]
    return {
        "version": BODY_VERSION,
        "month": start.isoformat(),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "service": await _service(connection, dealer_id, start, end),
        "revenue": revenue,
        "care": care.as_json(),
        "parts": await _parts(connection, dealer_id, start, end, revenue["by_kind"]["part"]),
        "warranty": await _warranty(connection, dealer_id, start, end),
        "headcount": await _headcount(connection, dealer_id),
    }


def body_json(body: dict[str, Any]) -> Any:
    """The body as plain JSON values (the tenant connections' jsonb codec encodes them)."""
    return json.loads(json.dumps(body, default=str))

"""Prices and totals of order lines: a line's amount, and totals overall, per kind and
per pay type, with the customer's share (what the customer pays himself)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg

LINE_KINDS = ("labour", "part", "material")
PAY_TYPES = ("customer", "warranty", "insurance", "internal")
DEFAULT_LABOUR_RATE = Decimal("180.00")
CENT = Decimal("0.01")

AMOUNT_SQL = "round(quantity * unit_price * coalesce(hours, 1), 2)"
"""A labour line is hours x rate (x quantity, normally 1); parts and materials quantity x price."""


def cents(value: object) -> Decimal:
    """A number from JSON (a revision's snapshot) as an amount with two decimals."""
    return Decimal(str(value)).quantize(CENT)


def line_amount(quantity: Decimal, unit_price: Decimal, hours: Decimal | None) -> Decimal:
    return (quantity * unit_price * (hours if hours is not None else Decimal(1))).quantize(CENT)


@dataclass
class Totals:
    labour: Decimal = Decimal("0.00")
    parts: Decimal = Decimal("0.00")
    materials: Decimal = Decimal("0.00")
    by_pay_type: dict[str, Decimal] = field(
        default_factory=lambda: {p: Decimal("0.00") for p in PAY_TYPES}
    )

    @property
    def total(self) -> Decimal:
        return self.labour + self.parts + self.materials

    @property
    def customer_share(self) -> Decimal:
        return self.by_pay_type["customer"]

    def add(self, kind: str, pay_type: str, amount: Decimal) -> None:
        if kind == "labour":
            self.labour += amount
        elif kind == "part":
            self.parts += amount
        else:
            self.materials += amount
        self.by_pay_type[pay_type] += amount

    def by_pay_type_json(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.by_pay_type.items()}


def totals_of(lines: Iterable[Any]) -> Totals:
    """Totals of rows (records or dicts) carrying kind, pay_type and amount."""
    totals = Totals()
    for line in lines:
        totals.add(line["kind"], line["pay_type"], cents(line["amount"]))
    return totals


async def order_totals(
    connection: asyncpg.Connection, order_ids: list[int], statuses: tuple[str, ...]
) -> dict[int, Totals]:
    """Totals per order over its lines in ``statuses``, in one grouped query."""
    rows = await connection.fetch(
        f"""
        select repair_order_id, kind, pay_type, sum({AMOUNT_SQL}) as amount
          from repair_order_line
         where repair_order_id = any($1::bigint[]) and status = any($2::text[])
         group by 1, 2, 3
        """,
        order_ids,
        list(statuses),
    )
    result = {order_id: Totals() for order_id in order_ids}
    for row in rows:
        result[row["repair_order_id"]].add(row["kind"], row["pay_type"], row["amount"])
    return result


async def labour_rate(connection: asyncpg.Connection, dealer_id: int) -> Decimal:
    rate: Decimal | None = await connection.fetchval(
        "select labour_rate from service_settings where dealer_id = $1", dealer_id
    )
    return rate if rate is not None else DEFAULT_LABOUR_RATE

"""Parts KPIs of dealers over a period, computed in PostgreSQL (domain sections 4 and 6).

The period is ``[start, end]`` in each dealer's own calendar (its time zone), like the
service measures. Every query takes an array of dealers and answers one row per dealer,
so the regional view costs the same number of queries as one dealer's dashboard.
Stock values are reconstructed from the ledger (FIFO lots and their allocations), never
from today's balance, so a past period shows what the shelves held then.

Definitions:

- **fill rate** (first-pick availability): parts requests made in the period, cancelled
  ones left out, whose whole quantity was on the shelf when asked
  (``available_at_request``) / all of them. The **order fill rate** is the same by repair
  order: orders all of whose requests in the period were available / orders with requests.
- **inventory value** at a moment: the FIFO value on the shelf then, i.e. the cost of
  every lot received before it minus the cost of every allocation taken from lots by
  movements before it.
- **turnover**: the cost of goods issued over the 12 months ending with the period
  (issue movements at the FIFO cost of the lots they took, minus returns at their cost)
  / the average inventory value at the 13 month marks of that year (its opening and its
  12 month-ends; calendar month-ends when the period ends on a month's last day).
- **days of supply**: the inventory value at the end of the period / the average daily
  cost of issues in the period.
- **dead stock**: items with stock at the end of the period and no movement at all in
  the ``dead_stock_days`` before it (``parts_settings``, default 365); **slow-moving**:
  items with stock whose last movement is older than ``slow_moving_days`` (default 180)
  but not dead. Counted and valued at FIFO cost.
- **aging**: inventory value at the end of the period by the age of its FIFO lots
  (days since the lot was received): 0-90, 91-180, 181-365, over 365.
- **emergency order share**: purchase-order lines of orders sent to the supplier in the
  period (``ordered_at``; cancelled orders left out) on emergency orders / all such
  lines, by count and by value (quantity x unit price).

A ratio with nothing to measure (a zero denominator) is ``None``, never 0. For a region,
counts and values add up, each ratio is pooled over the region (summed numerators over
summed denominators) and the median of the dealers' own ratios is given beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-90", 0, 90),
    ("91-180", 91, 180),
    ("181-365", 181, 365),
    ("over-365", 366, None),
)
"""Aging bands in whole days since receipt: (key, first day, last day)."""

DEFAULT_DEAD_STOCK_DAYS = 365
DEFAULT_SLOW_MOVING_DAYS = 180

_PERIOD = """
period as (
  select d.id as dealer_id,
         ($2::date)::timestamp at time zone d.time_zone as t0,
         ($3::date + 1)::timestamp at time zone d.time_zone as t1,
         ($3::date + 1 - $2::date) as days,
         -- Month marks of the turnover year, oldest first: marks[13] is the period's end.
         array(select (($3::date + 1)::timestamp - make_interval(months => k))
                        at time zone d.time_zone
                 from generate_series(12, 0, -1) as k) as marks
    from dealer d
   where d.id = any($1::bigint[])
)"""

# Stock value events: every lot received adds its cost, every allocation from a lot takes
# its cost away; issues and returns are the cost of goods issued. ``b`` is the month of
# the turnover year an event falls in (0 before it, 13 after the period).
_EVENTS = """
events as (
  select l.dealer_id, width_bucket(l.received_at, p.marks) as b, l.received_at as at,
         l.quantity * l.unit_cost as net,
         case when m.kind = 'return' then -l.quantity * l.unit_cost else 0 end as cogs
    from stock_lot l
    join period p on p.dealer_id = l.dealer_id
    join stock_movement m on m.dealer_id = l.dealer_id and m.id = l.movement_id
   where l.dealer_id = any($1::bigint[])
  union all
  select a.dealer_id, width_bucket(m.created_at, p.marks), m.created_at,
         -a.quantity * a.unit_cost,
         case when m.kind = 'issue' then a.quantity * a.unit_cost else 0 end
    from stock_lot_allocation a
    join period p on p.dealer_id = a.dealer_id
    join stock_movement m on m.dealer_id = a.dealer_id and m.id = a.movement_id
   where a.dealer_id = any($1::bigint[])
),
buckets as (
  select dealer_id, b, sum(net) as net, sum(cogs) as cogs from events group by dealer_id, b
),
-- The inventory value at each of the 13 marks: everything before it.
mark_values as (
  select p.dealer_id, i,
         coalesce((select sum(x.net) from buckets x
                    where x.dealer_id = p.dealer_id and x.b < i), 0) as value
    from period p cross join generate_series(1, 13) as i
)"""

# Lots as they stood at the end of the period: received before it, less what movements
# before it took.
_LOTS_AT_END = """
taken as (
  select a.dealer_id, a.lot_id, sum(a.quantity) as quantity
    from stock_lot_allocation a
    join period p on p.dealer_id = a.dealer_id
    join stock_movement m on m.dealer_id = a.dealer_id and m.id = a.movement_id
   where a.dealer_id = any($1::bigint[]) and m.created_at < p.t1
   group by a.dealer_id, a.lot_id
),
lots_at_end as (
  select l.dealer_id, l.stock_item_id, l.received_at, l.unit_cost, p.t1,
         l.quantity - coalesce(t.quantity, 0) as remaining
    from stock_lot l
    join period p on p.dealer_id = l.dealer_id
    left join taken t on t.dealer_id = l.dealer_id and t.lot_id = l.id
   where l.dealer_id = any($1::bigint[]) and l.received_at < p.t1
     and l.quantity - coalesce(t.quantity, 0) > 0
)"""

FILL_RATE_SQL = f"""
with {_PERIOD},
requests as (
  select r.dealer_id, r.repair_order_id, r.available_at_request
    from parts_request r join period p on p.dealer_id = r.dealer_id
   where r.dealer_id = any($1::bigint[]) and r.status <> 'cancelled'
     and r.requested_at >= p.t0 and r.requested_at < p.t1
),
by_request as (
  select dealer_id, count(*) as requests,
         count(*) filter (where available_at_request) as requests_available
    from requests group by dealer_id
),
by_order as (
  select dealer_id, count(*) as orders, count(*) filter (where all_available) as orders_available
    from (select dealer_id, repair_order_id, bool_and(available_at_request) as all_available
            from requests group by dealer_id, repair_order_id) o
   group by dealer_id
)
select p.dealer_id,
       coalesce(r.requests, 0) as requests,
       coalesce(r.requests_available, 0) as requests_available,
       round(r.requests_available::numeric / nullif(r.requests, 0), 4) as fill_rate,
       coalesce(o.orders, 0) as orders,
       coalesce(o.orders_available, 0) as orders_available,
       round(o.orders_available::numeric / nullif(o.orders, 0), 4) as order_fill_rate
  from period p
  left join by_request r on r.dealer_id = p.dealer_id
  left join by_order o on o.dealer_id = p.dealer_id
"""

STOCK_VALUE_SQL = f"""
with {_PERIOD}, {_EVENTS},
year as (
  select p.dealer_id,
         (select value from mark_values v where v.dealer_id = p.dealer_id and v.i = 13)
           as inventory_value,
         (select avg(value) from mark_values v where v.dealer_id = p.dealer_id)
           as average_inventory_value,
         coalesce((select sum(cogs) from buckets x
                    where x.dealer_id = p.dealer_id and x.b between 1 and 12), 0)
           as issue_cost_12_months,
         coalesce((select sum(e.cogs) from events e
                    where e.dealer_id = p.dealer_id and e.at >= p.t0 and e.at < p.t1), 0)
           as issue_cost,
         p.days
    from period p
)
select dealer_id, round(inventory_value, 2) as inventory_value,
       round(average_inventory_value, 2) as average_inventory_value,
       round(issue_cost_12_months, 2) as issue_cost_12_months,
       round(issue_cost, 2) as issue_cost, days,
       case when average_inventory_value > 0
            then round(issue_cost_12_months / average_inventory_value, 2) end as turnover,
       case when issue_cost > 0
            then round(inventory_value / (issue_cost / days), 1) end as days_of_supply
  from year
"""

TREND_SQL = f"""
with {_PERIOD}, {_EVENTS},
requests as (
  select r.dealer_id, width_bucket(r.requested_at, p.marks) as b, r.available_at_request
    from parts_request r join period p on p.dealer_id = r.dealer_id
   where r.dealer_id = any($1::bigint[]) and r.status <> 'cancelled'
     and r.requested_at >= p.marks[1] and r.requested_at < p.t1
)
select p.dealer_id, mo as month,
       (($3::date + 1) - make_interval(months => 13 - mo))::date as start,
       (($3::date + 1) - make_interval(months => 12 - mo))::date - 1 as "end",
       round(coalesce(c.cogs, 0), 2) as issue_cost,
       round(v1.value, 2) as inventory_value,
       case when v0.value + v1.value > 0 then round(
         coalesce(c.cogs, 0) * 365 / (extract(epoch from p.marks[mo + 1] - p.marks[mo]) / 86400)
         / ((v0.value + v1.value) / 2), 2) end as turnover,
       (select count(*) from requests r where r.dealer_id = p.dealer_id and r.b = mo) as requests,
       (select round(count(*) filter (where r.available_at_request)::numeric
                     / nullif(count(*), 0), 4)
          from requests r where r.dealer_id = p.dealer_id and r.b = mo) as fill_rate
  from period p
  cross join generate_series(1, 12) as mo
  join mark_values v0 on v0.dealer_id = p.dealer_id and v0.i = mo
  join mark_values v1 on v1.dealer_id = p.dealer_id and v1.i = mo + 1
  left join buckets c on c.dealer_id = p.dealer_id and c.b = mo
 order by p.dealer_id, mo
"""

DEAD_STOCK_SQL = f"""
with {_PERIOD}, {_LOTS_AT_END},
settings as (
  select p.dealer_id, p.t1,
         coalesce(s.dead_stock_days, {DEFAULT_DEAD_STOCK_DAYS}) as dead_days,
         coalesce(s.slow_moving_days, {DEFAULT_SLOW_MOVING_DAYS}) as slow_days
    from period p left join parts_settings s on s.dealer_id = p.dealer_id
),
stocked as (
  select l.dealer_id, l.stock_item_id, sum(l.remaining * l.unit_cost) as value
    from lots_at_end l group by l.dealer_id, l.stock_item_id
),
last_moved as (
  select m.dealer_id, m.stock_item_id, max(m.created_at) as at
    from stock_movement m join period p on p.dealer_id = m.dealer_id
   where m.dealer_id = any($1::bigint[]) and m.created_at < p.t1
   group by m.dealer_id, m.stock_item_id
),
classed as (
  select s.dealer_id, s.value,
         coalesce(lm.at, '-infinity') < st.t1 - make_interval(days => st.dead_days) as dead,
         coalesce(lm.at, '-infinity') < st.t1 - make_interval(days => st.slow_days) as slow
    from stocked s
    join settings st on st.dealer_id = s.dealer_id
    left join last_moved lm on lm.dealer_id = s.dealer_id and lm.stock_item_id = s.stock_item_id
)
select st.dealer_id, st.dead_days, st.slow_days,
       count(c.value) as stocked_items,
       round(coalesce(sum(c.value), 0), 2) as stock_value,
       count(*) filter (where c.dead) as dead_items,
       round(coalesce(sum(c.value) filter (where c.dead), 0), 2) as dead_value,
       count(*) filter (where c.slow and not c.dead) as slow_items,
       round(coalesce(sum(c.value) filter (where c.slow and not c.dead), 0), 2) as slow_value,
       round(sum(c.value) filter (where c.dead) / nullif(sum(c.value), 0), 4) as dead_value_share
  from settings st left join classed c on c.dealer_id = st.dealer_id
 group by st.dealer_id, st.dead_days, st.slow_days
"""

AGING_SQL = f"""
with {_PERIOD}, {_LOTS_AT_END},
bands as (
  select * from unnest($4::text[], $5::int[], $6::int[]) with ordinality
    as b(key, first_day, last_day, n)
),
aged as (
  select l.dealer_id, floor(extract(epoch from l.t1 - l.received_at) / 86400)::int as age,
         l.remaining, l.remaining * l.unit_cost as value
    from lots_at_end l
)
select p.dealer_id, b.key, b.first_day, b.last_day,
       coalesce(sum(a.remaining), 0) as quantity,
       round(coalesce(sum(a.value), 0), 2) as value
  from period p
  cross join bands b
  left join aged a on a.dealer_id = p.dealer_id and a.age >= b.first_day
                  and (b.last_day is null or a.age <= b.last_day)
 group by p.dealer_id, b.n, b.key, b.first_day, b.last_day
 order by p.dealer_id, b.n
"""

EMERGENCY_SQL = f"""
with {_PERIOD},
lines as (
  select o.dealer_id, o.urgency = 'emergency' as emergency, l.quantity * l.unit_price as value
    from purchase_order o
    join period p on p.dealer_id = o.dealer_id
    join purchase_order_line l on l.dealer_id = o.dealer_id and l.purchase_order_id = o.id
   where o.dealer_id = any($1::bigint[]) and o.status <> 'cancelled'
     and o.ordered_at >= p.t0 and o.ordered_at < p.t1
)
select p.dealer_id, count(l.value) as lines,
       count(*) filter (where l.emergency) as emergency_lines,
       round(coalesce(sum(l.value), 0), 2) as value,
       round(coalesce(sum(l.value) filter (where l.emergency), 0), 2) as emergency_value,
       round((count(*) filter (where l.emergency))::numeric / nullif(count(l.value), 0), 4)
         as emergency_share,
       round(sum(l.value) filter (where l.emergency) / nullif(sum(l.value), 0), 4)
         as emergency_value_share
  from period p left join lines l on l.dealer_id = p.dealer_id
 group by p.dealer_id
"""


# --- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FillRate:
    requests: int
    requests_available: int
    fill_rate: Decimal | None
    orders: int
    orders_available: int
    order_fill_rate: Decimal | None


@dataclass(frozen=True)
class StockValue:
    inventory_value: Decimal
    average_inventory_value: Decimal
    issue_cost_12_months: Decimal
    issue_cost: Decimal
    days: int
    turnover: Decimal | None
    days_of_supply: Decimal | None


@dataclass(frozen=True)
class DeadStock:
    dead_days: int
    slow_days: int
    stocked_items: int
    stock_value: Decimal
    dead_items: int
    dead_value: Decimal
    slow_items: int
    slow_value: Decimal
    dead_value_share: Decimal | None


@dataclass(frozen=True)
class AgingBand:
    key: str
    first_day: int
    last_day: int | None
    quantity: Decimal
    value: Decimal


@dataclass(frozen=True)
class EmergencyShare:
    lines: int
    emergency_lines: int
    value: Decimal
    emergency_value: Decimal
    emergency_share: Decimal | None
    emergency_value_share: Decimal | None


@dataclass(frozen=True)
class TrendMonth:
    month: int
    """1..12, oldest first; month 12 ends with the period."""
    start: date
    end: date
    issue_cost: Decimal
    inventory_value: Decimal
    """At the month's end."""
    turnover: Decimal | None
    """Annualised: the month's issue cost x 365 / its days / its average inventory value."""
    requests: int
    fill_rate: Decimal | None


@dataclass(frozen=True)
class DealerKpis:
    dealer_id: int
    fill: FillRate
    stock: StockValue
    dead: DeadStock
    aging: list[AgingBand]
    emergency: EmergencyShare


def _fields(row: asyncpg.Record, cls: type[Any]) -> Any:
    return cls(**{name: row[name] for name in cls.__dataclass_fields__})


def _per_dealer(rows: Iterable[asyncpg.Record], cls: type[Any]) -> dict[int, Any]:
    return {row["dealer_id"]: _fields(row, cls) for row in rows}


def _bands() -> tuple[list[str], list[int], list[int | None]]:
    return (
        [b[0] for b in AGE_BUCKETS],
        [b[1] for b in AGE_BUCKETS],
        [b[2] for b in AGE_BUCKETS],
    )


async def fill_rates(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], start: date, end: date
) -> dict[int, FillRate]:
    rows = await connection.fetch(FILL_RATE_SQL, list(dealer_ids), start, end)
    return _per_dealer(rows, FillRate)


async def stock_values(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], start: date, end: date
) -> dict[int, StockValue]:
    rows = await connection.fetch(STOCK_VALUE_SQL, list(dealer_ids), start, end)
    return _per_dealer(rows, StockValue)


async def dead_stock(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], start: date, end: date
) -> dict[int, DeadStock]:
    rows = await connection.fetch(DEAD_STOCK_SQL, list(dealer_ids), start, end)
    return _per_dealer(rows, DeadStock)


async def aging(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], start: date, end: date
) -> dict[int, list[AgingBand]]:
    rows = await connection.fetch(AGING_SQL, list(dealer_ids), start, end, *_bands())
    result: dict[int, list[AgingBand]] = {d: [] for d in dealer_ids}
    for row in rows:
        result[row["dealer_id"]].append(_fields(row, AgingBand))
    return result


async def emergency_shares(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], start: date, end: date
) -> dict[int, EmergencyShare]:
    rows = await connection.fetch(EMERGENCY_SQL, list(dealer_ids), start, end)
    return _per_dealer(rows, EmergencyShare)


async def trends(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], start: date, end: date
) -> dict[int, list[TrendMonth]]:
    """The 12 months ending with the period: issue cost, month-end value, annualised
    turnover and fill rate per month (calendar months when ``end`` is a month's end)."""
    rows = await connection.fetch(TREND_SQL, list(dealer_ids), start, end)
    result: dict[int, list[TrendMonth]] = {d: [] for d in dealer_ids}
    for row in rows:
        result[row["dealer_id"]].append(_fields(row, TrendMonth))
    return result


async def dealer_kpis(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], start: date, end: date
) -> list[DealerKpis]:
    """Every figure set for each dealer: one query per set, whatever the number of dealers."""
    fill = await fill_rates(connection, dealer_ids, start, end)
    stock = await stock_values(connection, dealer_ids, start, end)
    dead = await dead_stock(connection, dealer_ids, start, end)
    aged = await aging(connection, dealer_ids, start, end)
    emergency = await emergency_shares(connection, dealer_ids, start, end)
    return [
        DealerKpis(d, fill[d], stock[d], dead[d], aged[d], emergency[d])
        for d in dealer_ids
        if d in fill
    ]


# --- regions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    name: str
    numerator: str
    denominator: str
    scale: int
    factor: str = "1"
    """Multiplies the pooled ratio: days of supply divides value by cost per day."""


@dataclass(frozen=True)
class FigureSet:
    sql: str
    totals: tuple[str, ...]
    ratios: tuple[Ratio, ...]
    medians: tuple[str, ...] = ()
    """Totals whose median over the dealers is wanted too."""

    def summary_sql(self) -> str:
        """Region totals, pooled ratios and the median of the dealers' own figures."""
        columns = [f"coalesce(sum(d.{c}), 0) as {c}" for c in self.totals]
        columns += [
            f"round((percentile_cont(0.5) within group (order by d.{c}))::numeric, 2) as {c}_median"
            for c in self.medians
        ]
        for r in self.ratios:
            columns.append(
                f"case when sum(d.{r.denominator}) > 0 then round(sum(d.{r.numerator})"
                f" * {r.factor} / sum(d.{r.denominator}), {r.scale}) end as {r.name}"
            )
            columns.append(
                f"round((percentile_cont(0.5) within group (order by d.{r.name}))::numeric,"
                f" {r.scale}) as {r.name}_median"
            )
        return f"select {', '.join(columns)} from ({self.sql}) d"


FIGURE_SETS: dict[str, FigureSet] = {
    "fill": FigureSet(
        FILL_RATE_SQL,
        ("requests", "requests_available", "orders", "orders_available"),
        (
            Ratio("fill_rate", "requests_available", "requests", 4),
            Ratio("order_fill_rate", "orders_available", "orders", 4),
        ),
    ),
    "stock": FigureSet(
        STOCK_VALUE_SQL,
        ("inventory_value", "average_inventory_value", "issue_cost_12_months", "issue_cost"),
        (
            Ratio("turnover", "issue_cost_12_months", "average_inventory_value", 2),
            Ratio("days_of_supply", "inventory_value", "issue_cost", 1, "max(d.days)"),
        ),
        ("inventory_value",),
    ),
    "dead": FigureSet(
        DEAD_STOCK_SQL,
        ("stocked_items", "stock_value", "dead_items", "dead_value", "slow_items", "slow_value"),
        (Ratio("dead_value_share", "dead_value", "stock_value", 4),),
        ("dead_value", "slow_value"),
    ),
    "emergency": FigureSet(
        EMERGENCY_SQL,
        ("lines", "emergency_lines", "value", "emergency_value"),
        (
            Ratio("emergency_share", "emergency_lines", "lines", 4),
            Ratio("emergency_value_share", "emergency_value", "value", 4),
        ),
    ),
}


@dataclass(frozen=True)
class RegionSummary:
    figures: dict[str, Any]
    """Totals, pooled ratios and ``<ratio>_median`` per figure, by column name."""
    aging: list[AgingBand]


async def region_summary(
    connection: asyncpg.Connection, dealer_ids: Sequence[int], start: date, end: date
) -> RegionSummary:
    """Region totals and medians over ``dealer_ids``: one query per figure set."""
    figures: dict[str, Any] = {}
    for figure_set in FIGURE_SETS.values():
        row = await connection.fetchrow(figure_set.summary_sql(), list(dealer_ids), start, end)
        assert row is not None
        figures.update(dict(row))
    rows = await connection.fetch(
        f"""
        select key, min(first_day) as first_day, min(last_day) as last_day,
               sum(quantity) as quantity, sum(value) as value
          from ({AGING_SQL}) a group by key order by min(first_day)
        """,
        list(dealer_ids),
        start,
        end,
        *_bands(),
    )
    return RegionSummary(figures, [_fields(r, AgingBand) for r in rows])

"""The reorder run against the plainest question one could ask of the same movements.

``<db>_bench_reorder`` is recreated and migrated, a region is generated
(``bench.reorder_data``), then, in the same process and alternating so both see the
same machine load:

- **run**: what the worker's job does for one dealer (``execute_run``: claim, the
  one-statement computation of every suggestion, the region's transfer offers, done),
  through the app's pool as the non-owner role under RLS;
- **yardstick**: one hand-written aggregate over the same movements, the per-item
  daily demand sum of the run's history window, in the same kind of transaction.

The figure to read is the ratio run / yardstick: what the forecast, levels, supersession,
position, rounding, explanation and transfer offers cost on top of merely reading the
demand. The region is every dealer's run one after the other (as one worker would)
against one aggregate over the whole region's movements.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import asyncpg

from bench.database import bench_url, migrate, recreate
from bench.reorder_data import Region, check_consistent, generate

YARDSTICK_SQL = """
select count(*) as item_days, coalesce(sum(qty), 0) as demand from (
  select m.dealer_id, m.stock_item_id,
         (m.created_at at time zone 'Asia/Shanghai')::date as day, -sum(m.quantity) as qty
    from stock_movement m
   where m.dealer_id = any($1::bigint[]) and m.kind in ('issue', 'return')
     and m.created_at >= ($2::date - 730)::timestamp at time zone 'Asia/Shanghai'
     and m.created_at < $2::date::timestamp at time zone 'Asia/Shanghai'
   group by 1, 2, 3) d
"""


def reorder_url() -> str:
    parsed = urlparse(bench_url())
    return urlunparse(parsed._replace(path=parsed.path + "_reorder"))


@dataclass(frozen=True)
class Timing:
    run_seconds: list[float]
    yardstick_seconds: list[float]
    run_cpu: list[float]
    yardstick_cpu: list[float]

    @property
    def run(self) -> float:
        return statistics.median(self.run_seconds)

    @property
    def yardstick(self) -> float:
        return statistics.median(self.yardstick_seconds)

    @property
    def ratio(self) -> float:
        return self.run / self.yardstick

    @property
    def cpu_ratio(self) -> float | None:
        """The same ratio in CPU seconds of the PostgreSQL backend: what other load on the
        machine does not move (None when the server's process is not readable here)."""
        if not self.run_cpu or not self.yardstick_cpu:
            return None
        return statistics.median(self.run_cpu) / max(statistics.median(self.yardstick_cpu), 0.01)


class BackendClock:
    """CPU seconds used so far by the one backend of the app's pool (the pool holds one
    connection, so every transaction of a run uses it); Linux, local server only."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid

    def read(self) -> float | None:
        if self.pid is None:
            return None
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @classmethod
    async def of_pool(cls) -> BackendClock:
        from tenants.database import TenantScope, tenant_transaction

        async with tenant_transaction(TenantScope.of(()), fresh=True) as tx:
            pid: int = await tx.connection.fetchval("select pg_backend_pid()")
        return cls(pid)


class Measured:
    """Wall and backend CPU time of one measured call."""

    def __init__(self, clock: BackendClock) -> None:
        self.clock = clock
        self.wall = 0.0
        self.cpu: float | None = None

    def __enter__(self) -> Measured:
        self._cpu0 = self.clock.read()
        self._wall0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall0
        cpu1 = self.clock.read()
        if self._cpu0 is not None and cpu1 is not None:
            self.cpu = cpu1 - self._cpu0


@dataclass(frozen=True)
class ReorderBench:
    region: Region
    consistent: bool
    dealer: Timing
    whole_region: Timing
    suggestions: int
    with_offers: int
    emergencies: int
    item_days: int
    movements_of_dealer: int


async def _yardstick(
    dealer_ids: list[int], as_of: date, clock: BackendClock
) -> tuple[Measured, int]:
    from tenants.database import TenantScope, tenant_transaction

    with Measured(clock) as measured:
        async with tenant_transaction(TenantScope.of(dealer_ids), fresh=True) as tx:
            row = await tx.connection.fetchrow(YARDSTICK_SQL, dealer_ids, as_of)
    assert row is not None
    return measured, int(row["item_days"])


async def _runs(
    owner: asyncpg.Connection, dealer_ids: list[int], as_of: date, clock: BackendClock
) -> Measured:
    """A run of each dealer, one after the other, as the worker's job does it."""
    from tenants.parts.reorder import execute_run

    run_ids = [
        await owner.fetchval(
            "insert into reorder_run (dealer_id, trigger, as_of) values ($1, 'on_demand', $2)"
            " returning id",
            dealer_id,
            as_of,
        )
        for dealer_id in dealer_ids
    ]
    with Measured(clock) as measured:
        for dealer_id, run_id in zip(dealer_ids, run_ids, strict=True):
            outcome = await execute_run(dealer_id, run_id)
            if outcome != "done":
                raise RuntimeError(f"run {run_id} of dealer {dealer_id}: {outcome}")
    return measured


async def run(*, dealers: int, parts: int = 20_000, repeats: int = 3) -> ReorderBench:
    url = reorder_url()
    await recreate(url)
    migrate(url)
    os.environ["DATABASE_URL"] = url  # the app's engine reads it on first use
    from tenants.database import close_pool, start_pool

    owner = await asyncpg.connect(url)
    try:
        region = await generate(owner, dealers=dealers, parts=parts)
        consistent = await check_consistent(owner)
        as_of = await owner.fetchval("select (now() at time zone 'Asia/Shanghai')::date")
        first = region.dealer_ids[0]
        await start_pool(min_size=1, max_size=1)
        try:
            clock = await BackendClock.of_pool()
            await _runs(owner, [first], as_of, clock)  # warm-up: caches, plans
            await _yardstick([first], as_of, clock)
            item_days = 0
            dealer_runs: list[Measured] = []
            dealer_sticks: list[Measured] = []
            for _ in range(repeats):
                stick, item_days = await _yardstick([first], as_of, clock)
                dealer_sticks.append(stick)
                dealer_runs.append(await _runs(owner, [first], as_of, clock))
            dealer = _timing(dealer_runs, dealer_sticks)
            region_runs: list[Measured] = []
            region_sticks: list[Measured] = []
            for _ in range(1 if dealers > 10 else 2):
                region_sticks.append((await _yardstick(region.dealer_ids, as_of, clock))[0])
                region_runs.append(await _runs(owner, region.dealer_ids, as_of, clock))
            whole_region = _timing(region_runs, region_sticks)
        finally:
            await close_pool()
        latest = await owner.fetchrow(
            """
            select count(*) as suggestions,
                   count(*) filter (where jsonb_array_length(explanation -> 'transfers') > 0)
                     as with_offers,
                   count(*) filter (where emergency) as emergencies
              from reorder_suggestion
             where run_id = (select max(id) from reorder_run where dealer_id = $1)
            """,
            first,
        )
        movements_of_dealer = await owner.fetchval(
            "select count(*) from stock_movement where dealer_id = $1", first
        )
    finally:
        await owner.close()
    return ReorderBench(
        region,
        consistent,
        dealer,
        whole_region,
        latest["suggestions"],
        latest["with_offers"],
        latest["emergencies"],
        item_days,
        movements_of_dealer,
    )


def _timing(runs: list[Measured], sticks: list[Measured]) -> Timing:
    return Timing(
        [m.wall for m in runs],
        [m.wall for m in sticks],
        [m.cpu for m in runs if m.cpu is not None],
        [m.cpu for m in sticks if m.cpu is not None],
    )


def _cpu(timing: Timing) -> str:
    ratio = timing.cpu_ratio
    return "n/a" if ratio is None else f"{ratio:.1f}x"


def report(result: ReorderBench) -> str:
    r = result.region
    when = datetime.now(UTC).date().isoformat()
    d, g = result.dealer, result.whole_region
    return "\n".join(
        [
            f"Reorder run, a region of {len(r.dealer_ids)} dealers x {r.parts:,} stocked parts,"
            f" two years of history: {r.movements:,} movements ({result.movements_of_dealer:,}"
            f" at the timed dealer), generated in {r.seconds:.0f} s; balances, ledger and lots"
            f" agree: {'yes' if result.consistent else 'NO'} ({when}, CPython"
            f" {platform.python_version()}, {platform.machine()}).",
            "",
            "| what | run (median s) | yardstick aggregate (median s) | ratio (wall) |"
            " ratio (database CPU) |",
            "| --- | ---: | ---: | ---: | ---: |",
            f"| one dealer ({result.item_days:,} item-days of demand) | {d.run:.2f} |"
            f" {d.yardstick:.2f} | {d.ratio:.1f}x | {_cpu(d)} |",
            f"| the region, {len(r.dealer_ids)} runs one after the other | {g.run:.1f} |"
            f" {g.yardstick:.1f} | {g.ratio:.1f}x | {_cpu(g)} |",
            "",
            f"The timed dealer's last run: {result.suggestions:,} suggestions, of them"
            f" {result.emergencies:,} emergencies and {result.with_offers:,} with a transfer"
            f" offer from the region. Runs: {', '.join(f'{s:.2f}' for s in d.run_seconds)} s;"
            f" aggregates: {', '.join(f'{s:.2f}' for s in d.yardstick_seconds)} s.",
        ]
    )

"""Reorder runs: requested nightly or on demand, computed by the arq worker.

A run moves queued -> running -> done | failed. The worker claims it in a short
transaction (so screens see it running), then computes it in ONE transaction that
holds the run's row lock: the suggestions, the transfer offers, the superseding of
older suggestions and ``done`` commit together or not at all. A worker that dies
mid-run leaves the row ``running`` but unlocked; ``recover_runs`` (a cron) finds such
runs and queues them again under a new job id, so a run is never lost. Each job is for
one attempt (the number of workers that took the run up before it), and the row lock,
status and attempt count make any other job for the same run a no-op, so a run is never
computed twice at once nor counted twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import asyncpg
from arq import ArqRedis

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tenants.parts.forecast import ForecastParameters, load_parameters
from tenants.parts.reorder_queue import QueuedRun, enqueue_runs
from tenants.parts.reorder_sql import (
    OFFERS_INTO_SUGGESTIONS_SQL,
    SUCCESSOR_ITEMS_SQL,
    SUGGESTIONS_SQL,
)

log = logging.getLogger("dealernet.reorder")

Trigger = Literal["nightly", "on_demand"]
Outcome = Literal["done", "failed", "busy", "finished", "missing"]
"""done/failed: this call finished the run; busy: another worker holds it; finished:
it was already done or failed; missing: no such run."""

MAX_ATTEMPTS = 3
"""A run whose worker died this many times is failed rather than tried forever."""
STALE_RUNNING = timedelta(seconds=30)
"""A claimed run not yet locked by its worker's computation is not taken for dead."""
STALE_QUEUED = timedelta(minutes=2)
"""A run still queued after this is queued again (its job may have been lost)."""
OFFERS_PER_SUGGESTION = 3
NIGHTLY_FROM, NIGHTLY_UNTIL = time(2), time(6)
"""Local hours in which a dealer's nightly run is created (late starts catch up)."""


@dataclass(frozen=True)
class RequestedRun:
    run_id: int
    status: str
    created: bool
    """False: a run of the dealer was already pending, and that one is returned."""


async def request_run(
    tx: ActiveTransaction, dealer_id: int, *, trigger: Trigger, request_id: str = ""
) -> RequestedRun:
    """Queue a run for the dealer (its local today), or return the one already pending:
    one pending run per dealer (a unique index)."""
    row = await tx.connection.fetchrow(
        """
        insert into reorder_run (dealer_id, trigger, requested_by, as_of)
        select d.id, $2, $3, (now() at time zone d.time_zone)::date from dealer d where d.id = $1
        on conflict do nothing
        returning id, status, requested_at
        """,
        dealer_id,
        trigger,
        tx.scope.user_id,
    )
    if row is None:
        pending = await tx.connection.fetchrow(
            "select id, status from reorder_run where dealer_id = $1"
            " and status in ('queued', 'running')",
            dealer_id,
        )
        assert pending is not None, "the pending run vanished under its unique index"
        return RequestedRun(pending["id"], pending["status"], created=False)
    run_id: int = row["id"]
    queued = QueuedRun(run_id, dealer_id, row["requested_at"])
    await record(
        dealer_id=dealer_id,
        action="reorder_run.request",
        object_type="reorder_run",
        object_id=run_id,
        after={"trigger": trigger},
        request_id=request_id,
    )

    async def enqueue() -> None:
        await enqueue_runs([queued])

    tx.on_commit(enqueue)
    return RequestedRun(run_id, row["status"], created=True)


async def claim_run(dealer_id: int, run_id: int, attempt: int) -> Outcome | None:
    """Mark the run running (visible at once); None when this job may compute it: the
    job of attempt N takes a run that N workers took before, so a duplicate job (or one
    arriving between another's claim and computation) leaves it alone.

    A duplicate job checking the row at the same moment holds its lock for an instant;
    the rightful job must not take that for a busy run and give up (the run would wait
    for recovery), so a locked row whose attempts say "yours" is asked again briefly."""
    for _ in range(_CLAIM_TRIES - 1):
        outcome = await _claim_once(dealer_id, run_id, attempt)
        if outcome != "locked":
            return outcome
        await asyncio.sleep(_CLAIM_PAUSE_SECONDS)
    outcome = await _claim_once(dealer_id, run_id, attempt)
    return "busy" if outcome == "locked" else outcome


_CLAIM_TRIES = 5
_CLAIM_PAUSE_SECONDS = 0.05


async def _claim_once(
    dealer_id: int, run_id: int, attempt: int
) -> Outcome | Literal["locked"] | None:
    async with tenant_transaction(TenantScope.of((dealer_id,)), fresh=True) as tx:
        row = await tx.connection.fetchrow(
            "select status, attempts from reorder_run where dealer_id = $1 and id = $2"
            " for update skip locked",
            dealer_id,
            run_id,
        )
        if row is None:
            attempts = await tx.connection.fetchval(
                "select attempts from reorder_run where dealer_id = $1 and id = $2",
                dealer_id,
                run_id,
            )
            if attempts is None:
                return "missing"
            return "locked" if attempts == attempt else "busy"
        if row["status"] in ("done", "failed"):
            return "finished"
        if row["attempts"] != attempt:
            return "busy"
        await tx.connection.execute(
            "update reorder_run set status = 'running', started_at = now(),"
            " attempts = attempts + 1, error = '' where dealer_id = $1 and id = $2",
            dealer_id,
            run_id,
        )
    return None


@asynccontextmanager
async def region_visibility(tx: ActiveTransaction, dealer_id: int) -> AsyncIterator[list[int]]:
    """Widen what the transaction sees to the dealer's region for the statements inside.

    Only the trusted run does this, for transfer offers, and only part, dealer and
    transferable quantity leave those statements. On success the dealer's own scope
    is restored; on error the transaction rolls back anyway."""
    region = [
        r["id"]
        for r in await tx.connection.fetch(
            "select id from dealer where region_id = (select region_id from dealer where id = $1)",
            dealer_id,
        )
    ]
    await tx.connection.execute(
        "select set_config('app.dealer_ids', $1, true)", TenantScope.of(region).pg_array()
    )
    yield region
    await tx.connection.execute(
        "select set_config('app.dealer_ids', $1, true)", tx.scope.pg_array()
    )


@dataclass(frozen=True)
class Computed:
    considered: int
    suggested: int
    new_items: int


async def compute_suggestions(
    tx: ActiveTransaction, dealer_id: int, run_id: int, params: ForecastParameters
) -> Computed:
    """The run's work: items for current numbers, every suggestion in one statement, the
    transfer offers of the region, older open suggestions superseded. Re-running it for
    the same run replaces that run's suggestions."""
    connection = tx.connection
    # The run's aggregates hold a dealer's history in memory rather than spill to disk;
    # JIT would compile the big statement for longer than it runs; and a plan made for
    # unknown values (the cached generic plan of a prepared statement) would not know
    # how much history it reads, so every run is planned for its own values.
    await connection.execute(
        "select set_config('work_mem', '64MB', true), set_config('jit', 'off', true),"
        " set_config('plan_cache_mode', 'force_custom_plan', true)"
    )
    run = await connection.fetchrow(
        "select r.as_of, d.time_zone from reorder_run r join dealer d on d.id = r.dealer_id"
        " where r.dealer_id = $1 and r.id = $2",
        dealer_id,
        run_id,
    )
    assert run is not None
    as_of: date = run["as_of"]
    zone = ZoneInfo(run["time_zone"])
    history_from = datetime.combine(as_of - timedelta(days=params.history_days), time(), zone)
    history_to = datetime.combine(as_of, time(), zone)
    new_items = await connection.fetch(SUCCESSOR_ITEMS_SQL, dealer_id, params.history_days)
    await connection.execute(
        "delete from reorder_suggestion where dealer_id = $1 and run_id = $2", dealer_id, run_id
    )
    row = await connection.fetchrow(
        SUGGESTIONS_SQL,
        dealer_id,
        run_id,
        as_of,
        params.z,
        params.history_days,
        params.window_days,
        params.review_period_days,
        params.season_months,
        params.season_min_qty,
        params.factor_min,
        params.factor_max,
        params.service_level,
        history_from,
        history_to,
    )
    assert row is not None
    if row["suggested"]:
        async with region_visibility(tx, dealer_id):
            # The recursive family of numbers looks small to the planner; probing each
            # dealer's items per suggestion instead of joining the region's spare stock
            # once costs a third more at the size of a region.
            await connection.execute("select set_config('enable_nestloop', 'off', true)")
            await connection.execute(
                OFFERS_INTO_SUGGESTIONS_SQL, dealer_id, run_id, OFFERS_PER_SUGGESTION
            )
            await connection.execute("select set_config('enable_nestloop', 'on', true)")
    await connection.execute(
        "update reorder_suggestion set status = 'superseded'"
        " where dealer_id = $1 and status = 'open' and run_id <> $2",
        dealer_id,
        run_id,
    )
    if new_items:
        await record(
            dealer_id=dealer_id,
            action="stock_item.create_for_successor",
            object_type="reorder_run",
            object_id=run_id,
            after={"stock_items": [r["id"] for r in new_items]},
        )
    return Computed(row["considered"], row["suggested"], len(new_items))


async def execute_run(dealer_id: int, run_id: int, attempt: int = 0) -> Outcome:
    """What the worker's job for ``attempt`` (workers that took the run up before) does;
    safe to call twice for one run (see module doc)."""
    claimed = await claim_run(dealer_id, run_id, attempt)
    if claimed is not None:
        return claimed
    scope = TenantScope.of((dealer_id,))
    try:
        async with tenant_transaction(scope, fresh=True) as tx:
            row = await tx.connection.fetchrow(
                "select status, attempts from reorder_run where dealer_id = $1 and id = $2"
                " for update skip locked",
                dealer_id,
                run_id,
            )
            if row is None or row["attempts"] != attempt + 1:
                return "busy"
            if row["status"] != "running":
                return "finished"
            params = await load_parameters(tx.connection, dealer_id)
            computed = await compute_suggestions(tx, dealer_id, run_id, params)
            await tx.connection.execute(
                "update reorder_run set status = 'done', finished_at = clock_timestamp(),"
                " parameters = $3,"
                " items_considered = $4, suggestions = $5 where dealer_id = $1 and id = $2",
                dealer_id,
                run_id,
                params.as_json(),
                computed.considered,
                computed.suggested,
            )
            await record(
                dealer_id=dealer_id,
                action="reorder_run.done",
                object_type="reorder_run",
                object_id=run_id,
                after={"considered": computed.considered, "suggestions": computed.suggested},
            )
        return "done"
    except (asyncpg.PostgresError, LookupError, ValueError, ArithmeticError) as exc:
        log.exception("reorder run %s of dealer %s failed", run_id, dealer_id)
        async with tenant_transaction(scope, fresh=True) as tx:
            await tx.connection.execute(
                "update reorder_run set status = 'failed', finished_at = now(), error = $3"
                " where dealer_id = $1 and id = $2 and status = 'running'",
                dealer_id,
                run_id,
                f"{type(exc).__name__}: {exc}"[:500],
            )
            await record(
                dealer_id=dealer_id,
                action="reorder_run.failed",
                object_type="reorder_run",
                object_id=run_id,
                after={"error": type(exc).__name__},
            )
        return "failed"


async def _all_dealers() -> TenantScope:
    """The system's scope for network-wide housekeeping (the dealer list has no RLS)."""
    async with tenant_transaction(TenantScope.of(()), fresh=True) as tx:
        ids = [r["id"] for r in await tx.connection.fetch("select id from dealer")]
    return TenantScope.of(ids)


async def recover_runs(
    now: datetime | None = None, redis: ArqRedis | None = None
) -> list[tuple[int, int, int]]:
    """Queue again the runs whose job was lost or whose worker died (running, but no
    transaction holds the row); fail those that died ``MAX_ATTEMPTS`` times. Returns
    the (run, dealer, attempts) queued."""
    scope = await _all_dealers()
    if not scope.dealer_ids:
        return []
    async with tenant_transaction(scope, fresh=True) as tx:
        rows = await tx.connection.fetch(
            """
            select id, dealer_id, status, attempts, requested_at,
                   floor(extract(epoch from coalesce($2, now())
                                 - case when status = 'queued' then requested_at
                                        else started_at end)::float8
                         / extract(epoch from case when status = 'queued' then $3::interval
                                                   else $4::interval end)::float8)::int
                     as reissue
              from reorder_run
             where dealer_id = any($1::bigint[])
               and ((status = 'queued' and requested_at < coalesce($2, now()) - $3::interval)
                 or (status = 'running' and started_at < coalesce($2, now()) - $4::interval))
             order by id
               for update skip locked
            """,
            list(scope.dealer_ids),
            now,
            STALE_QUEUED,
            STALE_RUNNING,
        )
        given_up = [
            r["id"] for r in rows if r["status"] == "running" and r["attempts"] >= MAX_ATTEMPTS
        ]
        if given_up:
            await tx.connection.execute(
                """
                with failed as (
                  update reorder_run set status = 'failed', finished_at = now(),
                         error = 'the worker stopped during this run ' || attempts || ' times'
                   where id = any($1::bigint[])
                  returning id, dealer_id, attempts
                )
                insert into audit_entry (dealer_id, action, object_type, object_id, after)
                select dealer_id, 'reorder_run.failed', 'reorder_run', id::text,
                       jsonb_build_object('error', 'worker_lost', 'attempts', attempts)
                  from failed
                """,
                given_up,
            )
    again = [r for r in rows if r["id"] not in given_up]
    if again:
        log.warning("queueing %d reorder runs again: %s", len(again), [r["id"] for r in again])
        await enqueue_runs(
            [
                QueuedRun(r["id"], r["dealer_id"], r["requested_at"], r["attempts"], r["reissue"])
                for r in again
            ],
            redis,
        )
    return [(r["id"], r["dealer_id"], r["attempts"]) for r in again]


async def schedule_nightly_runs(
    now: datetime | None = None, redis: ArqRedis | None = None
) -> list[tuple[int, int]]:
    """Create the nightly run of every dealer whose local time is between 02:00 and
    06:00 and who has none for its local today yet; returns (run, dealer) queued."""
    scope = await _all_dealers()
    if not scope.dealer_ids:
        return []
    async with tenant_transaction(scope, fresh=True) as tx:
        rows = await tx.connection.fetch(
            """
            with local as (
              select d.id, coalesce($1, now()) at time zone d.time_zone as at from dealer d
            ), due as (
              select id, at::date as today from local
               where at::time >= $2::time and at::time < $3::time
            ), created as (
              insert into reorder_run (dealer_id, trigger, as_of)
              select due.id, 'nightly', due.today from due
               where not exists (select 1 from reorder_run r where r.dealer_id = due.id
                                    and r.trigger = 'nightly' and r.as_of = due.today)
              on conflict do nothing
              returning id, dealer_id, requested_at
            ), audited as (
              insert into audit_entry (dealer_id, action, object_type, object_id, after)
              select dealer_id, 'reorder_run.request', 'reorder_run', id::text,
                     '{"trigger": "nightly"}'::jsonb
                from created
            )
            select id, dealer_id, requested_at from created order by id
            """,
            now,
            NIGHTLY_FROM,
            NIGHTLY_UNTIL,
        )
    await enqueue_runs([QueuedRun(r["id"], r["dealer_id"], r["requested_at"]) for r in rows], redis)
    return [(r["id"], r["dealer_id"]) for r in rows]

"""The log of partner calls: every GraphQL request made with an API key, written
without adding a database round trip to the request.

Requests ``offer`` their record to an in-process ``CallLog``: a bounded buffer that
one task drains in batches (every ``interval`` seconds, or sooner once a batch is
full) with one ``insert ... select from unnest`` per dealer, each in a transaction
scoped to that dealer (RLS applies to the log like any tenant table). When the buffer
is full a record is dropped and counted, never waited for: a slow or absent database
must not slow partners down or grow memory without bound. ``stop`` flushes what is
left, so a clean shutdown loses nothing. Calls older than ``RETENTION`` are purged
by the housekeeping worker.

Each dealer's share of a batch is written on its own: one dealer's failure costs the
others nothing. A foreign-key violation means the key or application a record names
is gone (a dealer's data removed, tables emptied by tests): nobody is left to read
those records, so that dealer's share is dropped with a warning line, not an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from tenants.database import TenantScope, network_transaction, tenant_transaction

log = logging.getLogger("dealernet.partners.calls")

RETENTION = timedelta(days=90)
OPERATION_TYPES = frozenset({"", "query", "mutation", "subscription"})


@dataclass(frozen=True)
class CallRecord:
    dealer_id: int
    api_key_id: int
    partner_app_id: int | None
    at: datetime
    operation_name: str
    operation_type: str
    persisted_hash: str | None
    cost: int
    http_status: int
    error_codes: tuple[str, ...]
    duration_ms: int
    remote_addr: str


Writer = Callable[[list[CallRecord]], Awaitable[None]]


async def write_calls(records: Iterable[CallRecord]) -> int:
    """Insert the records, one statement and one transaction per dealer."""
    by_dealer: defaultdict[int, list[CallRecord]] = defaultdict(list)
    for r in records:
        by_dealer[r.dealer_id].append(r)
    written = 0
    for dealer_id, rows in by_dealer.items():
        async with tenant_transaction(TenantScope.of((dealer_id,)), fresh=True) as tx:
            await tx.connection.execute(
                """
                insert into api_call (dealer_id, api_key_id, partner_app_id, at, operation_name,
                  operation_type, persisted_hash, cost, http_status, error_codes, duration_ms,
                  remote_addr)
                select $1, k, a, t, n, ot, h, c, s,
                       coalesce(string_to_array(nullif(e, ''), ','), '{}'), d, r
                  from unnest($2::bigint[], $3::bigint[], $4::timestamptz[], $5::text[],
                              $6::text[], $7::text[], $8::int[], $9::int[], $10::text[],
                              $11::int[], $12::text[])
                       as u(k, a, t, n, ot, h, c, s, e, d, r)
                """,
                dealer_id,
                [r.api_key_id for r in rows],
                [r.partner_app_id for r in rows],
                [r.at for r in rows],
                [r.operation_name[:200] for r in rows],
                [r.operation_type if r.operation_type in OPERATION_TYPES else "" for r in rows],
                [r.persisted_hash[:128] if r.persisted_hash else None for r in rows],
                [r.cost for r in rows],
                [r.http_status for r in rows],
                [",".join(c.replace(",", "_") for c in r.error_codes) for r in rows],
                [r.duration_ms for r in rows],
                [r.remote_addr[:100] for r in rows],
            )
        written += len(rows)
    return written


class CallLog:
    """A bounded buffer of call records and the one task that writes them in batches."""

    def __init__(
        self,
        *,
        capacity: int = 10_000,
        batch_size: int = 500,
        interval: float = 1.0,
        writer: Writer | None = None,
    ) -> None:
        self.capacity = capacity
        self.batch_size = batch_size
        self.interval = interval
        self._writer: Writer = writer or self._write
        self._buffer: deque[CallRecord] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._flush_lock = asyncio.Lock()
        self.dropped = 0
        """Records refused because the buffer was full, or whose key or application was
        gone when they were written (a foreign-key violation)."""
        self.lost = 0
        """Records whose write failed otherwise (logged with the error)."""
        self.written = 0

    @staticmethod
    async def _write(records: list[CallRecord]) -> None:
        await write_calls(records)

    def __len__(self) -> int:
        return len(self._buffer)

    def offer(self, record: CallRecord) -> bool:
        """Queue a record; never blocks. False (and counted) when the buffer is full."""
        if len(self._buffer) >= self.capacity:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning("call log buffer full: %d records dropped so far", self.dropped)
            return False
        self._buffer.append(record)
        if len(self._buffer) >= self.batch_size:
            self._wake.set()
        return True

    async def flush(self) -> int:
        """Write everything buffered now, in batches, each dealer's records of a batch on
        their own; returns how many were written."""
        done = 0
        async with self._flush_lock:
            while self._buffer:
                batch = [
                    self._buffer.popleft() for _ in range(min(self.batch_size, len(self._buffer)))
                ]
                batch.sort(key=_dealer)  # stable: each dealer's records stay in order
                for dealer_id, group in itertools.groupby(batch, key=_dealer):
                    done += await self._write_dealer(dealer_id, list(group))
        return done

    async def _write_dealer(self, dealer_id: int, records: list[CallRecord]) -> int:
        try:
            await self._writer(records)
        except asyncpg.ForeignKeyViolationError as exc:
            self.dropped += len(records)
            log.warning(
                "dropped %d partner call records of dealer %s: their key or application"
                " is gone (%s)",
                len(records),
                dealer_id,
                exc.constraint_name or "foreign key",
            )
            return 0
        except Exception:
            self.lost += len(records)
            log.exception(
                "could not write %d partner call records of dealer %s", len(records), dealer_id
            )
            return 0
        self.written += len(records)
        return len(records)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="partner-call-log")

    async def stop(self) -> None:
        """Stop the task and write what is left (a clean shutdown loses nothing)."""
        task, self._task = self._task, None
        if task is not None:  # let a running batch finish rather than cancel it midway
            self._stopping = True
            self._wake.set()
            try:
                await task
            finally:
                self._stopping = False
        await self.flush()

    async def _run(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            await self.flush()


def _dealer(record: CallRecord) -> int:
    return record.dealer_id


async def purge_older_than(retention: timedelta = RETENTION) -> int:
    """Delete calls older than ``retention``: the dealers holding such calls come from a
    SECURITY DEFINER function (keys only), the deletes run scoped to each dealer."""
    cutoff = datetime.now(UTC) - retention
    async with network_transaction(fresh=True) as tx:
        dealers = [
            r[0]
            for r in await tx.connection.fetch(
                "select * from dealernet_api_call_dealers_before($1)", cutoff
            )
        ]
    removed = 0
    for dealer_id in dealers:
        async with tenant_transaction(TenantScope.of((dealer_id,)), fresh=True) as tx:
            status: str = await tx.connection.execute(
                "delete from api_call where dealer_id = $1 and at < $2", dealer_id, cutoff
            )
        removed += int(status.split()[-1])
    return removed

"""Tells everyone watching a dealer's workshop board (看板) that an order changed.

A change is announced only once the transaction that made it has committed: a
watcher that refetches on the event must see the new state, and a rolled-back
change must announce nothing. ``publish_board_change`` therefore only notes the
order in the caller's tenant transaction; just before commit the orders' final
statuses are read (in the transaction, so the event carries what commits) and
after commit one message per order goes to the Redis channel
``dealernet:board:<dealer_id>``. Watchers subscribe with ``board_changes``, through
one pub/sub connection per server process (``_Hub``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from tenants.database import (
    ActiveTransaction,
    TenantScope,
    current_transaction,
    tenant_transaction,
)

CHANNEL_PREFIX = "dealernet:board:"
WATCHER_BACKLOG = 100
_NOTE = "board_events.pending"
"""Key under which a transaction collects the orders it changed."""

log = logging.getLogger("dealernet.board")


def board_channel(dealer_id: int) -> str:
    return f"{CHANNEL_PREFIX}{dealer_id}"


@dataclass(frozen=True)
class BoardChange:
    dealer_id: int
    order_id: int
    status: str
    at: datetime

    def to_json(self) -> str:
        return json.dumps(
            {
                "dealerId": self.dealer_id,
                "orderId": self.order_id,
                "status": self.status,
                "at": self.at.isoformat(),
            }
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> BoardChange:
        data = json.loads(raw)
        return cls(
            int(data["dealerId"]),
            int(data["orderId"]),
            str(data["status"]),
            datetime.fromisoformat(data["at"]),
        )


class _Clients:
    """Redis clients of the running event loop (a connection cannot cross loops): one
    to publish, with short timeouts, and one whose pub/sub connections wait for
    messages as long as a board is watched."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.publisher: Redis | None = None
        self.subscriber: Redis | None = None

    def _ready(self) -> tuple[Redis, Redis]:
        loop = asyncio.get_running_loop()
        if self.loop is not loop or self.publisher is None or self.subscriber is None:
            url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
            self.loop = loop
            self.publisher = Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            self.subscriber = Redis.from_url(url, socket_connect_timeout=2)
        return self.publisher, self.subscriber

    def publish_client(self) -> Redis:
        return self._ready()[0]

    def subscribe_client(self) -> Redis:
        return self._ready()[1]

    async def close(self) -> None:
        for client in (self.publisher, self.subscriber):
            if client is not None:
                await client.aclose()
        self.loop = self.publisher = self.subscriber = None


_clients = _Clients()


async def close_clients() -> None:
    """Close this loop's Redis clients (the app's lifespan ends with it)."""
    if _hub.loop is asyncio.get_running_loop():
        async with _hub.lock:
            _hub.watchers.clear()
            await _hub._close()
    await _clients.close()


async def publish_board_change(dealer_id: int, order_id: int) -> None:
    """Announce that ``order_id`` changed, once the current transaction commits.

    Call it inside the tenant transaction that changes the order (or any of its
    lines, clocks, checks); several calls for one order in one transaction send one
    event. Outside a transaction the change is taken as committed and is sent now.
    """
    tx = current_transaction()
    if tx is None:
        async with tenant_transaction(TenantScope.of((dealer_id,))):
            await publish_board_change(dealer_id, order_id)
        return
    pending: dict[int, int] | None = tx.notes.get(_NOTE)
    if pending is None:
        pending = tx.notes[_NOTE] = {}
        tx.before_commit.append(lambda: _collect(tx, pending))
    pending[order_id] = dealer_id


async def _collect(tx: ActiveTransaction, pending: dict[int, int]) -> None:
    """Read the statuses the transaction is about to commit; publish after commit."""
    rows = await tx.connection.fetch(
        "select id, dealer_id, status from repair_order where id = any($1::bigint[])",
        list(pending),
    )
    now = datetime.now(UTC)
    changes = [BoardChange(r["dealer_id"], r["id"], r["status"], now) for r in rows]
    if changes:
        tx.on_commit(lambda: _publish(changes))


async def _publish(changes: list[BoardChange]) -> None:
    client = _clients.publish_client()
    for change in changes:
        await client.publish(board_channel(change.dealer_id), change.to_json())


class _Hub:
    """One Redis pub/sub connection per process (and event loop), fanned out to the
    boards watched here: Redis sees a connection per server process, not per screen.

    A channel is subscribed while someone here watches its dealer; a watcher that
    falls ``WATCHER_BACKLOG`` events behind misses the oldest (its board refetches
    on the next one anyway); if the connection fails, every watcher's stream ends
    with the error and the clients reconnect.
    """

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.pubsub: PubSub | None = None
        self.pump: asyncio.Task[None] | None = None
        self.watchers: dict[int, set[asyncio.Queue[BoardChange | Exception]]] = {}
        self.lock = asyncio.Lock()

    def _reset_if_new_loop(self) -> None:
        """State of another (finished) event loop is of no use here: start afresh."""
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            self.loop = loop
            self.pubsub = None
            self.pump = None
            self.watchers = {}
            self.lock = asyncio.Lock()

    async def join(self, dealer_id: int) -> asyncio.Queue[BoardChange | Exception]:
        self._reset_if_new_loop()
        queue: asyncio.Queue[BoardChange | Exception] = asyncio.Queue(WATCHER_BACKLOG)
        async with self.lock:
            if self.pubsub is None:
                self.pubsub = _clients.subscribe_client().pubsub(ignore_subscribe_messages=True)
            if dealer_id not in self.watchers:
                await self.pubsub.subscribe(board_channel(dealer_id))
                self.watchers[dealer_id] = set()
            self.watchers[dealer_id].add(queue)
            if self.pump is None or self.pump.done():
                self.pump = asyncio.create_task(self._run(self.pubsub))
        return queue

    async def leave(self, dealer_id: int, queue: asyncio.Queue[BoardChange | Exception]) -> None:
        async with self.lock:
            watching = self.watchers.get(dealer_id)
            if watching is None:
                return
            watching.discard(queue)
            if watching:
                return
            del self.watchers[dealer_id]
            pubsub = self.pubsub
            if pubsub is None:
                return
            try:
                await pubsub.unsubscribe(board_channel(dealer_id))
            except Exception:  # the connection is gone; closing it is all that is left
                log.debug("unsubscribe of dealer %s failed", dealer_id, exc_info=True)
            if not self.watchers:
                await self._close()

    async def _close(self) -> None:
        pump, pubsub = self.pump, self.pubsub
        self.pump = self.pubsub = None
        if pump is not None and pump is not asyncio.current_task():
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pump
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    async def _run(self, pubsub: PubSub) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    change = BoardChange.from_json(message["data"])
                except (ValueError, KeyError, TypeError):
                    log.warning("malformed board event: %r", message.get("data"))
                    continue
                for queue in list(self.watchers.get(change.dealer_id, ())):
                    if queue.full():
                        queue.get_nowait()  # drop the oldest: the board refetches anyway
                    queue.put_nowait(change)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("board event stream failed: %r", exc)
            async with self.lock:
                for watching in self.watchers.values():
                    for queue in watching:
                        if queue.full():
                            queue.get_nowait()
                        queue.put_nowait(exc)
                self.watchers.clear()
                self.pump = None
                self.pubsub = None
            with contextlib.suppress(Exception):
                await pubsub.aclose()


_hub = _Hub()


async def board_changes(dealer_id: int) -> AsyncIterator[BoardChange]:
    """Every change of the dealer's orders from now on, until the caller stops."""
    queue = await _hub.join(dealer_id)
    try:
        while True:
            item = await queue.get()
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        await _hub.leave(dealer_id, queue)

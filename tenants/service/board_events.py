"""Tells everyone watching a dealer's workshop board (看板) that an order changed.

A change is announced only once the transaction that made it has committed: a
watcher that refetches on the event must see the new state, and a rolled-back
change must announce nothing. ``publish_board_change`` therefore only notes the
order in the caller's tenant transaction; just before commit the orders' final
statuses are read (in the transaction, so the event carries what commits) and
after commit one message per order goes to the Redis channel
``dealernet:board:<dealer_id>``. Watchers subscribe with ``board_changes``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

from redis.asyncio import Redis

from tenants.database import (
    ActiveTransaction,
    TenantScope,
    current_transaction,
    tenant_transaction,
)

CHANNEL_PREFIX = "dealernet:board:"
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


async def board_changes(dealer_id: int) -> AsyncIterator[BoardChange]:
    """Every change of the dealer's orders from now on, until the caller stops."""
    pubsub = _clients.subscribe_client().pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(board_channel(dealer_id))
    try:
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            try:
                change = BoardChange.from_json(message["data"])
            except (ValueError, KeyError, TypeError):
                log.warning("malformed board event on %s", board_channel(dealer_id))
                continue
            if change.dealer_id == dealer_id:
                yield change
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()

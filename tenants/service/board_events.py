"""Live workshop board: every change of an open order is announced on Redis channel
``dealernet:board:<dealer_id>`` so each watching board refreshes that order.

Publish only after the change committed (a watcher reading too early would see the
old state); a failed publish never fails the change itself: boards also refresh.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os

from redis.asyncio import Redis

log = logging.getLogger(__name__)

_clients: dict[int, Redis] = {}
"""One client per event loop: a redis connection cannot cross loops."""


def board_channel(dealer_id: int) -> str:
    return f"dealernet:board:{dealer_id}"


def _client() -> Redis:
    loop_id = id(asyncio.get_running_loop())
    client = _clients.get(loop_id)
    if client is None:
        url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        client = _clients[loop_id] = Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=2
        )
    return client


async def publish_board_change(dealer_id: int, order_id: int) -> None:
    """Tell the dealer's boards that ``order_id`` changed (call after commit)."""
    try:
        await _client().publish(board_channel(dealer_id), json.dumps({"orderId": order_id}))
    except Exception as exc:  # the change is committed; a missed refresh is not an error
        log.warning("board publish for order %s failed: %r", order_id, exc)

"""Slows password guessing: failures per username and per address, counted in Redis.

After ``FREE_ATTEMPTS`` failures within the window each further attempt waits twice
as long as the previous one, up to ``MAX_LOCK_SECONDS``. Success clears the
username's count.

Checking the lock and counting a failure are two steps with a slow password check
between them, so a burst of parallel guesses could all pass the check before the
first failure is counted, and all be verified (a right one among them would sign
in). ``single_flight`` closes that: one attempt per username is verified at a time,
across every app process, and a concurrent one is refused as throttled.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

FREE_ATTEMPTS = 5
# An office behind one address has many people: allow more before slowing it.
FREE_ATTEMPTS_PER_ADDRESS = 25
WINDOW_SECONDS = 15 * 60
BASE_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 15 * 60
IN_FLIGHT_SECONDS = 1
"""Retry advice for an attempt refused because another one for the username is running."""
IN_FLIGHT_LEASE_MS = 10_000
"""How long a crashed attempt can hold its username's turn."""


def _keys(username: str, remote_addr: str) -> tuple[str, str]:
    return f"dn:signin:user:{username.lower()}", f"dn:signin:addr:{remote_addr}"


def lock_seconds(failures: int, free: int = FREE_ATTEMPTS) -> int:
    if failures < free:
        return 0
    return min(BASE_LOCK_SECONDS * 2 ** (failures - free), MAX_LOCK_SECONDS)


class SignInThrottle:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def retry_after(self, username: str, remote_addr: str) -> int:
        """Seconds until another attempt is allowed; 0 when it is allowed now."""
        user_key, addr_key = _keys(username, remote_addr)
        waits = []
        for key in (user_key, addr_key):
            lock_ttl = await self.redis.pttl(key + ":lock")
            if lock_ttl and lock_ttl > 0:
                waits.append((lock_ttl + 999) // 1000)
        return max(waits, default=0)

    async def failed(self, username: str, remote_addr: str) -> int:
        """Count a failure; returns the lock it caused in seconds (0 for none)."""
        longest = 0
        for key, free in zip(
            _keys(username, remote_addr), (FREE_ATTEMPTS, FREE_ATTEMPTS_PER_ADDRESS), strict=True
        ):
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS)
                failures, _ = await pipe.execute()
            wait = lock_seconds(int(failures), free)
            if wait:
                await self.redis.set(key + ":lock", "1", ex=wait)
                longest = max(longest, wait)
        return longest

    @asynccontextmanager
    async def single_flight(self, username: str) -> AsyncIterator[bool]:
        """Take the username's turn; yields False when another attempt holds it."""
        user_key, _ = _keys(username, "")
        turn = user_key + ":turn"
        taken = await self.redis.set(turn, "1", nx=True, px=IN_FLIGHT_LEASE_MS)
        try:
            yield bool(taken)
        finally:
            if taken:
                await self.redis.delete(turn)

    async def succeeded(self, username: str) -> None:
        user_key, _ = _keys(username, "")
        await self.redis.delete(user_key, user_key + ":lock")

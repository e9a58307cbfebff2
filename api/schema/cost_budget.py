"""Cost limits: a per-request maximum for everyone, a per-key token bucket for API keys.

The cost (api/schema/query_cost.py) is computed after validation and before execution.
A query above ``max_query_cost`` is refused as QUERY_TOO_COSTLY. An API key then pays
the cost from its bucket in Redis (``cost_bucket_capacity`` tokens, refilled at
``cost_refill_per_second``); when it cannot pay, the answer is RATE_LIMITED with
``retryAfterSeconds`` and HTTP 429 with ``Retry-After``, and nothing is charged.
Every answer carries ``extensions.cost``: ``requested`` and ``limit`` (the per-request
maximum), and for API keys the bucket's ``capacity``, ``remaining`` and ``resetAt``
(when it is full again).

Signed-in users have no bucket (the interactive frontend is bounded by the
per-request maximum and by people's pace), so they never touch Redis here. When Redis
is down an API key is refused with SERVICE_UNAVAILABLE (503, ``Retry-After``): failing
open would lift every partner's limit exactly when the platform is degraded.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from strawberry.extensions import SchemaExtension

from api.schema.error_codes import RETRY_AFTER_SECONDS, UNAVAILABLE
from api.schema.errors import ApiError
from api.schema.query_cost import query_cost
from api.settings import Settings
from graphql import ExecutionResult, OperationType

clock: Callable[[], float] = time.time
"""Seconds since the epoch; tests replace it to refill buckets without waiting."""

KEY_PREFIX = "dn:cost:key:"

# Refill, then pay if the tokens suffice. State is a hash {tokens, ts}; the clock is
# the caller's so that all servers (and tests) agree on one time source.
_TAKE = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate)
  ts = now
end
local paid = 0
if tokens >= cost then
  tokens = tokens - cost
  paid = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 60000)
return {paid, tostring(tokens)}
"""


class QueryTooCostly(ApiError):
    code = "QUERY_TOO_COSTLY"

    def __init__(self, cost: int, limit: int) -> None:
        super().__init__(
            f"Query cost {cost} exceeds the limit of {limit}; "
            "request smaller pages or fewer fields",
            cost=cost,
            limit=limit,
        )


class RateLimited(ApiError):
    code = "RATE_LIMITED"

    def __init__(self, cost: int, remaining: int, retry_after: int) -> None:
        super().__init__(
            f"Query cost {cost} exceeds the remaining budget of {remaining}; "
            f"retry in {retry_after} s",
            cost=cost,
            remaining=remaining,
            retryAfterSeconds=retry_after,
        )


class BudgetUnavailable(ApiError):
    code = "SERVICE_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__(
            "Service temporarily unavailable; retry shortly",
            retryAfterSeconds=RETRY_AFTER_SECONDS,
        )


@dataclass(frozen=True)
class Charge:
    paid: bool
    remaining: float
    capacity: int
    refill_per_second: float
    now: float

    def seconds_until(self, tokens: float) -> int:
        """Whole seconds until the bucket holds ``tokens`` again (at least 1)."""
        return max(1, math.ceil((tokens - self.remaining) / self.refill_per_second))

    @property
    def reset_at(self) -> str:
        full_in = (self.capacity - self.remaining) / self.refill_per_second
        moment = datetime.fromtimestamp(math.ceil(self.now + full_in), UTC)
        return moment.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class CostBudget:
    """The token bucket of one API key. Per-key overrides of capacity and refill (a
    partner application's plan) can replace the settings' values at construction."""

    redis: Redis
    capacity: int
    refill_per_second: float

    async def take(self, key_id: int, cost: int) -> Charge:
        now = clock()
        paid, tokens = await self.redis.eval(  # type: ignore[misc]
            _TAKE,
            1,
            f"{KEY_PREFIX}{key_id}",
            str(self.capacity),
            repr(self.refill_per_second),
            repr(now),
            str(cost),
        )
        return Charge(
            paid=int(paid) == 1,
            remaining=float(tokens),
            capacity=self.capacity,
            refill_per_second=self.refill_per_second,
            now=now,
        )


def _redis_of(context: Any) -> Redis:
    redis: Redis = context.throttle.redis
    return redis


def _refuse_http(context: Any, status: int, retry_after: int) -> None:
    """HTTP status and Retry-After on the sub-response Strawberry merges into its answer."""
    response = getattr(context, "response", None)
    if response is None:  # a WebSocket: the error's extensions say it all
        return
    response.status_code = status
    response.headers["Retry-After"] = str(retry_after)


class CostLimits(SchemaExtension):
    """Prices the operation, refuses or charges it, and reports ``extensions.cost``."""

    report: dict[str, Any] | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        settings: Settings = ctx.context.settings
        limit = settings.max_query_cost
        assert ctx.graphql_document is not None  # validated: execution is about to run
        cost = query_cost(
            ctx.schema._schema, ctx.graphql_document, ctx.operation_name, ctx.variables
        )
        self.report = {"requested": cost, "limit": limit}
        refusal: ApiError | None = None
        if cost > limit:
            refusal = QueryTooCostly(cost, limit)
        else:
            refusal = await self._charge_api_key(cost, settings)
        if refusal is not None:
            if ctx.operation_type is OperationType.SUBSCRIPTION:
                raise refusal
            ctx.result = ExecutionResult(data=None, errors=[refusal])
        yield

    async def _charge_api_key(self, cost: int, settings: Settings) -> ApiError | None:
        context = self.execution_context.context
        principal = context.auth.principal
        if principal is None or principal.api_key is None:
            return None
        budget = CostBudget(
            _redis_of(context), settings.cost_bucket_capacity, settings.cost_refill_per_second
        )
        try:
            charge = await budget.take(principal.api_key.id, cost)
        except UNAVAILABLE:
            _refuse_http(context, 503, RETRY_AFTER_SECONDS)
            return BudgetUnavailable()
        self.report = {
            **(self.report or {}),
            "capacity": charge.capacity,
            "remaining": math.floor(charge.remaining),
            "resetAt": charge.reset_at,
        }
        if charge.paid:
            return None
        retry_after = charge.seconds_until(cost)
        _refuse_http(context, 429, retry_after)
        return RateLimited(cost, math.floor(charge.remaining), retry_after)

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.report} if self.report else {}

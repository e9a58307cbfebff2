"""Posts webhook deliveries to partners: at least once, signed, with retries, and a log
of every attempt.

An attempt, like the warranty outbox's HTTP connector (``tenants.warranty.delivery``):

1. takes the delivery with ``for update skip locked``, only when it is pending, due and
   nobody holds its lease; counts the attempt, leases the delivery, writes the attempt
   to the log as ``sending`` and commits;
2. posts outside any transaction (a slow receiver must not hold a connection or a row
   lock), with a timeout, redirects not followed;
3. records the outcome in a second transaction, only if the attempt still owns the
   delivery (the attempt number is the fence): a worker whose lease ran out and was
   overtaken records nothing. A worker that dies between posting and recording leaves
   its lease to run out; the next attempt marks the orphaned log row ``lost`` and posts
   again with the same ``webhook-id``, which receivers use to drop repeats.

A 2xx answer delivers. Anything else (another status, a timeout, a refused connection)
is retried after an exponential backoff with jitter, the receiver's ``Retry-After`` as
a floor, until the attempt limit; then the delivery is ``dead``. A delivery whose
subscription was disabled, or whose application was disabled or lost the event's scope
since, is dead at once without posting; so is one whose URL resolves to a non-public
address in production (``webhook_addresses``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import httpx

from tenants.database import ActiveTransaction, TenantScope, network_transaction, tenant_transaction
from tenants.partners.event_catalog import EVENT_TYPES
from tenants.partners.webhook_addresses import (
    NonPublicAddress,
    Unresolvable,
    peer_refusal,
    public_only_client,
    resolved_refusal,
)
from tenants.partners.webhook_outbox import PING
from tenants.partners.webhook_queue import Wake
from tenants.partners.webhook_signing import signed_headers

log = logging.getLogger("dealernet.partners.webhooks")

EXCERPT_CHARS = 1000
"""Of a receiver's answer kept in the attempt log."""
USER_AGENT = "dealernet-webhooks/1"


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. The defaults give up after about four hours of failure (10
    attempts, waits of about 30 s, 1 min, 2 min ... capped at 2 h): long enough to ride
    out a partner's deployment or a night-time restart, short enough that the delivery
    log shows the outage the same day. Dead deliveries can be replayed."""

    max_attempts: int = 10
    base_delay: float = 30.0
    max_delay: float = 7200.0
    lease: float = 60.0
    """How long an attempt owns its delivery; must exceed twice ``timeout`` (resolving
    the host and the POST are each bounded by it)."""
    timeout: float = 10.0
    """Of one POST as a whole, connect to the last byte read; and of resolving the host."""
    reissue_after: float = 60.0
    """A delivery due this long that nobody took gets a job of its own from the sweep:
    the first may be held by a worker that died holding it (``webhook_queue``)."""

    def __post_init__(self) -> None:
        if self.lease < 2 * self.timeout:
            raise ValueError("the lease must cover resolving the host and posting")

    def backoff(self, attempts: int, floor: float | None = None) -> float:
        """Seconds before the next attempt after ``attempts`` failed ones: "equal
        jitter" (half fixed, half random), so deliveries failed by one outage do not all
        come back in the same second."""
        capped = min(self.max_delay, self.base_delay * 2 ** max(attempts - 1, 0))
        delay = capped / 2 + random.uniform(0, capped / 2)
        return max(delay, min(floor or 0.0, self.max_delay))


DEFAULT_POLICY = RetryPolicy()

OutcomeKind = Literal["delivered", "retry", "dead"]


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    http_status: int | None = None
    error: str = ""
    excerpt: str = ""
    duration_ms: int = 0
    retry_after: float | None = None


@dataclass(frozen=True)
class AttemptResult:
    dealer_id: int
    delivery_id: int
    status: str
    """delivered, pending (to be retried) or dead."""
    attempts: int
    next_attempt_at: datetime
    error: str = ""

    @property
    def wake(self) -> Wake:
        """The worker's next attempt at this delivery."""
        return Wake(self.dealer_id, self.delivery_id, self.attempts)


@dataclass(frozen=True)
class _Taken:
    dealer_id: int
    delivery_id: int
    attempts: int
    """Made before this one."""
    url: str
    secrets: tuple[str, ...]
    event_uuid: str
    body: bytes
    refusal: str
    """Why it must not be posted at all (empty: post it)."""


_TAKE = """
select d.id, d.dealer_id, d.attempts,
       s.url, s.signing_secret, s.disabled_at as subscription_disabled_at,
       case when s.previous_secret_until > now() then s.previous_signing_secret end
         as previous_secret,
       a.disabled_at as app_disabled_at, a.scopes,
       e.event_id, e.event_type, e.payload, e.occurred_at
  from webhook_delivery d
  join webhook_subscription s on s.dealer_id = d.dealer_id and s.id = d.subscription_id
  join partner_app a on a.dealer_id = s.dealer_id and a.id = s.partner_app_id
  join webhook_event e on e.dealer_id = d.dealer_id and e.id = d.event_id
 where d.dealer_id = $1 and d.id = $2 and d.status = 'pending' and d.next_attempt_at <= now()
   and (d.locked_until is null or d.locked_until <= now())
   for update of d skip locked
"""


def body_of(event_uuid: str, event_type: str, occurred_at: datetime, data: Any) -> bytes:
    """The exact bytes posted, the same on every attempt and replay: the Standard
    Webhooks envelope (type, timestamp, data) plus the event's ID."""
    envelope = {
        "id": event_uuid,
        "type": event_type,
        "timestamp": occurred_at.isoformat(),
        "data": data,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _refusal(row: Any) -> str:
    if row["subscription_disabled_at"] is not None:
        return "The subscription was disabled"
    if row["app_disabled_at"] is not None:
        return "The application was disabled"
    spec = EVENT_TYPES.get(row["event_type"])
    if row["event_type"] != PING and (spec is None or spec.required_scope not in row["scopes"]):
        needed = spec.required_scope if spec else "?"
        return f"The application no longer holds the scope {needed}"
    return ""


async def _take(tx: ActiveTransaction, dealer_id: int, delivery_id: int) -> _Taken | None:
    row = await tx.connection.fetchrow(_TAKE, dealer_id, delivery_id)
    if row is None:
        return None
    await tx.connection.execute(
        "update webhook_attempt set outcome = 'lost', finished_at = now(),"
        " error = 'The worker stopped before it recorded the answer; tried again'"
        " where dealer_id = $1 and delivery_id = $2 and outcome = 'sending'",
        dealer_id,
        delivery_id,
    )
    event_uuid = str(row["event_id"])
    secrets = (row["signing_secret"],) + (
        (row["previous_secret"],) if row["previous_secret"] else ()
    )
    return _Taken(
        dealer_id=dealer_id,
        delivery_id=delivery_id,
        attempts=row["attempts"],
        url=row["url"],
        secrets=secrets,
        event_uuid=event_uuid,
        body=body_of(event_uuid, row["event_type"], row["occurred_at"], row["payload"]),
        refusal=_refusal(row),
    )


async def attempt(
    dealer_id: int,
    delivery_id: int,
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    http: httpx.AsyncClient | None = None,
) -> AttemptResult | None:
    """Try one delivery once. None when it is not this attempt's to make: delivered or
    dead already, not due yet, or being tried by someone else right now."""
    scope = TenantScope.of([dealer_id])
    made: int
    async with tenant_transaction(scope, fresh=True) as tx:
        taken = await _take(tx, dealer_id, delivery_id)
        if taken is None:
            return None
        made = taken.attempts + 1
        await tx.connection.execute(
            "update webhook_delivery set attempts = $3,"
            " locked_until = now() + make_interval(secs => $4) where dealer_id = $1 and id = $2",
            dealer_id,
            delivery_id,
            made,
            policy.lease,
        )
        await tx.connection.execute(
            "insert into webhook_attempt (dealer_id, delivery_id, attempt) values ($1, $2, $3)",
            dealer_id,
            delivery_id,
            made,
        )
        if taken.refusal:
            return await _record(tx, taken, Outcome("dead", error=taken.refusal), policy)
    outcome = await _post_if_allowed(taken, policy, http)
    async with tenant_transaction(scope, fresh=True) as tx:
        return await _record(tx, taken, outcome, policy)


async def _post_if_allowed(
    taken: _Taken, policy: RetryPolicy, http: httpx.AsyncClient | None
) -> Outcome:
    """Post, unless the URL now resolves to a non-public address (``webhook_addresses``)."""
    try:
        async with asyncio.timeout(policy.timeout):  # a stuck resolver must not outlast the lease
            refusal = await resolved_refusal(taken.url)
    except Unresolvable as exc:
        return Outcome("retry", error=f"Host not found: {exc}")
    except TimeoutError:
        return Outcome("retry", error=f"Host not resolved within {policy.timeout:g} s")
    if refusal:
        return Outcome("dead", error=refusal)
    return await post(taken, request_timeout=policy.timeout, client=http)


def direct_client() -> httpx.AsyncClient:
    """The HTTP client for webhook posts (``webhook_addresses.public_only_client``)."""
    return public_only_client()


async def post(
    taken: _Taken, *, request_timeout: float, client: httpx.AsyncClient | None
) -> Outcome:
    """One signed POST; never raises for what the network or the receiver does.

    ``request_timeout`` bounds the whole exchange, not each read (httpx's own timeout
    is per operation, so a receiver dripping a byte at a time would outlast the
    lease); of the answer only the excerpt's worth is read, whatever its size."""
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "accept-encoding": "identity",  # the excerpt is read raw: no compressed answers
        **signed_headers(taken.secrets, taken.event_uuid, taken.body),
    }
    own = client is None
    http = client or direct_client()
    started = time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - started) * 1000)

    def timed_out(exc: BaseException) -> Outcome:
        return Outcome(
            "retry",
            error=f"No answer within {request_timeout:g} s ({type(exc).__name__})",
            duration_ms=elapsed(),
        )

    try:
        async with asyncio.timeout(request_timeout):
            async with http.stream(
                "POST",
                taken.url,
                content=taken.body,
                headers=headers,
                timeout=request_timeout,
                follow_redirects=False,
            ) as response:
                refusal = peer_refusal(_peer_address(response))
                if refusal:
                    return Outcome("dead", error=refusal, duration_ms=elapsed())
                status = response.status_code
                excerpt = await _excerpt(response)
    except NonPublicAddress as exc:
        return Outcome("dead", error=str(exc), duration_ms=elapsed())
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return Outcome("dead", error=f"URL unusable: {exc}", duration_ms=elapsed())
    except (httpx.TimeoutException, TimeoutError) as exc:
        return timed_out(exc)
    except httpx.HTTPError as exc:
        return Outcome("retry", error=f"{type(exc).__name__}: {exc}", duration_ms=elapsed())
    finally:
        if own:
            await http.aclose()
    if 200 <= status < 300:
        return Outcome("delivered", http_status=status, excerpt=excerpt, duration_ms=elapsed())
    retry_after = response.headers.get("retry-after", "")
    return Outcome(
        "retry",
        http_status=status,
        error=f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else ""),
        excerpt=excerpt,
        duration_ms=elapsed(),
        retry_after=float(retry_after) if retry_after.isdigit() else None,
    )


def _peer_address(response: httpx.Response) -> str:
    """The IP address the request was actually sent to (empty when unknown)."""
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    return str(peer[0]) if isinstance(peer, tuple) and peer else ""


async def _excerpt(response: httpx.Response) -> str:
    """The start of the answer, reading no more of it than the excerpt needs."""
    limit = EXCERPT_CHARS * 4  # UTF-8: at most four bytes a character
    received = bytearray()
    async for chunk in response.aiter_raw():
        received += chunk
        if len(received) >= limit:
            break
    encoding = response.charset_encoding or "utf-8"
    try:
        text = bytes(received[:limit]).decode(encoding, errors="replace")
    except LookupError:
        text = bytes(received[:limit]).decode("utf-8", errors="replace")
    return text[:EXCERPT_CHARS]


async def _record(
    tx: ActiveTransaction, taken: _Taken, outcome: Outcome, policy: RetryPolicy
) -> AttemptResult | None:
    """Write the outcome of attempt ``taken.attempts + 1`` if it still owns the delivery."""
    made = taken.attempts + 1
    status = {"delivered": "delivered", "retry": "pending", "dead": "dead"}[outcome.kind]
    error = outcome.error
    if status == "pending" and made >= policy.max_attempts:
        status, error = "dead", f"Gave up after {made} attempts; last: {error}"
    delay = policy.backoff(made, outcome.retry_after) if status == "pending" else 0.0
    row = await tx.connection.fetchrow(
        """
        update webhook_delivery
           set status = $4, locked_until = null, last_error = $5, last_http_status = $6,
               next_attempt_at = case when $4 = 'pending'
                                      then now() + make_interval(secs => $7)
                                      else next_attempt_at end,
               delivered_at = case when $4 = 'delivered' then now() end
         where dealer_id = $1 and id = $2 and status = 'pending' and attempts = $3
        returning next_attempt_at
        """,
        taken.dealer_id,
        taken.delivery_id,
        made,
        status,
        error,
        outcome.http_status,
        delay,
    )
    if row is None:
        log.warning("webhook delivery %s overtaken; outcome not recorded", taken.delivery_id)
        return None
    await tx.connection.execute(
        "update webhook_attempt set outcome = $4, finished_at = now(), duration_ms = $5,"
        " http_status = $6, error = $7, response_excerpt = $8"
        " where dealer_id = $1 and delivery_id = $2 and attempt = $3 and outcome = 'sending'",
        taken.dealer_id,
        taken.delivery_id,
        made,
        outcome.kind,
        outcome.duration_ms,
        outcome.http_status,
        outcome.error,
        outcome.excerpt,
    )
    return AttemptResult(
        taken.dealer_id, taken.delivery_id, status, made, row["next_attempt_at"], error
    )


async def due_deliveries(
    limit: int = 1000, reissue_after: float = DEFAULT_POLICY.reissue_after
) -> list[Wake]:
    """Pending deliveries of every dealer that are due and not leased: the sweep's work,
    read through ``webhook_delivery_due`` (SECURITY DEFINER, migration partners_0003),
    which gives the app role keys only. Each ``reissue_after`` seconds a delivery stays
    due untaken, its wake gets a new job ID (``webhook_queue.job_id``)."""
    async with network_transaction(fresh=True) as tx:
        rows = await tx.connection.fetch(
            "select dealer_id, id, attempts,"
            " floor(extract(epoch from now() - next_attempt_at)::float8 / $2::float8)::int"
            " as reissue"
            " from webhook_delivery_due($1)",
            limit,
            reissue_after,
        )
    return [Wake(r["dealer_id"], r["id"], r["attempts"], max(r["reissue"], 0)) for r in rows]

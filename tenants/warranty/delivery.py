"""Delivers outbox messages to the manufacturer, exactly once in effect.

At least once: a message stays ``pending`` in PostgreSQL until an attempt's outcome is
recorded, and the worker's sweep (``due_messages``) finds every pending message that
is due, whatever happened to Redis or to a worker. At most once in effect: every
attempt carries the message's idempotency key, and both connectors keep one copy per
key, so a repeat after a lost answer is recognised, not applied twice.

An attempt:

1. takes the message with ``for update skip locked``, only when it is due and nobody
   holds its lease (``locked_until``); concurrent workers skip it instead of waiting;
2. inbox: receives it in that same transaction and records the outcome there (one
   commit: nothing half-done survives a crash);
   http: records the attempt and a lease, commits, posts outside any transaction
   (a slow manufacturer must not hold a database connection or row lock), then records
   the outcome in a second transaction, but only if the attempt still owns the message
   (the attempt number is the fence: a worker whose lease ran out and was overtaken
   records nothing). A worker that dies between posting and recording leaves the lease
   to run out; the next attempt posts again with the same key and the manufacturer
   answers "already received";
3. a failure is retried after an exponential backoff with jitter, until the attempt
   limit: then the message is ``dead`` and waits for a person (``retry_dead``).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction, TenantScope, network_transaction, tenant_transaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.warranty.claim_status import transition
from tenants.warranty.connectors import http as http_connector
from tenants.warranty.connectors import inbox
from tenants.warranty.connectors.message import Message, Outcome
from tenants.warranty.delivery_queue import Wake, wake_after_commit

log = logging.getLogger("dealernet.warranty.delivery")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. The defaults give up after about an hour and a half of failure
    (10 attempts: 10 s, 20 s, ... capped at an hour), long enough to ride out a
    manufacturer's restart, short enough that a person hears of a real outage the
    same working day."""

    max_attempts: int = 10
    base_delay: float = 10.0
    max_delay: float = 3600.0
    lease: float = 120.0
    """How long an HTTP attempt owns its message; must exceed ``timeout``."""
    timeout: float = 15.0
    """Of one HTTP request, connect to last byte."""
    reissue_after: float = 60.0
    """A message due this long that nobody took gets a job of its own from the sweep:
    the first may be held by a worker that died holding it."""

    def backoff(self, attempts: int, floor: float | None = None) -> float:
        """Seconds before the next attempt after ``attempts`` failed ones: "equal
        jitter" (half fixed, half random) so that messages failed by one outage do not
        all come back in the same second."""
        capped = min(self.max_delay, self.base_delay * 2 ** max(attempts - 1, 0))
        delay = capped / 2 + random.uniform(0, capped / 2)
        return max(delay, min(floor or 0.0, self.max_delay))


DEFAULT_POLICY = RetryPolicy()


@dataclass(frozen=True)
class AttemptResult:
    dealer_id: int
    message_id: int
    status: str
    """delivered, pending (to be retried) or dead."""
    attempts: int
    next_attempt_at: datetime
    error: str = ""

    @property
    def wake(self) -> Wake:
        """The worker's next attempt at this message."""
        return Wake(self.dealer_id, self.message_id, self.attempts)


_TAKE = """
select id, dealer_id, claim_id, kind, idempotency_key, payload, connector, attempts
  from warranty_outbox
 where dealer_id = $1 and id = $2 and status = 'pending' and next_attempt_at <= now()
   and (locked_until is null or locked_until <= now())
   for update skip locked
"""


async def attempt(
    dealer_id: int,
    message_id: int,
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    http: httpx.AsyncClient | None = None,
) -> AttemptResult | None:
    """Try one message once. None when it is not this attempt's to make: delivered or
    dead already, not due yet, or being tried by someone else right now."""
    scope = TenantScope.of([dealer_id])
    async with tenant_transaction(scope, fresh=True) as tx:
        row = await tx.connection.fetchrow(_TAKE, dealer_id, message_id)
        if row is None:
            return None
        message = Message.from_row(row)
        if message.connector == "inbox":
            outcome = await _receive_in_inbox(tx, message)
            return await _record(tx, message, outcome, policy, fence=message.attempts)
        endpoint = await _endpoint(tx, dealer_id)
        await tx.connection.execute(
            "update warranty_outbox set attempts = attempts + 1,"
            " locked_until = now() + make_interval(secs => $3) where dealer_id = $1 and id = $2",
            dealer_id,
            message_id,
            policy.lease,
        )
    if endpoint is None:
        outcome = Outcome.dead("The manufacturer has no HTTP endpoint configured")
    else:
        outcome = await http_connector.post(
            message, endpoint, request_timeout=policy.timeout, client=http
        )
    async with tenant_transaction(scope, fresh=True) as tx:
        return await _record(tx, message, outcome, policy, fence=message.attempts + 1)


async def _receive_in_inbox(tx: ActiveTransaction, message: Message) -> Outcome:
    """The inbox in a savepoint: a failure there is recorded as a failed attempt on
    the message (in the still usable transaction), not lost in a rollback."""
    try:
        async with tx.connection.transaction():
            return Outcome.delivered(await inbox.receive(tx, message))
    except Exception as exc:
        log.exception("inbox delivery of warranty message %s failed", message.id)
        return Outcome.retry(f"{type(exc).__name__}: {exc}")


async def _endpoint(tx: ActiveTransaction, dealer_id: int) -> http_connector.Endpoint | None:
    row = await tx.connection.fetchrow(
        "select wp.endpoint_url, wp.signing_secret from dealer d"
        " join region r on r.id = d.region_id"
        " join warranty_policy wp on wp.manufacturer_id = r.manufacturer_id"
        " where d.id = $1 and wp.endpoint_url <> ''",
        dealer_id,
    )
    return http_connector.Endpoint(row["endpoint_url"], row["signing_secret"]) if row else None


async def _record(
    tx: ActiveTransaction, message: Message, outcome: Outcome, policy: RetryPolicy, *, fence: int
) -> AttemptResult | None:
    """Write the outcome of attempt ``message.attempts + 1`` if the attempt still owns
    the message (``attempts`` equals ``fence``)."""
    made = message.attempts + 1
    status = {"delivered": "delivered", "retry": "pending", "dead": "dead"}[outcome.kind]
    error = outcome.error
    if status == "pending" and made >= policy.max_attempts:
        status, error = "dead", f"Gave up after {made} attempts; last: {error}"
    delay = policy.backoff(made, outcome.retry_after) if status == "pending" else 0.0
    row = await tx.connection.fetchrow(
        """
        update warranty_outbox
           set status = $4, attempts = $5, locked_until = null, last_error = $6,
               next_attempt_at = case when $4 = 'pending'
                                      then now() + make_interval(secs => $7)
                                      else next_attempt_at end,
               delivered_at = case when $4 = 'delivered' then now() end,
               response = coalesce($8::jsonb, response)
         where dealer_id = $1 and id = $2 and status = 'pending' and attempts = $3
        returning next_attempt_at
        """,
        message.dealer_id,
        message.id,
        fence,
        status,
        made,
        error,
        delay,
        outcome.response,
    )
    if row is None:
        log.warning("warranty message %s overtaken; outcome %s not recorded", message.id, status)
        return None
    if status == "delivered" and message.connector == "http" and message.kind == "submit":
        await _acknowledge(tx, message)
    if status != "pending":
        await record(
            dealer_id=message.dealer_id,
            action=f"warranty_outbox.{status}",
            object_type="warranty_outbox",
            object_id=message.id,
            before={"status": "pending", "attempts": message.attempts},
            after={"status": status, "attempts": made, "error": error},
        )
    return AttemptResult(message.dealer_id, message.id, status, made, row["next_attempt_at"], error)


async def _acknowledge(tx: ActiveTransaction, message: Message) -> None:
    """The manufacturer's system took the claim: like the inbox, receipt moves it to
    ``accepted``, unless its answer (callback) already came and moved it further."""
    status = await tx.connection.fetchval(
        "select status from warranty_claim where dealer_id = $1 and id = $2 for update",
        message.dealer_id,
        message.claim_id,
    )
    if status == "submitted":
        await transition(
            tx,
            message.dealer_id,
            message.claim_id,
            "accepted",
            by_manufacturer=True,
            actor="connector:http",
            note="Received by the manufacturer's system",
        )


async def due_messages(
    limit: int = 1000, reissue_after: float = DEFAULT_POLICY.reissue_after
) -> list[Wake]:
    """Pending messages of every dealer that are due and not leased: the sweep's work.

    Read through ``warranty_outbox_due`` (SECURITY DEFINER, migration warranty_0003):
    the worker runs as the app role and must not hold a scope of every dealer; this
    gives it keys only, and each attempt then runs scoped to its one dealer."""
    async with network_transaction(fresh=True) as tx:
        rows = await tx.connection.fetch(
            "select dealer_id, id, attempts,"
            " floor(extract(epoch from now() - next_attempt_at)::float8 / $2::float8)::int"
            " as reissue"
            " from warranty_outbox_due($1)",
            limit,
            reissue_after,
        )
    return [Wake(r["dealer_id"], r["id"], r["attempts"], max(r["reissue"], 0)) for r in rows]


async def retry_dead(
    tx: ActiveTransaction, dealer_id: int, message_id: int, *, request_id: str = ""
) -> dict[str, Any]:
    """A person sends a dead message again: a fresh series of attempts, same key (the
    manufacturer still recognises it), woken as soon as the transaction commits."""
    row = await tx.connection.fetchrow(
        "select o.*, c.status as claim_status,"
        " exists (select 1 from warranty_outbox n where n.dealer_id = o.dealer_id"
        "   and n.claim_id = o.claim_id and n.kind = o.kind and n.id > o.id) as superseded"
        " from warranty_outbox o join warranty_claim c"
        "   on c.dealer_id = o.dealer_id and c.id = o.claim_id"
        " where o.dealer_id = $1 and o.id = $2 for update of o",
        dealer_id,
        message_id,
    )
    if row is None:
        raise RecordNotFound("Warranty delivery")
    if row["status"] != "dead":
        raise RuleViolation(
            "id",
            "delivery_not_dead",
            f"Only a dead delivery can be retried; this one is {row['status']}",
            deliveryStatus=row["status"],
        )
    if row["superseded"] or (row["kind"] == "submit" and row["claim_status"] != "submitted"):
        raise RuleViolation(
            "id",
            "delivery_superseded",
            "The claim has moved on since this message was written; it is not sent again",
            claimStatus=row["claim_status"],
        )
    await tx.connection.execute(
        "update warranty_outbox set status = 'pending', attempts = 0, next_attempt_at = now(),"
        " locked_until = null where dealer_id = $1 and id = $2",
        dealer_id,
        message_id,
    )
    await record(
        dealer_id=dealer_id,
        action="warranty_outbox.retry",
        object_type="warranty_outbox",
        object_id=message_id,
        before={"status": "dead", "attempts": row["attempts"], "error": row["last_error"]},
        after={"status": "pending", "attempts": 0},
        request_id=request_id,
    )
    wake_after_commit(tx, dealer_id, message_id)
    updated = await tx.connection.fetchrow(
        "select * from warranty_outbox where dealer_id = $1 and id = $2", dealer_id, message_id
    )
    assert updated is not None
    return dict(updated)

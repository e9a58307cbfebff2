"""The transactional outbox of claims: a message is written in the same transaction as
the claim's status change, so a submitted claim always has its message and a rolled-back
submission has none. Delivery (worker, connectors, retries, dead letters) reads from here.

The idempotency key names the claim and its submission round, so the manufacturer can
recognise a message it has already received however often delivery is retried.

Once the transaction commits, the worker is woken through arq (``delivery_queue``);
if Redis is down then, the commit still stands and the worker's sweep delivers the
message when it runs again."""

from __future__ import annotations

from typing import Any, Literal

from tenants.database import ActiveTransaction
from tenants.warranty.delivery_queue import wake_after_commit

MessageKind = Literal["submit", "withdraw"]


def idempotency_key(dealer_id: int, claim_id: int, kind: str, round_: int) -> str:
    return f"dealernet:{dealer_id}:claim:{claim_id}:{kind}:{round_}"


async def enqueue(
    tx: ActiveTransaction,
    dealer_id: int,
    claim_id: int,
    kind: MessageKind,
    payload: dict[str, Any],
    *,
    round_: int,
) -> int:
    """Write the message in the caller's transaction; the connector comes from the
    manufacturer's warranty policy (its own inbox unless it runs its own system)."""
    message_id: int = await tx.connection.fetchval(
        """
        insert into warranty_outbox (dealer_id, claim_id, kind, idempotency_key, payload, connector)
        select $1, $2, $3, $4, $5::jsonb, coalesce(wp.connector, 'inbox')
          from dealer d
          join region r on r.id = d.region_id
          left join warranty_policy wp on wp.manufacturer_id = r.manufacturer_id
         where d.id = $1
        returning id
        """,
        dealer_id,
        claim_id,
        kind,
        idempotency_key(dealer_id, claim_id, kind, round_),
        payload,
    )
    wake_after_commit(tx, dealer_id, message_id)
    return message_id

"""The webhook outbox: an event is written in the transaction of the change it reports,
with one delivery per subscription that should hear of it, so a committed change always
has its deliveries and a rolled-back one has none.

A subscription hears of an event when it is active, lists the event's type, and its
application is enabled and holds the event's required scope (``event_catalog``): an
application never learns through a webhook what its scopes would not let it read.
Everything happens in one ``insert ... select``; with nobody listening it inserts
nothing and costs one index probe of the dealer's live subscriptions.

Payloads name things by their GraphQL global IDs, numbers, statuses and times, never
people's names, phones or addresses (a partner reads those through the API, where
``personal_data:read`` decides).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from tenants.database import ActiveTransaction
from tenants.partners.event_catalog import EVENT_TYPES
from tenants.partners.webhook_queue import wake_after_commit

PING = "webhook.ping"
"""A test event a person sends to one subscription; never emitted by the domain."""


def global_id(type_name: str, pk: int) -> str:
    """The GraphQL global ID of a record (Relay: base64 of ``Type:pk``), so receivers
    can fetch it with ``node(id:)``."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


_EMIT = """
with listening as (
  select s.id
    from webhook_subscription s
    join partner_app a on a.dealer_id = s.dealer_id and a.id = s.partner_app_id
   where s.dealer_id = $1 and s.disabled_at is null and $2 = any (s.event_types)
     and a.disabled_at is null and $3 = any (a.scopes)
), event as (
  insert into webhook_event (dealer_id, event_type, payload)
  select $1, $2, $4::jsonb where exists (select 1 from listening)
  returning id
)
insert into webhook_delivery (dealer_id, event_id, subscription_id)
select $1, event.id, listening.id from event, listening
returning id
"""


async def emit(
    tx: ActiveTransaction, dealer_id: int, event_type: str, data: Mapping[str, Any]
) -> list[int]:
    """Record ``event_type`` with ``data`` for every listening subscription of the dealer,
    in the caller's transaction; the worker is woken once it commits. Returns the new
    deliveries (none when nobody listens)."""
    spec = EVENT_TYPES.get(event_type)
    if spec is None:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    payload = {"dealer": global_id("Dealer", dealer_id), **data}
    rows = await tx.connection.fetch(_EMIT, dealer_id, event_type, spec.required_scope, payload)
    deliveries = [r["id"] for r in rows]
    wake_after_commit(tx, dealer_id, deliveries)
    return deliveries

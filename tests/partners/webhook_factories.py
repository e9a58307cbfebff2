"""Partner applications and webhook subscriptions arranged through the owner connection
(past RLS), independent of the application service (tests of webhooks only)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import Any

import asyncpg

from tenants.access.tokens import digest
from tenants.access.tokens import new_secret as new_key_secret
from tenants.partners.webhook_signing import new_secret

_n = itertools.count(1)

ALL_EVENTS = (
    "repair_order.status_changed",
    "appointment.booked",
    "warranty_claim.decided",
    "parts_receipt.received",
)
ALL_READ_SCOPES = ("repair_orders:read", "appointments:read", "claims:read", "parts_orders:read")


async def make_app(
    owner: asyncpg.Connection,
    dealer_id: int,
    scopes: Sequence[str] = ALL_READ_SCOPES,
    *,
    disabled: bool = False,
) -> int:
    n = next(_n)
    return await owner.fetchval(
        "insert into partner_app (dealer_id, name, kind, scopes, disabled_at)"
        " values ($1, $2, 'insurer', $3, case when $4 then now() end) returning id",
        dealer_id,
        f"Insurer {n}",
        list(scopes),
        disabled,
    )


async def make_subscription(
    owner: asyncpg.Connection,
    dealer_id: int,
    app_id: int,
    url: str,
    event_types: Sequence[str] = ALL_EVENTS,
    *,
    secret: str | None = None,
    disabled: bool = False,
) -> tuple[int, str]:
    """The subscription's id and its signing secret."""
    secret = secret or new_secret()
    subscription = await owner.fetchval(
        "insert into webhook_subscription (dealer_id, partner_app_id, url, event_types,"
        " signing_secret, disabled_at) values ($1, $2, $3, $4, $5, case when $6 then now() end)"
        " returning id",
        dealer_id,
        app_id,
        url,
        list(event_types),
        secret,
        disabled,
    )
    return subscription, secret


async def make_app_key(owner: asyncpg.Connection, dealer_id: int, app_id: int) -> str:
    """A key of the application (``dnk_...``), stored as the key service stores it."""
    prefix = f"wh{next(_n):08d}"
    secret = new_key_secret()
    await owner.execute(
        "insert into api_key (dealer_id, name, prefix, secret_hash, role, partner_app_id)"
        " values ($1, $2, $3, $4, null, $5)",
        dealer_id,
        f"key {prefix}",
        prefix,
        digest(secret),
        app_id,
    )
    return f"dnk_{prefix}_{secret}"


async def deliveries(owner: asyncpg.Connection, subscription_id: int) -> list[dict[str, Any]]:
    """A subscription's deliveries with their event (payload decoded), oldest first."""
    rows = await owner.fetch(
        "select d.*, e.event_id as event_uuid, e.event_type, e.payload"
        " from webhook_delivery d join webhook_event e on e.id = d.event_id"
        " where d.subscription_id = $1 order by d.id",
        subscription_id,
    )
    return [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]

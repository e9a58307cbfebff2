"""Webhook subscriptions of a partner application, and what people (or the application's
own key) do with them: subscribe, change, disable, rotate the secret, send a test ping,
replay a delivery. Each runs in the caller's tenant transaction and is audited; the
secret is returned by ``create`` and ``rotate_secret`` only (shown once).

An application subscribes only to events its scopes let it read
(``EventScopeNotGranted`` otherwise), and only its enabled applications get anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.partners.event_catalog import EVENT_TYPES
from tenants.partners.webhook_addresses import literal_refusal
from tenants.partners.webhook_outbox import PING, global_id
from tenants.partners.webhook_queue import wake_after_commit
from tenants.partners.webhook_signing import new_secret, secret_hint

MAX_URL = 2000
MAX_DESCRIPTION = 500
ROTATION_GRACE_HOURS = 24
"""After a rotation, posts carry a signature with the old secret too for this long."""


class EventScopeNotGranted(RuleViolation):
    """The application asked for events its scopes do not let it read."""

    code = "SCOPE_NOT_GRANTED"


@dataclass(frozen=True)
class WithSecret:
    subscription: asyncpg.Record
    signing_secret: str
    """Shown to the person once; stored for signing, never shown again."""


SUBSCRIPTION_COLUMNS = (
    "id, dealer_id, partner_app_id, url, event_types, description, signing_secret,"
    " active, secret_rotated_at, previous_secret_until, created_at, updated_at, disabled_at"
)


async def application(tx: ActiveTransaction, dealer_id: int, app_id: int) -> asyncpg.Record:
    row = await tx.connection.fetchrow(
        "select id, name, scopes, disabled_at from partner_app where dealer_id = $1 and id = $2",
        dealer_id,
        app_id,
    )
    if row is None:
        raise RecordNotFound("Partner application")
    return row


async def subscription(
    tx: ActiveTransaction, dealer_id: int, subscription_id: int, *, lock: bool = False
) -> asyncpg.Record:
    row = await tx.connection.fetchrow(
        f"select {SUBSCRIPTION_COLUMNS} from webhook_subscription"
        " where dealer_id = $1 and id = $2" + (" for update" if lock else ""),
        dealer_id,
        subscription_id,
    )
    if row is None:
        raise RecordNotFound("Webhook subscription")
    return row


def check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL:
        raise RuleViolation("url", "webhook_url", "The URL must be an http(s) address with a host")
    if parts.username or parts.password:
        raise RuleViolation(
            "url", "webhook_url_credentials", "Put no credentials in the URL; posts are signed"
        )
    if any(c.isspace() for c in url):
        raise RuleViolation("url", "webhook_url", "The URL must not contain spaces")
    refusal = literal_refusal(url)
    if refusal:
        raise RuleViolation("url", "webhook_url_public", refusal)
    return url


def check_event_types(event_types: Sequence[str], scopes: Sequence[str]) -> list[str]:
    """Known, distinct event types within the application's scopes, in catalog order."""
    wanted = {e.strip() for e in event_types}
    if not wanted:
        raise RuleViolation("eventTypes", "event_types_required", "Choose at least one event")
    unknown = sorted(wanted - EVENT_TYPES.keys())
    if unknown:
        raise RuleViolation(
            "eventTypes",
            "unknown_event_type",
            f"Unknown event types: {', '.join(unknown)}",
            eventTypes=unknown,
        )
    missing = sorted({EVENT_TYPES[e].required_scope for e in wanted} - set(scopes))
    if missing:
        raise EventScopeNotGranted(
            "eventTypes",
            "event_scope_not_granted",
            f"The application lacks the scopes these events need: {', '.join(missing)}",
            missingScopes=missing,
        )
    return [key for key in EVENT_TYPES if key in wanted]


def _description(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_DESCRIPTION:
        raise RuleViolation(
            "description", "description_length", f"At most {MAX_DESCRIPTION} characters"
        )
    return text


def _audited(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "url": row["url"],
        "eventTypes": list(row["event_types"]),
        "description": row["description"],
        "active": row["active"],
        "secret": secret_hint(row["signing_secret"]),
    }


async def create(
    tx: ActiveTransaction,
    dealer_id: int,
    app_id: int,
    *,
    url: str,
    event_types: Sequence[str],
    description: str = "",
    request_id: str = "",
) -> WithSecret:
    app = await application(tx, dealer_id, app_id)
    if app["disabled_at"] is not None:
        raise RuleViolation("appId", "app_disabled", "The application is disabled")
    secret = new_secret()
    row = await tx.connection.fetchrow(
        "insert into webhook_subscription (dealer_id, partner_app_id, url, event_types,"
        " description, signing_secret, created_by, created_by_api_key_id)"
        f" values ($1, $2, $3, $4, $5, $6, $7, $8) returning {SUBSCRIPTION_COLUMNS}",
        dealer_id,
        app_id,
        check_url(url),
        check_event_types(event_types, app["scopes"]),
        _description(description),
        secret,
        tx.scope.user_id,
        tx.scope.api_key_id,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="webhook_subscription.create",
        object_type="webhook_subscription",
        object_id=row["id"],
        after={"app": app_id, **_audited(row)},
        request_id=request_id,
    )
    return WithSecret(row, secret)


async def update(
    tx: ActiveTransaction,
    dealer_id: int,
    subscription_id: int,
    *,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    request_id: str = "",
) -> asyncpg.Record:
    before = await subscription(tx, dealer_id, subscription_id, lock=True)
    if before["disabled_at"] is not None:
        raise RuleViolation(
            "id", "subscription_disabled", "A disabled subscription cannot be changed"
        )
    app = await application(tx, dealer_id, before["partner_app_id"])
    row = await tx.connection.fetchrow(
        "update webhook_subscription set url = $3, event_types = $4, description = $5,"
        " updated_at = now() where dealer_id = $1 and id = $2"
        f" returning {SUBSCRIPTION_COLUMNS}",
        dealer_id,
        subscription_id,
        before["url"] if url is None else check_url(url),
        before["event_types"]
        if event_types is None
        else check_event_types(event_types, app["scopes"]),
        before["description"] if description is None else _description(description),
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="webhook_subscription.update",
        object_type="webhook_subscription",
        object_id=subscription_id,
        before=_audited(before),
        after=_audited(row),
        request_id=request_id,
    )
    return row


async def disable(
    tx: ActiveTransaction, dealer_id: int, subscription_id: int, *, request_id: str = ""
) -> asyncpg.Record:
    """Stops new deliveries at once; pending ones end dead when their turn comes."""
    before = await subscription(tx, dealer_id, subscription_id, lock=True)
    if before["disabled_at"] is not None:
        return before
    row = await tx.connection.fetchrow(
        "update webhook_subscription set disabled_at = now(), updated_at = now()"
        f" where dealer_id = $1 and id = $2 returning {SUBSCRIPTION_COLUMNS}",
        dealer_id,
        subscription_id,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="webhook_subscription.disable",
        object_type="webhook_subscription",
        object_id=subscription_id,
        before=_audited(before),
        after=_audited(row),
        request_id=request_id,
    )
    return row


async def rotate_secret(
    tx: ActiveTransaction, dealer_id: int, subscription_id: int, *, request_id: str = ""
) -> WithSecret:
    """A new secret at once; the old one still signs (alongside) for the grace period."""
    before = await subscription(tx, dealer_id, subscription_id, lock=True)
    if before["disabled_at"] is not None:
        raise RuleViolation(
            "id", "subscription_disabled", "A disabled subscription has no secret to rotate"
        )
    secret = new_secret()
    row = await tx.connection.fetchrow(
        "update webhook_subscription set previous_signing_secret = signing_secret,"
        " previous_secret_until = now() + make_interval(hours => $4), signing_secret = $3,"
        " secret_rotated_at = now(), updated_at = now()"
        f" where dealer_id = $1 and id = $2 returning {SUBSCRIPTION_COLUMNS}",
        dealer_id,
        subscription_id,
        secret,
        ROTATION_GRACE_HOURS,
    )
    assert row is not None
    await record(
        dealer_id=dealer_id,
        action="webhook_subscription.rotate_secret",
        object_type="webhook_subscription",
        object_id=subscription_id,
        before={"secret": secret_hint(before["signing_secret"])},
        after={"secret": secret_hint(secret), "graceHours": ROTATION_GRACE_HOURS},
        request_id=request_id,
    )
    return WithSecret(row, secret)


async def ping(
    tx: ActiveTransaction, dealer_id: int, subscription_id: int, *, request_id: str = ""
) -> int:
    """A ``webhook.ping`` event to this subscription only, delivered like any other
    (signed, retried, logged): the partner checks its endpoint and its verification."""
    sub = await subscription(tx, dealer_id, subscription_id)
    if sub["disabled_at"] is not None:
        raise RuleViolation("id", "subscription_disabled", "The subscription is disabled")
    delivery_id: int = await tx.connection.fetchval(
        """
        with event as (
          insert into webhook_event (dealer_id, event_type, payload)
          values ($1, $3, $4::jsonb) returning id
        )
        insert into webhook_delivery (dealer_id, event_id, subscription_id,
                                      requested_by, requested_by_api_key_id)
        select $1, event.id, $2, $5, $6 from event
        returning id
        """,
        dealer_id,
        subscription_id,
        PING,
        {
            "dealer": global_id("Dealer", dealer_id),
            "subscription": global_id("WebhookSubscription", subscription_id),
            "message": "Test event sent from dealernet",
        },
        tx.scope.user_id,
        tx.scope.api_key_id,
    )
    await record(
        dealer_id=dealer_id,
        action="webhook_subscription.ping",
        object_type="webhook_subscription",
        object_id=subscription_id,
        after={"delivery": delivery_id},
        request_id=request_id,
    )
    wake_after_commit(tx, dealer_id, [delivery_id])
    return delivery_id


async def replay(
    tx: ActiveTransaction, dealer_id: int, delivery_id: int, *, request_id: str = ""
) -> int:
    """Send a delivered or dead delivery again: a new delivery of the same event (same
    ``webhook-id``, same body), linked by ``replay_of``, with attempts of its own."""
    original = await tx.connection.fetchrow(
        "select d.id, d.status, d.event_id, d.subscription_id, s.disabled_at"
        " from webhook_delivery d join webhook_subscription s"
        "   on s.dealer_id = d.dealer_id and s.id = d.subscription_id"
        " where d.dealer_id = $1 and d.id = $2",
        dealer_id,
        delivery_id,
    )
    if original is None:
        raise RecordNotFound("Webhook delivery")
    if original["status"] == "pending":
        raise RuleViolation(
            "id",
            "delivery_pending",
            "The delivery is still being tried; replay it once it is delivered or dead",
            deliveryStatus="pending",
        )
    if original["disabled_at"] is not None:
        raise RuleViolation("id", "subscription_disabled", "The subscription is disabled")
    new_id: int = await tx.connection.fetchval(
        "insert into webhook_delivery (dealer_id, event_id, subscription_id, replay_of,"
        " requested_by, requested_by_api_key_id) values ($1, $2, $3, $4, $5, $6) returning id",
        dealer_id,
        original["event_id"],
        original["subscription_id"],
        delivery_id,
        tx.scope.user_id,
        tx.scope.api_key_id,
    )
    await record(
        dealer_id=dealer_id,
        action="webhook_delivery.replay",
        object_type="webhook_delivery",
        object_id=delivery_id,
        before={"status": original["status"]},
        after={"replay": new_id},
        request_id=request_id,
    )
    wake_after_commit(tx, dealer_id, [new_id])
    return new_id

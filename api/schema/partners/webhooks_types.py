"""GraphQL types of partner webhooks: subscriptions, deliveries and their attempt log,
and who may see and manage them.

Who: dealer staff with ``api_key: read`` see, with ``api_key: manage`` manage, the
webhooks of every application of their dealer; an application's own key with the scope
``webhooks:manage`` sees and manages its own application's only. Another application's
records are answered as not found, never as forbidden, so a key cannot probe for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import asyncpg
import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.schema.context import Info
from api.schema.errors import Forbidden, NotFound
from api.schema.relay_conventions import global_id
from policies.scopes import WEBHOOKS
from tenants.partners.event_catalog import EVENT_TYPES
from tenants.partners.webhook_signing import secret_hint
from tenants.partners.webhook_subscriptions import SUBSCRIPTION_COLUMNS


def own_app_of_key(info: Info) -> int | None:
    """The application a partner key acts for (None for staff); FORBIDDEN for a key
    without ``webhooks:manage`` or one bound to a role rather than an application."""
    key = info.context.principal.api_key
    if key is None:
        return None
    if key.partner_app_id is None or WEBHOOKS not in (key.scopes or frozenset()):
        object_, _, action = WEBHOOKS.partition(":")
        raise Forbidden(object_, action, key.dealer_id)
    return key.partner_app_id


def authorize(info: Info, app_id: int, *, manage: bool) -> int:
    """The dealer to work in, once the caller may see (or manage) ``app_id``'s webhooks."""
    own = own_app_of_key(info)
    if own is None:
        return info.context.require("api_key", "manage" if manage else "read")
    if own != app_id:
        raise NotFound("Partner application")
    return info.context.dealer_id


def may_see(info: Info, app_id: int) -> bool:
    try:
        authorize(info, app_id, manage=False)
    except (Forbidden, NotFound):
        return False
    return True


@strawberry.enum
class WebhookDeliveryStatus(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@strawberry.enum
class WebhookAttemptOutcome(Enum):
    SENDING = "sending"
    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"
    LOST = "lost"


@strawberry.type(description="Where an application wants which events posted.")
class WebhookSubscription(relay.Node):
    id: relay.NodeID[int]
    url: str
    event_types: list[str] = strawberry.field(description="Keys of webhookEventTypes.")
    description: str
    active: bool
    secret_hint: str = strawberry.field(
        description="The end of the signing secret, to tell secrets apart; the secret"
        " itself is shown only when created or rotated."
    )
    secret_rotated_at: datetime | None
    previous_secret_valid_until: datetime | None = strawberry.field(
        description="After a rotation, posts are also signed with the previous secret until then."
    )
    created_at: datetime
    updated_at: datetime
    disabled_at: datetime | None
    app_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> WebhookSubscription:
        until = row["previous_secret_until"]
        return cls(
            id=row["id"],
            url=row["url"],
            event_types=list(row["event_types"]),
            description=row["description"],
            active=row["active"],
            secret_hint=secret_hint(row["signing_secret"]),
            secret_rotated_at=row["secret_rotated_at"],
            previous_secret_valid_until=until
            if until is not None and until > datetime.now(until.tzinfo)
            else None,
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            disabled_at=row["disabled_at"],
            app_pk=row["partner_app_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WebhookSubscription | None]:
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                f"select {SUBSCRIPTION_COLUMNS} from webhook_subscription"
                " where dealer_id = $1 and id = any($2::bigint[])",
                info.context.dealer_id,
                keys,
            )
        found = {r["id"]: r for r in rows if may_see(info, r["partner_app_id"])}
        return [cls.from_row(found[k]) if k in found else None for k in keys]

    @strawberry.field(description="The application's global ID (PartnerApp).")
    def app_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("PartnerApp", self.app_pk))


@strawberry.type(description="A subscription with its signing secret, shown this once.")
class WebhookSubscriptionWithSecret:
    subscription: WebhookSubscription
    signing_secret: str = strawberry.field(
        description="whsec_…: verify posts with it (Standard Webhooks); store it now."
    )


@strawberry.type(description="One try of a delivery: the delivery log.")
class WebhookAttempt:
    attempt: int
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None
    outcome: WebhookAttemptOutcome
    http_status: int | None
    error: str
    response_excerpt: str = strawberry.field(
        description="The start of the receiver's answer (1000 characters)."
    )

    @classmethod
    def from_row(cls, row: Any) -> WebhookAttempt:
        return cls(
            attempt=row["attempt"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            duration_ms=row["duration_ms"],
            outcome=WebhookAttemptOutcome(row["outcome"]),
            http_status=row["http_status"],
            error=row["error"],
            response_excerpt=row["response_excerpt"],
        )


DELIVERY_SELECT = """
select d.id, d.dealer_id, d.status, d.attempts, d.next_attempt_at, d.locked_until,
       d.last_http_status, d.last_error, d.delivered_at, d.replay_of, d.created_at,
       d.subscription_id, s.partner_app_id, s.url as subscription_url,
       e.event_id, e.event_type, e.payload, e.occurred_at
  from webhook_delivery d
  join webhook_subscription s on s.dealer_id = d.dealer_id and s.id = d.subscription_id
  join webhook_event e on e.dealer_id = d.dealer_id and e.id = d.event_id
"""


async def attempts_of(
    connection: asyncpg.Connection, dealer_id: int, delivery_ids: list[int]
) -> dict[int, list[asyncpg.Record]]:
    """The attempt logs of a page of deliveries, in one query."""
    rows = await connection.fetch(
        "select * from webhook_attempt where dealer_id = $1 and delivery_id = any($2::bigint[])"
        " order by delivery_id, attempt",
        dealer_id,
        delivery_ids,
    )
    grouped: dict[int, list[asyncpg.Record]] = {}
    for row in rows:
        grouped.setdefault(row["delivery_id"], []).append(row)
    return grouped


@strawberry.type(description="One event to one subscription, and how it fared.")
class WebhookDelivery(relay.Node):
    id: relay.NodeID[int]
    status: WebhookDeliveryStatus
    attempts: int
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt is due (pending only)."
    )
    in_flight: bool = strawberry.field(description="An attempt is running right now.")
    last_http_status: int | None
    last_error: str
    delivered_at: datetime | None
    created_at: datetime
    event_id: str = strawberry.field(
        description="The event's ID, sent as webhook-id: the same on every retry and replay."
    )
    event_type: str
    occurred_at: datetime
    payload: JSON = strawberry.field(description="The event's data, as posted.")
    subscription_url: str
    attempt_log: list[WebhookAttempt] = strawberry.field(description="Every try, oldest first.")
    replay_pk: strawberry.Private[int | None]
    subscription_pk: strawberry.Private[int]
    app_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any, attempts: Iterable[Any] = ()) -> WebhookDelivery:
        pending = row["status"] == "pending"
        locked = row["locked_until"]
        return cls(
            id=row["id"],
            status=WebhookDeliveryStatus(row["status"]),
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"] if pending else None,
            in_flight=pending and locked is not None and locked > datetime.now(locked.tzinfo),
            last_http_status=row["last_http_status"],
            last_error=row["last_error"],
            delivered_at=row["delivered_at"],
            created_at=row["created_at"],
            event_id=str(row["event_id"]),
            event_type=row["event_type"],
            occurred_at=row["occurred_at"],
            payload=row["payload"],
            subscription_url=row["subscription_url"],
            attempt_log=[WebhookAttempt.from_row(a) for a in attempts],
            replay_pk=row["replay_of"],
            subscription_pk=row["subscription_id"],
            app_pk=row["partner_app_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WebhookDelivery | None]:
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        dealer = info.context.dealer_id
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                DELIVERY_SELECT + " where d.dealer_id = $1 and d.id = any($2::bigint[])",
                dealer,
                keys,
            )
            visible = [r for r in rows if may_see(info, r["partner_app_id"])]
            attempts = await attempts_of(tx.connection, dealer, [r["id"] for r in visible])
        found = {r["id"]: cls.from_row(r, attempts.get(r["id"], ())) for r in visible}
        return [found.get(k) for k in keys]

    @strawberry.field(description="The subscription's global ID (WebhookSubscription).")
    def subscription_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("WebhookSubscription", self.subscription_pk))

    @strawberry.field(description="The delivery this one sends again, when it is a replay.")
    def replay_of(self) -> strawberry.ID | None:
        if self.replay_pk is None:
            return None
        return strawberry.ID(global_id("WebhookDelivery", self.replay_pk))

    @strawberry.field(description="Whether the event type is one of the catalog's (not a ping).")
    def is_test(self) -> bool:
        return self.event_type not in EVENT_TYPES

    @strawberry.field(description="Whether the viewer may replay it now.")
    def can_replay(self, info: Info) -> bool:
        if self.status is WebhookDeliveryStatus.PENDING:
            return False
        try:
            authorize(info, self.app_pk, manage=True)
        except (Forbidden, NotFound):
            return False
        return True

"""Partner webhooks over GraphQL: an application's subscriptions, the delivery log with
every attempt, and what can be done with them (subscribe, change, disable, rotate the
secret, ping, replay). Who may: see ``webhooks_types``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.partners.webhooks_types import (
    DELIVERY_SELECT,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookSubscription,
    WebhookSubscriptionWithSecret,
    attempts_of,
    authorize,
)
from api.schema.relay_conventions import decode_cursor, encode_cursor, page_size, parse_global_id
from tenants.database import ActiveTransaction, tenant_transaction
from tenants.errors import RecordNotFound
from tenants.partners import webhook_subscriptions as subscriptions

APP_TYPE = "PartnerApp"


@strawberry.input
class CreateWebhookSubscriptionInput:
    app_id: strawberry.ID
    url: str
    event_types: list[str]
    description: str = ""


@strawberry.input
class UpdateWebhookSubscriptionInput:
    id: strawberry.ID
    url: str | None = None
    event_types: list[str] | None = None
    description: str | None = None


@asynccontextmanager
async def _write(info: Info) -> AsyncIterator[ActiveTransaction]:
    """The mutation's one transaction at the caller's dealer; authorization is by the
    application the record belongs to, checked inside (``_subscription_for``)."""
    async with tenant_transaction(info.context.scope((info.context.dealer_id,))) as tx:
        yield tx


async def _subscription_for(
    info: Info, tx: ActiveTransaction, subscription_id: int, *, manage: bool = True
) -> int:
    """The subscription's dealer, once the caller may manage it."""
    dealer = info.context.dealer_id
    row = await subscriptions.subscription(tx, dealer, subscription_id)
    authorize(info, row["partner_app_id"], manage=manage)
    return dealer


async def _delivery(info: Info, tx: ActiveTransaction, delivery_id: int) -> WebhookDelivery:
    dealer = info.context.dealer_id
    row = await tx.connection.fetchrow(
        DELIVERY_SELECT + " where d.dealer_id = $1 and d.id = $2", dealer, delivery_id
    )
    if row is None:
        raise RecordNotFound("Webhook delivery")
    attempts = await attempts_of(tx.connection, dealer, [delivery_id])
    return WebhookDelivery.from_row(row, attempts.get(delivery_id, ()))


@strawberry.type
class WebhooksQuery:
    @strawberry.field(description="An application's webhook subscriptions, oldest first.")
    async def webhook_subscriptions(
        self, info: Info, app_id: strawberry.ID, include_disabled: bool = True
    ) -> list[WebhookSubscription]:
        app = parse_global_id(str(app_id), APP_TYPE, "appId")
        dealer = authorize(info, app, manage=False)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                f"select {subscriptions.SUBSCRIPTION_COLUMNS} from webhook_subscription"
                " where dealer_id = $1 and partner_app_id = $2 and ($3 or disabled_at is null)"
                " order by id",
                dealer,
                app,
                include_disabled,
            )
        return [WebhookSubscription.from_row(r) for r in rows]

    @strawberry.field(
        description="The delivery log of an application, newest first, each delivery with"
        " its attempts; filter by subscription, status and event type."
    )
    async def webhook_deliveries(
        self,
        info: Info,
        app_id: strawberry.ID,
        subscription_id: strawberry.ID | None = None,
        status: list[WebhookDeliveryStatus] | None = None,
        event_type: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[WebhookDelivery]:
        app = parse_global_id(str(app_id), APP_TYPE, "appId")
        dealer = authorize(info, app, manage=False)
        subscription = (
            parse_global_id(str(subscription_id), "WebhookSubscription", "subscriptionId")
            if subscription_id
            else None
        )
        statuses = [s.value for s in status] if status else None
        size, before = page_size(first), decode_cursor(after)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                DELIVERY_SELECT + " where d.dealer_id = $1 and s.partner_app_id = $2"
                " and ($3::bigint is null or d.subscription_id = $3)"
                " and ($4::text[] is null or d.status = any($4::text[]))"
                " and ($5::text is null or e.event_type = $5)"
                " and ($6::bigint is null or d.id < $6) order by d.id desc limit $7",
                dealer,
                app,
                subscription,
                statuses,
                event_type,
                before,
                size + 1,
            )
            page = list(rows[:size])
            attempts = await attempts_of(tx.connection, dealer, [r["id"] for r in page])
        edges = [
            relay.Edge(
                node=WebhookDelivery.from_row(r, attempts.get(r["id"], ())),
                cursor=encode_cursor(r["id"]),
            )
            for r in page
        ]
        return relay.Connection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(rows) > size,
                has_previous_page=False,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )


def _subscription_id(value: strawberry.ID, field: str = "id") -> int:
    return parse_global_id(str(value), "WebhookSubscription", field)


def _with_secret(made: subscriptions.WithSecret) -> WebhookSubscriptionWithSecret:
    return WebhookSubscriptionWithSecret(
        subscription=WebhookSubscription.from_row(made.subscription),
        signing_secret=made.signing_secret,
    )


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation(
        description="Subscribe an application to events; the events must be within its"
        " scopes (SCOPE_NOT_GRANTED otherwise). The signing secret is shown this once."
    )
    async def create_webhook_subscription(
        self, info: Info, input: CreateWebhookSubscriptionInput
    ) -> WebhookSubscriptionWithSecret:
        app = parse_global_id(str(input.app_id), APP_TYPE, "appId")
        authorize(info, app, manage=True)
        async with _write(info) as tx:
            made = await subscriptions.create(
                tx,
                info.context.dealer_id,
                app,
                url=input.url,
                event_types=input.event_types,
                description=input.description,
                request_id=info.context.request_id,
            )
        return _with_secret(made)

    @strawberry.mutation(description="Change a subscription's URL, events or description.")
    async def update_webhook_subscription(
        self, info: Info, input: UpdateWebhookSubscriptionInput
    ) -> WebhookSubscription:
        subscription_id = _subscription_id(input.id)
        async with _write(info) as tx:
            dealer = await _subscription_for(info, tx, subscription_id)
            row = await subscriptions.update(
                tx,
                dealer,
                subscription_id,
                url=input.url,
                event_types=input.event_types,
                description=input.description,
                request_id=info.context.request_id,
            )
        return WebhookSubscription.from_row(row)

    @strawberry.mutation(
        description="Stop a subscription: no new deliveries, pending ones end dead."
    )
    async def disable_webhook_subscription(
        self, info: Info, id: strawberry.ID
    ) -> WebhookSubscription:
        subscription_id = _subscription_id(id)
        async with _write(info) as tx:
            dealer = await _subscription_for(info, tx, subscription_id)
            row = await subscriptions.disable(
                tx, dealer, subscription_id, request_id=info.context.request_id
            )
        return WebhookSubscription.from_row(row)

    @strawberry.mutation(
        description="A new signing secret, shown this once; posts carry a signature with the"
        " previous one too for 24 hours, so the receiver can switch without losing events."
    )
    async def rotate_webhook_secret(
        self, info: Info, id: strawberry.ID
    ) -> WebhookSubscriptionWithSecret:
        subscription_id = _subscription_id(id)
        async with _write(info) as tx:
            dealer = await _subscription_for(info, tx, subscription_id)
            made = await subscriptions.rotate_secret(
                tx, dealer, subscription_id, request_id=info.context.request_id
            )
        return _with_secret(made)

    @strawberry.mutation(
        description="Send a webhook.ping event to the subscription, signed and logged like"
        " any delivery."
    )
    async def send_webhook_ping(self, info: Info, id: strawberry.ID) -> WebhookDelivery:
        subscription_id = _subscription_id(id)
        async with _write(info) as tx:
            dealer = await _subscription_for(info, tx, subscription_id)
            delivery_id = await subscriptions.ping(
                tx, dealer, subscription_id, request_id=info.context.request_id
            )
            return await _delivery(info, tx, delivery_id)

    @strawberry.mutation(
        description="Send a delivered or dead delivery again: a new delivery of the same"
        " event (same webhook-id, so the receiver can drop it if it has it)."
    )
    async def replay_webhook_delivery(self, info: Info, id: strawberry.ID) -> WebhookDelivery:
        delivery_id = parse_global_id(str(id), "WebhookDelivery")
        async with _write(info) as tx:
            original = await _delivery(info, tx, delivery_id)
            authorize(info, original.app_pk, manage=True)
            new_id = await subscriptions.replay(
                tx, info.context.dealer_id, delivery_id, request_id=info.context.request_id
            )
            return await _delivery(info, tx, new_id)

"""Piccolo mirrors of the partner tables (the migrations hold the SQL truth)."""

from piccolo.columns import (
    JSONB,
    UUID,
    Array,
    BigInt,
    BigSerial,
    Boolean,
    Integer,
    Text,
    Timestamptz,
)
from piccolo.table import Table


class PartnerApp(Table, tablename="partner_app"):
    """Tenant-owned: an insurer's, supplier's or manufacturer's system a dealer lets in."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    name = Text()
    kind = Text()
    contact_email = Text()
    description = Text()
    scopes = Array(Text())
    created_by = BigInt(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    disabled_at = Timestamptz(null=True)


class ApiCall(Table, tablename="api_call"):
    """Tenant-owned: one GraphQL request made with a partner key."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    api_key_id = BigInt()
    partner_app_id = BigInt(null=True)
    at = Timestamptz()
    operation_name = Text()
    operation_type = Text()
    persisted_hash = Text(null=True)
    cost = Integer()
    http_status = Integer()
    error_codes = Array(Text())
    duration_ms = Integer()
    remote_addr = Text()


ALL: list[type[Table]] = [PartnerApp, ApiCall]


class WebhookSubscription(Table, tablename="webhook_subscription"):
    """Tenant-owned: where an application wants which events posted, and the secret
    the posts are signed with."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    partner_app_id = BigInt()
    url = Text()
    event_types = Array(Text())
    description = Text()
    signing_secret = Text(secret=True)
    previous_signing_secret = Text(null=True, secret=True)
    previous_secret_until = Timestamptz(null=True)
    secret_rotated_at = Timestamptz(null=True)
    active = Boolean()
    created_by = BigInt(null=True)
    created_by_api_key_id = BigInt(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    disabled_at = Timestamptz(null=True)


class WebhookEvent(Table, tablename="webhook_event"):
    """Tenant-owned: the outbox; ``event_id`` is the receivers' idempotency key."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    event_id = UUID()
    event_type = Text()
    payload = JSONB()
    occurred_at = Timestamptz()


class WebhookDelivery(Table, tablename="webhook_delivery"):
    """Tenant-owned: one event to one subscription, pending until delivered or dead."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    event_id = BigInt()
    subscription_id = BigInt()
    status = Text()
    attempts = Integer()
    next_attempt_at = Timestamptz()
    locked_until = Timestamptz(null=True)
    last_http_status = Integer(null=True)
    last_error = Text()
    delivered_at = Timestamptz(null=True)
    replay_of = BigInt(null=True)
    requested_by = BigInt(null=True)
    requested_by_api_key_id = BigInt(null=True)
    created_at = Timestamptz()


class WebhookAttempt(Table, tablename="webhook_attempt"):
    """Tenant-owned: the delivery log, one row per try."""

    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    delivery_id = BigInt()
    attempt = Integer()
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True)
    duration_ms = Integer(null=True)
    outcome = Text()
    http_status = Integer(null=True)
    error = Text()
    response_excerpt = Text()


ALL.extend([WebhookSubscription, WebhookEvent, WebhookDelivery, WebhookAttempt])

"""Webhooks over GraphQL: the dealer's service manager (``api_key: manage``) or the
application's own key (scope ``webhooks:manage``, its own application only) subscribe
within the application's scopes, see the secret once, change, rotate, ping and disable;
the delivery log shows every attempt, filters by status and event type, and a replay
re-sends the same event ID to a real receiver through the real worker."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx
import pytest

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import bearer, error_codes, gql
from tests.conftest import reload_policies
from tests.factories import Network, make_network
from tests.partners.webhook_factories import ALL_READ_SCOPES, make_app, make_app_key
from tests.partners.webhook_receiver import serving
from tests.partners.webhook_worker import run_worker, webhook_redis

__all__ = ["webhook_redis"]

SUBSCRIPTION = "id url eventTypes description active secretHint appId disabledAt"
CREATE = f"""
mutation($input: CreateWebhookSubscriptionInput!) {{
  createWebhookSubscription(input: $input) {{ signingSecret subscription {{ {SUBSCRIPTION} }} }}
}}
"""
UPDATE = f"""
mutation($input: UpdateWebhookSubscriptionInput!) {{
  updateWebhookSubscription(input: $input) {{ {SUBSCRIPTION} }}
}}
"""
LIST = f"query($app: ID!) {{ webhookSubscriptions(appId: $app) {{ {SUBSCRIPTION} }} }}"
DISABLE = f"mutation($id: ID!) {{ disableWebhookSubscription(id: $id) {{ {SUBSCRIPTION} }} }}"
ROTATE = """
mutation($id: ID!) { rotateWebhookSecret(id: $id) { signingSecret subscription { secretHint } } }
"""
DELIVERY = """
id status attempts eventId eventType payload replayOf canReplay subscriptionUrl lastHttpStatus
attemptLog { attempt outcome httpStatus durationMs error }
"""
PING = f"mutation($id: ID!) {{ sendWebhookPing(id: $id) {{ {DELIVERY} }} }}"
REPLAY = f"mutation($id: ID!) {{ replayWebhookDelivery(id: $id) {{ {DELIVERY} }} }}"
LOG = f"""
query($app: ID!, $status: [WebhookDeliveryStatus!], $type: String) {{
  webhookDeliveries(appId: $app, status: $status, eventType: $type, first: 20) {{
    edges {{ node {{ {DELIVERY} }} }}
  }}
}}
"""


@pytest.fixture
async def net(app: object, client: httpx.AsyncClient, db: asyncpg.Connection) -> Network:
    created = await make_network(db)
    await reload_policies(app)
    return created


def _data(body: dict[str, Any]) -> Any:
    assert not body.get("errors"), body
    return body["data"]


async def _create(
    client: httpx.AsyncClient, headers: dict[str, str], app_id: int, **fields: Any
) -> dict[str, Any]:
    input_ = {
        "appId": global_id("PartnerApp", app_id),
        "url": "https://insurer.example/hooks",
        "eventTypes": ["repair_order.status_changed"],
        **fields,
    }
    return await gql(client, CREATE, {"input": input_}, headers)


async def test_the_service_manager_subscribes_within_the_apps_scopes(
    client: httpx.AsyncClient, net: Network, db: asyncpg.Connection
) -> None:
    dealer = net.dealer_ids[0]
    app_id = await make_app(db, dealer, ["repair_orders:read", "appointments:read"])
    manager = await bearer(client, "manager_a")

    created = _data(await _create(client, manager, app_id, description=" Claims desk "))
    made = created["createWebhookSubscription"]
    secret = made["signingSecret"]
    sub = made["subscription"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert sub["secretHint"] == f"whsec_…{secret[-4:]}"
    assert (sub["eventTypes"], sub["description"], sub["active"]) == (
        ["repair_order.status_changed"],
        "Claims desk",
        True,
    )
    assert sub["appId"] == global_id("PartnerApp", app_id)

    listed = _data(await gql(client, LIST, {"app": sub["appId"]}, manager))
    assert [s["id"] for s in listed["webhookSubscriptions"]] == [sub["id"]]
    assert secret not in str(listed)  # shown once

    out_of_scope = await _create(client, manager, app_id, eventTypes=["warranty_claim.decided"])
    assert error_codes(out_of_scope) == ["SCOPE_NOT_GRANTED"]
    assert out_of_scope["errors"][0]["extensions"]["missingScopes"] == ["claims:read"]
    unknown = await _create(client, manager, app_id, eventTypes=["order.exploded"])
    assert error_codes(unknown) == ["BAD_USER_INPUT"]
    bad_url = await _create(client, manager, app_id, url="ftp://insurer.example/hooks")
    assert error_codes(bad_url) == ["BAD_USER_INPUT"]
    assert bad_url["errors"][0]["extensions"]["field"] == "url"

    changed = _data(
        await gql(
            client,
            UPDATE,
            {
                "input": {
                    "id": sub["id"],
                    "url": "https://insurer.example/v2/hooks",
                    "eventTypes": ["appointment.booked", "repair_order.status_changed"],
                }
            },
            manager,
        )
    )["updateWebhookSubscription"]
    assert changed["url"] == "https://insurer.example/v2/hooks"
    assert changed["eventTypes"] == ["repair_order.status_changed", "appointment.booked"]

    rotated = _data(await gql(client, ROTATE, {"id": sub["id"]}, manager))["rotateWebhookSecret"]
    assert rotated["signingSecret"] != secret
    assert rotated["subscription"]["secretHint"] == f"whsec_…{rotated['signingSecret'][-4:]}"

    disabled = _data(await gql(client, DISABLE, {"id": sub["id"]}, manager))
    assert disabled["disableWebhookSubscription"]["active"] is False
    refused = await gql(client, PING, {"id": sub["id"]}, manager)
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    audited = await db.fetch(
        "select action from audit_entry where object_type = 'webhook_subscription' order by id"
    )
    assert [r["action"] for r in audited] == [
        "webhook_subscription.create",
        "webhook_subscription.update",
        "webhook_subscription.rotate_secret",
        "webhook_subscription.disable",
    ]  # the refused ping left nothing


async def test_staff_without_api_key_manage_may_not(
    client: httpx.AsyncClient, net: Network, db: asyncpg.Connection
) -> None:
    app_id = await make_app(db, net.dealer_ids[0])
    advisor = await bearer(client, "advisor_a")
    refused = await _create(client, advisor, app_id)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert await db.fetchval("select count(*) from webhook_subscription") == 0
    # Another dealer's application is not found (RLS), even for its manager's peer.
    other_app = await make_app(db, net.dealer_ids[1])
    manager = await bearer(client, "manager_a")
    assert error_codes(await _create(client, manager, other_app)) == ["NOT_FOUND"]


async def test_an_apps_key_manages_its_own_webhooks_only(
    client: httpx.AsyncClient, net: Network, db: asyncpg.Connection
) -> None:
    dealer = net.dealer_ids[0]
    own = await make_app(db, dealer, [*ALL_READ_SCOPES, "webhooks:manage"])
    other = await make_app(db, dealer, [*ALL_READ_SCOPES, "webhooks:manage"])
    key = {"Authorization": f"Bearer {await make_app_key(db, dealer, own)}"}

    made = _data(await _create(client, key, own))["createWebhookSubscription"]
    assert made["subscription"]["appId"] == global_id("PartnerApp", own)
    assert (
        await db.fetchval("select created_by_api_key_id is not null from webhook_subscription")
        is True
    )
    assert error_codes(await _create(client, key, other)) == ["NOT_FOUND"]
    manager = await bearer(client, "manager_a")
    theirs = _data(await _create(client, manager, other))["createWebhookSubscription"]
    theirs_id = theirs["subscription"]["id"]
    assert error_codes(await gql(client, DISABLE, {"id": theirs_id}, key)) == ["NOT_FOUND"]
    listed = await gql(client, LIST, {"app": global_id("PartnerApp", other)}, key)
    assert error_codes(listed) == ["NOT_FOUND"]

    # Without webhooks:manage, an application's key may not touch webhooks at all.
    plain = await make_app(db, dealer, list(ALL_READ_SCOPES))
    plain_key = {"Authorization": f"Bearer {await make_app_key(db, dealer, plain)}"}
    refused = await _create(client, plain_key, plain)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert refused["errors"][0]["extensions"]["permission"] == "webhooks:manage"


@pytest.mark.usefixtures("webhook_redis")
async def test_ping_log_and_replay_through_the_worker(
    client: httpx.AsyncClient, net: Network, db: asyncpg.Connection
) -> None:
    dealer = net.dealer_ids[0]
    app_id = await make_app(db, dealer)
    app_gid = global_id("PartnerApp", app_id)
    manager = await bearer(client, "manager_a")
    async with serving() as receiver:
        receiver.script = ["fail"]
        made = _data(await _create(client, manager, app_id, url=receiver.url))
        sub_id = made["createWebhookSubscription"]["subscription"]["id"]
        pinged = _data(await gql(client, PING, {"id": sub_id}, manager))["sendWebhookPing"]
        assert (pinged["status"], pinged["eventType"], pinged["attempts"]) == (
            "PENDING",
            "webhook.ping",
            0,
        )
        assert pinged["canReplay"] is False
        await run_worker()

        log = _data(await gql(client, LOG, {"app": app_gid}, manager))
        [node] = [e["node"] for e in log["webhookDeliveries"]["edges"]]
        assert (node["status"], node["attempts"], node["lastHttpStatus"]) == ("DELIVERED", 2, 204)
        assert [(a["attempt"], a["outcome"], a["httpStatus"]) for a in node["attemptLog"]] == [
            (1, "RETRY", 500),
            (2, "DELIVERED", 204),
        ]
        assert node["payload"]["subscription"] == sub_id
        assert node["canReplay"] is True
        assert receiver.requests[0].webhook_id == node["eventId"]

        replayed = _data(await gql(client, REPLAY, {"id": node["id"]}, manager))
        replay = replayed["replayWebhookDelivery"]
        assert (replay["replayOf"], replay["eventId"], replay["status"]) == (
            node["id"],
            node["eventId"],
            "PENDING",
        )
        again = await gql(client, REPLAY, {"id": replay["id"]}, manager)
        assert error_codes(again) == ["BAD_USER_INPUT"]  # still pending
        await run_worker()

        assert [r.webhook_id for r in receiver.requests] == [node["eventId"]] * 3
        pending = _data(
            await gql(client, LOG, {"app": app_gid, "status": ["PENDING", "DEAD"]}, manager)
        )
        assert pending["webhookDeliveries"]["edges"] == []
        pings = _data(await gql(client, LOG, {"app": app_gid, "type": "webhook.ping"}, manager))
        assert len(pings["webhookDeliveries"]["edges"]) == 2
        others = _data(
            await gql(client, LOG, {"app": app_gid, "type": "appointment.booked"}, manager)
        )
        assert others["webhookDeliveries"]["edges"] == []

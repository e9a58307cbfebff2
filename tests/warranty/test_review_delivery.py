"""The dealer's delivery panel through GraphQL: each claim's messages and how they fared,
the dead letters, and their retry by whoever may submit claims (and nobody else), one
dealer's messages never shown to another."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest
from arq.connections import ArqRedis

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.warranty.delivery_steps import (
    delivery_redis,
    outbox_row,
    queued_jobs,
    submitted_claim,
)
from tests.warranty.factories_warranty import WarrantyDesk

__all__ = ["delivery_redis"]
pytestmark = pytest.mark.usefixtures("delivery_redis")

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

DELIVERIES = """
query($status: [DeliveryStatus!], $claim: ID) {
  warrantyDeliveries(status: $status, claimId: $claim) {
    edges { node {
      id claimId claimNumber claimStatus kind connector status attempts nextAttemptAt
      inFlight lastError idempotencyKey deliveredAt response canRetry
    } }
  }
  warrantyDeliveryCounts { pending delivered dead }
}
"""
RETRY = """
mutation($id: ID!) { retryWarrantyDelivery(id: $id) { id status attempts lastError canRetry } }
"""


async def _dead(db: asyncpg.Connection, message_id: int) -> None:
    await db.execute(
        "update warranty_outbox set status = 'dead', attempts = 10,"
        " last_error = 'HTTP 422: VIN unknown' where id = $1",
        message_id,
    )


async def test_the_dealer_sees_its_dead_letters_and_retries_them(
    db: asyncpg.Connection,
    client: httpx.AsyncClient,
    sign_in: SignIn,
    api_desk: WarrantyDesk,
    delivery_redis: ArqRedis,
) -> None:
    dead = await submitted_claim(db, api_desk)
    waiting = await submitted_claim(db, api_desk)
    await _dead(db, dead.message_id)
    await delivery_redis.flushdb()
    claims = await sign_in("claims")

    body = await gql(client, DELIVERIES, {"status": ["DEAD"]}, claims)
    assert not body.get("errors"), body
    [edge] = body["data"]["warrantyDeliveries"]["edges"]
    node = edge["node"]
    assert node["id"] == global_id("WarrantyDelivery", dead.message_id)
    assert node["claimId"] == global_id("WarrantyClaim", dead.claim_id)
    assert (node["status"], node["kind"], node["connector"], node["attempts"]) == (
        "DEAD",
        "SUBMIT",
        "INBOX",
        10,
    )
    assert (node["lastError"], node["canRetry"], node["nextAttemptAt"]) == (
        "HTTP 422: VIN unknown",
        True,
        None,
    )
    assert body["data"]["warrantyDeliveryCounts"] == {"pending": 1, "delivered": 0, "dead": 1}
    one_claim = await gql(
        client, DELIVERIES, {"claim": global_id("WarrantyClaim", waiting.claim_id)}, claims
    )
    [other] = one_claim["data"]["warrantyDeliveries"]["edges"]
    assert (other["node"]["status"], other["node"]["canRetry"]) == ("PENDING", False)
    assert other["node"]["nextAttemptAt"] is not None

    retried = await gql(client, RETRY, {"id": node["id"]}, claims)
    assert not retried.get("errors"), retried
    assert retried["data"]["retryWarrantyDelivery"] == {
        "id": node["id"],
        "status": "PENDING",
        "attempts": 0,
        "lastError": "HTTP 422: VIN unknown",
        "canRetry": False,
    }
    assert await queued_jobs(delivery_redis) == [f"warranty-outbox:{dead.message_id}:0"]
    again = await gql(client, RETRY, {"id": node["id"]}, claims)
    assert error_codes(again) == ["BAD_USER_INPUT"]
    assert again["errors"][0]["extensions"]["rule"] == "delivery_not_dead"


async def test_only_submitters_retry_and_only_their_dealers_messages(
    db: asyncpg.Connection, client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    near = await submitted_claim(db, api_desk)
    far = await submitted_claim(db, api_desk, dealer_id=api_desk.far_dealer_id)
    await _dead(db, near.message_id)
    await _dead(db, far.message_id)
    near_id = global_id("WarrantyDelivery", near.message_id)
    far_id = global_id("WarrantyDelivery", far.message_id)

    advisor = await sign_in("advisor")  # reads claims, does not submit them
    seen = await gql(client, DELIVERIES, {}, advisor)
    [edge] = seen["data"]["warrantyDeliveries"]["edges"]
    assert (edge["node"]["id"], edge["node"]["canRetry"]) == (near_id, False)
    refused = await gql(client, RETRY, {"id": near_id}, advisor)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert refused["errors"][0]["extensions"]["permission"] == "warranty_claim:submit"

    claims = await sign_in("claims")
    foreign = await gql(client, RETRY, {"id": far_id}, claims)
    assert error_codes(foreign) == ["NOT_FOUND"]
    node = await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": far_id}, claims)
    assert node["data"]["node"] is None
    assert (await outbox_row(db, far.message_id))["status"] == "dead"

    far_claims = await gql(client, DELIVERIES, {}, await sign_in("far_claims"))
    [far_edge] = far_claims["data"]["warrantyDeliveries"]["edges"]
    assert far_edge["node"]["id"] == far_id
    technician = await gql(client, DELIVERIES, {}, await sign_in("keeper"))
    assert error_codes(technician) == ["FORBIDDEN"]

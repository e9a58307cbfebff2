"""Partner API keys: issued by a manager, confined to their dealer and role, revocable."""

from __future__ import annotations

import httpx

from tests.api.graphql_client import bearer, error_codes, gql
from tests.factories import Network

ISSUE = 'mutation { issueApiKey(name: "Insurer PICC", role: "partner_integration") { key apiKey { id prefix role { key } } } }'
VIEWER = "{ viewer { kind displayName currentDealer { code } roles { role { key } source } } }"


async def test_key_lifecycle(client: httpx.AsyncClient, network: Network, db) -> None:  # type: ignore[no-untyped-def]
    manager = await bearer(client, "manager_a")
    issued = (await gql(client, ISSUE, headers=manager))["data"]["issueApiKey"]
    key = issued["key"]
    assert key.startswith("dnk_" + issued["apiKey"]["prefix"] + "_")
    stored = await db.fetchval("select secret_hash from api_key")
    assert key.encode() not in bytes(stored), "only a hash is stored"

    as_partner = {"Authorization": f"Bearer {key}"}
    viewer = (await gql(client, VIEWER, headers=as_partner))["data"]["viewer"]
    assert viewer["kind"] == "API_KEY"
    assert viewer["roles"] == [{"role": {"key": "partner_integration"}, "source": "API_KEY"}]
    assert (await gql(client, VIEWER, headers={"X-Api-Key": key}))["data"]["viewer"][
        "kind"
    ] == "API_KEY"

    denied = await gql(client, ISSUE, headers=as_partner)
    assert error_codes(denied) in (["FORBIDDEN"], ["UNAUTHENTICATED"])

    revoked = await gql(
        client,
        "mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }",
        {"id": issued["apiKey"]["id"]},
        headers=manager,
    )
    assert revoked["data"]["revokeApiKey"]["revokedAt"] is not None
    after = await gql(client, VIEWER, headers=as_partner)
    assert error_codes(after) == ["UNAUTHENTICATED"]
    actions = [r["action"] for r in await db.fetch("select action from audit_entry order by id")]
    assert actions == ["api_key.issue", "api_key.revoke"]


async def test_advisor_cannot_issue_keys(client: httpx.AsyncClient, network: Network) -> None:
    body = await gql(client, ISSUE, headers=await bearer(client, "advisor_a"))
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["permission"] == "api_key:manage"

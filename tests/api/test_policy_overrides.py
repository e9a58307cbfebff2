"""A dealer's service manager overrides the catalog for their dealer, audited, live."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import asyncpg
import httpx

from tests.api.graphql_client import bearer, error_codes, gql
from tests.factories import Network

SET = """mutation($i: PolicyOverrideInput!) { setPolicyOverride(input: $i) {
  id role { key } kind object action effect amount reason createdBy revokedAt } }"""
CAN_READ_AUDIT = '{ explain(object: "audit_log", action: "read") { allowed reason } }'


async def _until(check: Callable[[], Awaitable[bool]]) -> None:
    """Polls for up to two seconds: the store reloads on NOTIFY, asynchronously."""
    for _ in range(40):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def test_override_grants_at_once_and_is_audited(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    manager = await bearer(client, "manager_a")
    advisor = await bearer(client, "advisor_a")
    assert (await gql(client, CAN_READ_AUDIT, headers=advisor))["data"]["explain"][
        "allowed"
    ] is False

    body = await gql(
        client,
        SET,
        {
            "i": {
                "role": "service_advisor",
                "kind": "PERMISSION",
                "object": "audit_log",
                "action": "read",
                "effect": "ALLOW",
                "reason": "advisors review their own changes",
            }
        },
        headers=manager,
    )
    override = body["data"]["setPolicyOverride"]
    assert override["createdBy"] == await db.fetchval(
        "select display_name from staff_user where id = $1", network.users["manager_a"]
    )

    async def advisor_may_read() -> bool:
        answer = await gql(client, CAN_READ_AUDIT, headers=advisor)
        return bool(answer["data"]["explain"]["allowed"])

    await _until(advisor_may_read)  # the store reloads on NOTIFY, no restart
    explained = (await gql(client, CAN_READ_AUDIT, headers=advisor))["data"]["explain"]
    assert "override" in explained["reason"]

    entry = await db.fetchrow("select * from audit_entry where action = 'policy.override.set'")
    assert entry["actor_user_id"] == network.users["manager_a"]
    assert entry["dealer_id"] == network.dealer_ids[0]

    revoked = await gql(
        client,
        "mutation($id: ID!) { revokePolicyOverride(id: $id) { revokedAt } }",
        {"id": override["id"]},
        headers=manager,
    )
    assert revoked["data"]["revokePolicyOverride"]["revokedAt"] is not None

    async def advisor_may_not_read() -> bool:
        return not await advisor_may_read()

    await _until(advisor_may_not_read)
    listed = await gql(
        client, "{ policyOverrides(includeRevoked: true) { revokedAt } }", headers=manager
    )
    assert len(listed["data"]["policyOverrides"]) == 1


async def test_override_does_not_reach_other_dealers(
    client: httpx.AsyncClient, network: Network, app: object
) -> None:
    manager = await bearer(client, "manager_a")
    await gql(
        client,
        SET,
        {
            "i": {
                "role": "service_advisor",
                "kind": "PERMISSION",
                "object": "audit_log",
                "action": "read",
                "effect": "ALLOW",
                "reason": "pilot at dealer A",
            }
        },
        headers=manager,
    )
    await app.state.policies.reload()  # type: ignore[attr-defined]
    other = await bearer(client, "advisor_b")
    assert (await gql(client, CAN_READ_AUDIT, headers=other))["data"]["explain"]["allowed"] is False


async def test_only_policy_managers_override_and_input_is_checked(
    client: httpx.AsyncClient, network: Network
) -> None:
    advisor = await bearer(client, "advisor_a")
    body = await gql(
        client,
        SET,
        {
            "i": {
                "role": "service_advisor",
                "kind": "PERMISSION",
                "object": "policy",
                "action": "manage",
                "reason": "promote myself",
            }
        },
        headers=advisor,
    )
    assert error_codes(body) == ["FORBIDDEN"]
    manager = await bearer(client, "manager_a")
    body = await gql(
        client,
        SET,
        {
            "i": {
                "role": "service_advisor",
                "kind": "PERMISSION",
                "object": "spaceship",
                "action": "fly",
                "reason": "x",
            }
        },
        headers=manager,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "object"
    body = await gql(
        client,
        SET,
        {
            "i": {
                "role": "service_advisor",
                "kind": "LIMIT",
                "object": "concession",
                "amount": "800",
                "reason": "senior advisor team",
            }
        },
        headers=manager,
    )
    assert not body.get("errors"), body
    assert body["data"]["setPolicyOverride"]["amount"] == "800.00"

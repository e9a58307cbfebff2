"""Every mutation leaves an audit entry with before and after; the log is append-only."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from tenants.database import TenantScope, tenant_transaction
from tests.api.graphql_client import bearer, gql
from tests.factories import Network

SET = 'mutation($p: Int!) { setHeadcount(input: {role: "service_advisor", planned: $p}) { planned filled vacant } }'


async def test_headcount_change_is_audited_with_before_and_after(
    client: httpx.AsyncClient, network: Network
) -> None:
    headers = await bearer(client, "manager_a")
    first = await gql(client, SET, {"p": 2}, headers=headers)
    assert first["data"]["setHeadcount"] == {"planned": 2, "filled": 1, "vacant": 1}
    await gql(client, SET, {"p": 3}, headers=headers)
    log = await gql(
        client,
        "{ auditLog { edges { node { action objectId before after actorName actor { username } } } } }",
        headers=headers,
    )
    entries = [
        e["node"]
        for e in log["data"]["auditLog"]["edges"]
        if e["node"]["action"] == "headcount.set"
    ]
    assert entries[0]["before"] == {"planned": 2} and entries[0]["after"] == {"planned": 3}
    assert entries[1]["before"] is None and entries[1]["after"] == {"planned": 2}
    assert entries[0]["actor"]["username"] == "manager_a"


async def test_failed_mutation_leaves_nothing(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    headers = await bearer(client, "advisor_a")
    body = await gql(client, SET, {"p": 2}, headers=headers)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await db.fetchval("select count(*) from headcount") == 0
    assert await db.fetchval("select count(*) from audit_entry where action = 'headcount.set'") == 0


async def test_audit_entries_cannot_be_changed_or_deleted(
    network: Network, db: asyncpg.Connection
) -> None:
    a = network.dealer_ids[0]
    await db.execute(
        "insert into audit_entry (dealer_id, action, object_type, object_id) values ($1, 'a', 'b', 'c')",
        a,
    )
    for statement in ("update audit_entry set action = 'forged'", "delete from audit_entry"):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with tenant_transaction(TenantScope.of([a]), fresh=True) as tx:
                await tx.connection.execute(statement)
    assert await db.fetchval("select action from audit_entry") == "a"

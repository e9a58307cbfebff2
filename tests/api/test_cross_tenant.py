"""A user of dealer A can neither see nor change anything of dealer B, by any route."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from api.schema.relay_conventions import global_id
from tenants.database import TenantScope, tenant_transaction
from tests.api.graphql_client import bearer, error_codes, gql
from tests.factories import Network


async def _foreign_rows(db: asyncpg.Connection, network: Network) -> dict[str, int]:
    b = network.dealer_ids[1]
    await db.execute(
        "insert into headcount (dealer_id, role, planned) values ($1, 'technician', 3)", b
    )
    manager_b = await db.fetchval(
        "insert into staff_user (username, display_name) values ('manager_b', 'B Manager') returning id"
    )
    membership = await db.fetchval(
        "insert into membership (dealer_id, user_id, roles) values ($1, $2, '{service_manager}')"
        " returning id",
        b,
        manager_b,
    )
    audit = await db.fetchval(
        "insert into audit_entry (dealer_id, action, object_type, object_id)"
        " values ($1, 'x', 'y', 'z') returning id",
        b,
    )
    override = await db.fetchval(
        "insert into policy_override (dealer_id, role, kind, object, action, effect, reason, created_by)"
        " values ($1, 'technician', 'permission', 'policy', 'read', 'allow', 'test', $2) returning id",
        b,
        manager_b,
    )
    key = await db.fetchval(
        "insert into api_key (dealer_id, name, prefix, secret_hash, role)"
        " values ($1, 'b', 'bbbbbb', '\\x00', 'partner_integration') returning id",
        b,
    )
    return {
        "Dealer": b,
        "Membership": membership,
        "AuditEntry": audit,
        "PolicyOverride": override,
        "ApiKey": key,
        "StaffUser": manager_b,
    }


async def test_node_never_returns_foreign_records(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    foreign = await _foreign_rows(db, network)
    for username in ("manager_a", "advisor_a"):
        headers = await bearer(client, username)
        for type_name, pk in foreign.items():
            body = await gql(
                client,
                "query($id: ID!) { node(id: $id) { id } }",
                {"id": global_id(type_name, pk)},
                headers=headers,
            )
            assert body["data"]["node"] is None, (username, type_name)


async def test_own_records_do_resolve(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    a = network.dealer_ids[0]
    membership = await db.fetchval(
        "select id from membership where dealer_id = $1 and user_id = $2",
        a,
        network.users["advisor_a"],
    )
    headers = await bearer(client, "manager_a")
    body = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Membership { user { username } roles { key } } } }",
        {"id": global_id("Membership", membership)},
        headers=headers,
    )
    assert body["data"]["node"] == {
        "user": {"username": "advisor_a"},
        "roles": [{"key": "service_advisor"}],
    }


async def test_lists_show_only_the_current_dealer(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    await _foreign_rows(db, network)
    headers = await bearer(client, "manager_a")
    body = await gql(
        client,
        "{ viewer { currentDealer { staff { edges { node { user { username } } } } headcount { role { key } } } }"
        " auditLog { edges { node { action } } } policyOverrides { id } apiKeys { id } dealers { edges { node { code } } } }",
        headers=headers,
    )
    assert not body.get("errors"), body
    data = body["data"]
    staff = {
        e["node"]["user"]["username"] for e in data["viewer"]["currentDealer"]["staff"]["edges"]
    }
    assert "manager_b" not in staff and "advisor_b" not in staff
    assert "technician" not in {
        h["role"]["key"] for h in data["viewer"]["currentDealer"]["headcount"]
    }
    assert (
        data["auditLog"]["edges"] == [] and data["policyOverrides"] == [] and data["apiKeys"] == []
    )
    assert len(data["dealers"]["edges"]) == 1


async def test_asking_for_another_dealer_is_refused(
    client: httpx.AsyncClient, network: Network
) -> None:
    headers = await bearer(client, "manager_a")
    b = global_id("Dealer", network.dealer_ids[1])
    body = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Dealer { staff { edges { cursor } } } } }",
        {"id": b},
        headers=headers,
    )
    assert body["data"]["node"] is None
    body = await gql(
        client, "{ auditLog { edges { cursor } } }", headers={**headers, "X-Dealer-Id": b}
    )
    assert error_codes(body) == ["DEALER_REQUIRED"]
    body = await gql(
        client,
        'mutation { setHeadcount(input: {role: "technician", planned: 9}) { planned } }',
        headers={**headers, "X-Dealer-Id": b},
    )
    assert error_codes(body) == ["DEALER_REQUIRED"]


async def test_rls_hides_foreign_rows_when_a_query_forgets_its_filter(
    network: Network, db: asyncpg.Connection
) -> None:
    await _foreign_rows(db, network)
    a, b = network.dealer_ids[:2]
    async with tenant_transaction(
        TenantScope.of([a], network.users["manager_a"]), fresh=True
    ) as tx:
        for table in ("membership", "headcount", "audit_entry", "policy_override", "api_key"):
            dealers = {
                r["dealer_id"] for r in await tx.connection.fetch(f"select dealer_id from {table}")
            }
            assert b not in dealers, table
        assert await tx.connection.fetchval("select current_user") == "dealernet_app"
        updated = await tx.connection.execute("update headcount set planned = 0")
        assert updated == "UPDATE 0"
    assert await db.fetchval("select planned from headcount where dealer_id = $1", b) == 3


async def test_rls_refuses_writing_into_another_dealer(
    network: Network, db: asyncpg.Connection
) -> None:
    a, b = network.dealer_ids[:2]
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with tenant_transaction(TenantScope.of([a]), fresh=True) as tx:
            await tx.connection.execute(
                "insert into headcount (dealer_id, role, planned) values ($1, 'cashier', 1)", b
            )
    assert await db.fetchval("select count(*) from headcount where dealer_id = $1", b) == 0


async def test_no_scope_sees_no_tenant_rows(network: Network, db: asyncpg.Connection) -> None:
    async with tenant_transaction(TenantScope.of([]), fresh=True) as tx:
        assert await tx.connection.fetchval("select count(*) from membership") == 0

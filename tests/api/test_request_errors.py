"""Bad requests get stable error codes and never a trace; limits on query shape hold."""

from __future__ import annotations

import httpx

from tests.api.graphql_client import bearer, error_codes, gql
from tests.factories import Network


async def test_malformed_query_is_a_parse_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ viewer { "})
    body = response.json()
    assert error_codes(body) == ["GRAPHQL_PARSE_FAILED"]


async def test_unknown_field_is_a_validation_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ nope }"})
    assert error_codes(response.json()) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_too_deep_queries_are_refused(client: httpx.AsyncClient, network: Network) -> None:
    nested = "region { dealers { " * 8 + "code" + " } }" * 8
    body = await gql(
        client,
        "{ viewer { currentDealer { " + nested + " } } }",
        headers=await bearer(client, "advisor_a"),
    )
    assert body.get("data") is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]


async def test_too_many_aliases_are_refused(client: httpx.AsyncClient) -> None:
    query = "{ " + " ".join(f"a{i}: roleCatalog {{ role {{ key }} }}" for i in range(40)) + " }"
    body = await gql(client, query)
    assert body.get("data") is None and body["errors"]


async def test_bad_input_names_the_field(client: httpx.AsyncClient, network: Network) -> None:
    headers = await bearer(client, "manager_a")
    body = await gql(
        client,
        'mutation { setHeadcount(input: {role: "astronaut", planned: 1}) { planned } }',
        headers=headers,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "role"
    body = await gql(client, 'query { node(id: "bm90IGFuIGlk") { id } }', headers=headers)
    assert body["errors"] and "Traceback" not in str(body)
    body = await gql(client, "{ auditLog(first: 1000) { edges { cursor } } }", headers=headers)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    body = await gql(
        client, '{ auditLog(after: "garbage!") { edges { cursor } } }', headers=headers
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_forbidden_names_the_missing_permission(
    client: httpx.AsyncClient, network: Network
) -> None:
    body = await gql(
        client, "{ auditLog { edges { cursor } } }", headers=await bearer(client, "advisor_a")
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["permission"] == "audit_log:read"


async def test_unauthenticated_mutation(client: httpx.AsyncClient, network: Network) -> None:
    body = await gql(
        client, 'mutation { setHeadcount(input: {role: "cashier", planned: 1}) { planned } }'
    )
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_get_requests_cannot_run_operations(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "{ roleCatalog { role { key } } }"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code in {400, 405}

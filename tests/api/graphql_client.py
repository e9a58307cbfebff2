"""Small helpers for calling the GraphQL endpoint in tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import DEFAULT_PASSWORD


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


SIGN_IN = """
mutation($u: String!, $p: String!, $m: SignInMode!) {
  signIn(input: {username: $u, password: $p, mode: $m}) {
    token csrfToken viewer { displayName currentDealer { id code } }
  }
}
"""


async def bearer(
    client: httpx.AsyncClient, username: str, password: str = DEFAULT_PASSWORD
) -> dict[str, str]:
    body = await gql(client, SIGN_IN, {"u": username, "p": password, "m": "TOKEN"})
    assert not body.get("errors"), body
    return {"Authorization": f"Bearer {body['data']['signIn']['token']}"}

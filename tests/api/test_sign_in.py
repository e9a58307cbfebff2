"""Sign-in by password: tokens, cookies with CSRF, failures, throttling, sign-out."""

from __future__ import annotations

import httpx
import pytest

from tests.api.graphql_client import SIGN_IN, bearer, error_codes, gql
from tests.factories import DEFAULT_PASSWORD

VIEWER = "{ viewer { displayName username kind currentDealer { code } } }"


async def test_token_sign_in_gives_a_working_bearer_token(
    client: httpx.AsyncClient, network
) -> None:  # type: ignore[no-untyped-def]
    headers = await bearer(client, "advisor_a")
    body = await gql(client, VIEWER, headers=headers)
    assert body["data"]["viewer"]["username"] == "advisor_a"
    assert body["data"]["viewer"]["kind"] == "USER"
    assert body["data"]["viewer"]["currentDealer"] is not None


async def test_anonymous_viewer_is_null(client: httpx.AsyncClient, network) -> None:  # type: ignore[no-untyped-def]
    body = await gql(client, VIEWER)
    assert body["data"]["viewer"] is None


@pytest.mark.parametrize(
    ("username", "password"),
    [("advisor_a", "wrong password"), ("nobody", DEFAULT_PASSWORD), ("advisor_a", "")],
)
async def test_wrong_credentials_are_refused_alike(
    client: httpx.AsyncClient,
    network,
    username: str,
    password: str,  # type: ignore[no-untyped-def]
) -> None:
    body = await gql(client, SIGN_IN, {"u": username, "p": password, "m": "TOKEN"})
    assert body["data"] is None
    codes = error_codes(body)
    assert codes == ["BAD_USER_INPUT" if not password else "UNAUTHENTICATED"]


async def test_repeated_failures_are_slowed_and_logged(
    client: httpx.AsyncClient, network, db
) -> None:  # type: ignore[no-untyped-def]
    codes = []
    for _ in range(6):
        body = await gql(client, SIGN_IN, {"u": "advisor_a", "p": "guess", "m": "TOKEN"})
        codes.append(error_codes(body)[0])
    assert codes[:4] == ["UNAUTHENTICATED"] * 4
    assert codes[4:] == ["TOO_MANY_ATTEMPTS"] * 2
    body = await gql(client, SIGN_IN, {"u": "advisor_a", "p": DEFAULT_PASSWORD, "m": "TOKEN"})
    assert error_codes(body) == ["TOO_MANY_ATTEMPTS"], "the right password must wait too"
    assert body["errors"][0]["extensions"]["retryAfterSeconds"] > 0
    kinds = await db.fetch(
        "select kind, count(*) from auth_event where username = 'advisor_a' group by kind"
    )
    counts = {row["kind"]: row["count"] for row in kinds}
    assert counts["sign_in_failed"] == 5
    assert counts["sign_in_throttled"] >= 2


@pytest.mark.parametrize("token", ["not-a-token", "dnk_abc_def", ""])
async def test_invalid_tokens_are_unauthenticated(
    client: httpx.AsyncClient, network, token: str
) -> None:  # type: ignore[no-untyped-def]
    body = await gql(client, VIEWER, headers={"Authorization": f"Bearer {token}x"})
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_expired_token_is_unauthenticated(client: httpx.AsyncClient, network, db) -> None:  # type: ignore[no-untyped-def]
    headers = await bearer(client, "advisor_a")
    await db.execute("update auth_session set expires_at = now() - interval '1 second'")
    body = await gql(client, VIEWER, headers=headers)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert "expired" in body["errors"][0]["message"].lower()


async def test_sign_out_ends_the_token(client: httpx.AsyncClient, network) -> None:  # type: ignore[no-untyped-def]
    headers = await bearer(client, "advisor_a")
    body = await gql(client, "mutation { signOut }", headers=headers)
    assert body["data"]["signOut"] is True
    body = await gql(client, VIEWER, headers=headers)
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_cookie_session_requires_the_csrf_header(client: httpx.AsyncClient, network) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(
        "/graphql",
        json={
            "query": SIGN_IN,
            "variables": {"u": "advisor_a", "p": DEFAULT_PASSWORD, "m": "COOKIE"},
        },
    )
    body = response.json()
    assert body["data"]["signIn"]["token"] is None
    csrf = body["data"]["signIn"]["csrfToken"]
    set_cookie = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in set_cookie if c.startswith("dn_session="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
    assert any(c.startswith(f"dn_csrf={csrf}") for c in set_cookie)

    forged = await gql(
        client, VIEWER
    )  # the browser sends the cookie, an attacker can't send the header
    assert error_codes(forged) == ["UNAUTHENTICATED"]
    assert "CSRF" in forged["errors"][0]["message"]
    wrong = await gql(client, VIEWER, headers={"X-CSRF-Token": "guess"})
    assert error_codes(wrong) == ["UNAUTHENTICATED"]
    ok = await gql(client, VIEWER, headers={"X-CSRF-Token": csrf})
    assert ok["data"]["viewer"]["username"] == "advisor_a"


async def test_sign_in_replaces_a_planted_session_cookie(
    client: httpx.AsyncClient, network, db
) -> None:  # type: ignore[no-untyped-def]
    first = await client.post(
        "/graphql",
        json={
            "query": SIGN_IN,
            "variables": {"u": "advisor_a", "p": DEFAULT_PASSWORD, "m": "COOKIE"},
        },
    )
    planted = first.cookies["dn_session"]
    second = await client.post(
        "/graphql",
        json={
            "query": SIGN_IN,
            "variables": {"u": "advisor_a", "p": DEFAULT_PASSWORD, "m": "COOKIE"},
        },
    )
    assert second.cookies["dn_session"] != planted
    client.cookies.set("dn_session", planted)
    client.cookies.set("dn_csrf", first.json()["data"]["signIn"]["csrfToken"])
    body = await gql(
        client, VIEWER, headers={"X-CSRF-Token": first.json()["data"]["signIn"]["csrfToken"]}
    )
    assert error_codes(body) == ["UNAUTHENTICATED"], "the old session must be revoked"
    live = await db.fetchval("select count(*) from auth_session where revoked_at is null")
    assert live == 1

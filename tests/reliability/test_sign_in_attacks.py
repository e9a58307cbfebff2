"""Attacks on signing in and on the browser session: guessing is slowed and logged
(per username and per address), a session cookie planted before sign-in is never
adopted, sign-out ends the session, and a signed-in browser cannot be made to act by
another site (CSRF).

CSRF design, decided here: the app does not check ``Origin``. A cookie session must
echo its ``dn_csrf`` cookie in ``X-CSRF-Token`` on every non-GET request (double
submit). Another site can neither read that cookie (same-origin policy;
``SameSite=Strict``) nor send a custom header cross-site without a CORS preflight the
app never grants, and the forms it can send (urlencoded, multipart, text/plain) are
refused before any operation runs; GET runs no operation. An Origin check would add
nothing the double submit does not already refuse, and would break the API clients
and tools that send no Origin; the tests below pin each of these facts.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlparse, urlunparse

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from tenants.access import throttle
from tenants.access.throttle import SignInThrottle
from tests.api.graphql_client import SIGN_IN, error_codes
from tests.conftest import reload_policies
from tests.factories import DEFAULT_PASSWORD, Network, make_network, make_user
from tests.reliability.figures import record

VIEWER = "{ viewer { username } }"
SET_HEADCOUNT = 'mutation { setHeadcount(input: {role: "cashier", planned: 7}) { planned } }'
EVIL = "https://evil.example"


@pytest.fixture
async def network(app: object, db: asyncpg.Connection) -> Network:
    net = await make_network(db)
    await reload_policies(app)
    return net


THROTTLE_REDIS_DB = 13


def _throttle_redis() -> Redis:
    return Redis.from_url(
        urlunparse(urlparse(os.environ["REDIS_URL"])._replace(path=f"/{THROTTLE_REDIS_DB}"))
    )


async def _forget_attempts(redis: Redis) -> None:
    keys = [k async for k in redis.scan_iter("dn:signin:*")]
    if keys:
        await redis.delete(*keys)


@pytest.fixture
async def from_address(app: Any, client: httpx.AsyncClient) -> AsyncIterator[Any]:
    """Clients calling from given addresses (the throttle counts per address).

    The app's throttle counts in a Redis database of these tests for their duration:
    the suite's database is emptied by every test's ``client`` fixture, so another
    test run sharing the server (several people at work) would reset the counts
    midway. The throttle's code is the app's own.
    """
    redis = _throttle_redis()
    await _forget_attempts(redis)
    original = app.state.throttle
    app.state.throttle = SignInThrottle(redis)
    opened: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        opened.append(http)
        return http

    try:
        yield make
    finally:
        app.state.throttle = original
        for http in opened:
            await http.aclose()
        await _forget_attempts(redis)
        await redis.aclose()


async def _sign_in(
    http: httpx.AsyncClient, username: str, password: str, mode: str = "TOKEN", **kw: Any
) -> httpx.Response:
    return await http.post(
        "/graphql",
        json={"query": SIGN_IN, "variables": {"u": username, "p": password, "m": mode}},
        **kw,
    )


async def _expire_locks() -> None:
    """Lets a lock run out without waiting for it (the failure counts stay)."""
    redis = _throttle_redis()
    try:
        keys = [k async for k in redis.scan_iter("dn:signin:*:lock")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


async def test_guessing_one_password_is_slowed_ever_more_and_logged(
    from_address: Any, network: Network, db: asyncpg.Connection
) -> None:
    attacker = from_address("198.51.100.7")
    codes, waits, headers = [], [], []
    for _ in range(throttle.FREE_ATTEMPTS + 3):
        response = await _sign_in(attacker, "advisor_a", "guess")
        body = response.json()
        codes.append(error_codes(body)[0])
        extensions = body["errors"][0]["extensions"]
        waits.append(extensions.get("retryAfterSeconds"))
        headers.append(response.headers.get("retry-after"))
    free = throttle.FREE_ATTEMPTS
    assert codes[: free - 1] == ["UNAUTHENTICATED"] * (free - 1)
    assert codes[free - 1 :] == ["TOO_MANY_ATTEMPTS"] * 4
    assert waits[free - 1] == throttle.BASE_LOCK_SECONDS
    assert all(0 < w <= throttle.BASE_LOCK_SECONDS for w in waits[free:])
    assert headers[free - 1 :] == [str(w) for w in waits[free - 1 :]], "Retry-After header"

    # The right password waits as well; once the lock runs out, a further failure
    # doubles it.
    right = await _sign_in(attacker, "advisor_a", DEFAULT_PASSWORD)
    assert error_codes(right.json()) == ["TOO_MANY_ATTEMPTS"]
    await _expire_locks()
    again = (await _sign_in(attacker, "advisor_a", "guess 2")).json()
    assert error_codes(again) == ["TOO_MANY_ATTEMPTS"]
    assert again["errors"][0]["extensions"]["retryAfterSeconds"] == 2 * throttle.BASE_LOCK_SECONDS

    events = await db.fetch(
        "select kind, remote_addr, user_id from auth_event where username = 'advisor_a'"
    )
    kinds = [e["kind"] for e in events]
    assert kinds.count("sign_in_failed") == free + 1
    assert kinds.count("sign_in_throttled") == 4
    assert {e["remote_addr"] for e in events} == {"198.51.100.7"}
    assert {e["user_id"] for e in events if e["kind"] == "sign_in_failed"} == {
        network.users["advisor_a"]
    }
    record(
        "sign_in_brute_force",
        requests=len(codes) + 2,
        throttled=codes.count("TOO_MANY_ATTEMPTS") + 2,
        logged=len(events),
        first_lock_seconds=waits[free - 1],
        second_lock_seconds=again["errors"][0]["extensions"]["retryAfterSeconds"],
    )


async def test_spraying_many_usernames_from_one_address_is_slowed_there_only(
    from_address: Any, network: Network, db: asyncpg.Connection
) -> None:
    for n in range(3):
        await make_user(db, f"sprayed{n}")
    sprayer = from_address("203.0.113.9")
    office = from_address("192.0.2.44")
    names = [f"sprayed{n % 3}" if n % 2 else f"nobody{n}" for n in range(40)]
    codes = []
    for name in names:
        codes.append(error_codes((await _sign_in(sprayer, name, "Winter2026!")).json())[0])
    # No name is tried five times before the address has used its free attempts;
    # then the address is locked, whatever the name.
    per_address = throttle.FREE_ATTEMPTS_PER_ADDRESS
    assert set(codes[: per_address - 1]) == {"UNAUTHENTICATED"}
    assert set(codes[per_address - 1 :]) == {"TOO_MANY_ATTEMPTS"}
    locked_out = await _sign_in(sprayer, "manager_a", DEFAULT_PASSWORD)
    assert error_codes(locked_out.json()) == ["TOO_MANY_ATTEMPTS"], "the address is locked"
    assert int(locked_out.headers["retry-after"]) > 0

    # Somebody else at another address signs in normally.
    fine = (await _sign_in(office, "manager_a", DEFAULT_PASSWORD)).json()
    assert not fine.get("errors"), fine
    logged = await db.fetchval("select count(*) from auth_event where remote_addr = '203.0.113.9'")
    assert logged == len(names) + 1
    unknown = await db.fetchval(
        "select count(*) from auth_event where remote_addr = '203.0.113.9' and user_id is null"
        " and username like 'nobody%'"
    )
    assert unknown == len(names) // 2, "unknown names are logged too"
    record(
        "sign_in_spraying",
        requests=len(names) + 1,
        usernames=len(set(names)),
        throttled=codes.count("TOO_MANY_ATTEMPTS") + 1,
        logged=logged,
        other_address_signed_in=1,
    )


def _cookies_of(response: httpx.Response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}


async def test_a_planted_session_cookie_is_never_adopted(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    # 1. An attacker-chosen value: sign-in ignores it and issues its own token.
    client.cookies.set("dn_session", "attacker-chosen-token")
    signed_in = await _sign_in(client, "advisor_a", DEFAULT_PASSWORD, "COOKIE")
    issued = signed_in.cookies["dn_session"]
    assert issued != "attacker-chosen-token"
    client.cookies.clear()
    client.cookies.set("dn_session", "attacker-chosen-token")
    body = (await client.post("/graphql", json={"query": VIEWER})).json()
    assert error_codes(body) == ["UNAUTHENTICATED"]

    # 2. The attacker's own valid session planted in the victim's browser: the victim's
    # sign-in replaces (revokes) it, and the attacker's token never becomes the victim's.
    client.cookies.clear()
    attacker = await _sign_in(client, "manager_a", DEFAULT_PASSWORD, "COOKIE")
    planted, planted_csrf = attacker.cookies["dn_session"], attacker.cookies["dn_csrf"]
    client.cookies.clear()
    client.cookies.set("dn_session", planted)
    victim = await _sign_in(client, "advisor_a", DEFAULT_PASSWORD, "COOKIE")
    fresh, fresh_csrf = victim.cookies["dn_session"], victim.cookies["dn_csrf"]
    assert fresh != planted and fresh_csrf != planted_csrf
    client.cookies.clear()
    client.cookies.set("dn_session", planted)
    client.cookies.set("dn_csrf", planted_csrf)
    stale = (
        await client.post(
            "/graphql", json={"query": VIEWER}, headers={"X-CSRF-Token": planted_csrf}
        )
    ).json()
    assert error_codes(stale) == ["UNAUTHENTICATED"], "the planted session is revoked"
    client.cookies.clear()
    client.cookies.set("dn_session", fresh)
    mine = (
        await client.post("/graphql", json={"query": VIEWER}, headers={"X-CSRF-Token": fresh_csrf})
    ).json()
    assert mine["data"]["viewer"]["username"] == "advisor_a"

    # 3. Each sign-in is a new token and a new CSRF token.
    tokens = set()
    for _ in range(3):
        client.cookies.clear()
        response = await _sign_in(client, "advisor_a", DEFAULT_PASSWORD, "COOKIE")
        tokens.add((response.cookies["dn_session"], response.cookies["dn_csrf"]))
    assert len(tokens) == 3
    record(
        "session_fixation", requests=9, planted_cookies=2, adopted=0, fresh_tokens=len(tokens) + 2
    )


async def test_sign_out_revokes_the_session_and_clears_the_cookies(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    signed_in = await _sign_in(client, "advisor_a", DEFAULT_PASSWORD, "COOKIE")
    token, csrf = signed_in.cookies["dn_session"], signed_in.cookies["dn_csrf"]
    out = await client.post(
        "/graphql", json={"query": "mutation { signOut }"}, headers={"X-CSRF-Token": csrf}
    )
    assert out.json()["data"]["signOut"] is True
    cleared = _cookies_of(out)
    assert 'dn_session=""' in cleared["dn_session"] or "Max-Age=0" in cleared["dn_session"]
    assert "dn_csrf" in cleared
    revoked = await db.fetchval(
        "select revoked_at is not null from auth_session where user_id = $1",
        network.users["advisor_a"],
    )
    assert revoked
    # A copy of the cookie kept by someone is worthless now.
    client.cookies.clear()
    client.cookies.set("dn_session", token)
    client.cookies.set("dn_csrf", csrf)
    body = (
        await client.post("/graphql", json={"query": VIEWER}, headers={"X-CSRF-Token": csrf})
    ).json()
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_another_site_cannot_act_through_a_signed_in_browser(
    client: httpx.AsyncClient, from_address: Any, network: Network, db: asyncpg.Connection
) -> None:
    manager = await _sign_in(client, "manager_a", DEFAULT_PASSWORD, "COOKIE")
    cookies = _cookies_of(manager)
    assert "HttpOnly" in cookies["dn_session"] and "SameSite=lax" in cookies["dn_session"]
    assert "SameSite=strict" in cookies["dn_csrf"]
    csrf = manager.cookies["dn_csrf"]
    other = await _sign_in(from_address("127.0.0.2"), "advisor_a", DEFAULT_PASSWORD, "COOKIE")
    someone_elses_csrf = other.cookies["dn_csrf"]
    dealer = network.dealer_ids[0]
    refused = []
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("no header", {"json": {"query": SET_HEADCOUNT}, "headers": {"Origin": EVIL}}),
        ("wrong header", {"json": {"query": SET_HEADCOUNT}, "headers": {"X-CSRF-Token": "guess"}}),
        (
            "another session's token",
            {"json": {"query": SET_HEADCOUNT}, "headers": {"X-CSRF-Token": someone_elses_csrf}},
        ),
        ("empty header", {"json": {"query": SET_HEADCOUNT}, "headers": {"X-CSRF-Token": ""}}),
    ]
    for name, request in attempts:
        body = (await client.post("/graphql", **request)).json()
        assert error_codes(body) == ["UNAUTHENTICATED"], name
        assert "CSRF" in body["errors"][0]["message"], name
        refused.append(name)
    # What an HTML form or a no-preflight fetch of another site can send: refused
    # before any operation runs.
    for content_type, content in [
        ("application/x-www-form-urlencoded", "query=" + SET_HEADCOUNT),
        ("text/plain", '{"query": "' + SET_HEADCOUNT.replace('"', '\\"') + '"}'),
        ("multipart/form-data; boundary=x", "--x\r\n\r\n" + SET_HEADCOUNT + "\r\n--x--"),
    ]:
        response = await client.post(
            "/graphql",
            content=content.encode(),
            headers={"content-type": content_type, "Origin": EVIL},
        )
        assert response.status_code == 400, content_type
        refused.append(content_type)
    get = await client.get("/graphql", params={"query": SET_HEADCOUNT}, headers={"Origin": EVIL})
    assert get.status_code in {400, 405}
    # The custom header needs a CORS preflight, which the app never grants.
    preflight = await client.options(
        "/graphql",
        headers={
            "Origin": EVIL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, x-csrf-token",
        },
    )
    assert preflight.status_code < 500
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-credentials" not in preflight.headers
    forged_rows = await db.fetchval("select count(*) from headcount where dealer_id = $1", dealer)
    assert forged_rows == 0

    # The app's own page (same origin, header echoed) works.
    done = (
        await client.post("/graphql", json={"query": SET_HEADCOUNT}, headers={"X-CSRF-Token": csrf})
    ).json()
    assert done["data"]["setHeadcount"]["planned"] == 7
    record(
        "csrf",
        requests=len(refused) + 2,
        forged=len(refused) + 2,
        refused=len(refused) + 2,
        changed=forged_rows,
    )


async def test_throttled_sign_ins_in_parallel_do_not_slip_through(
    from_address: Any, network: Network, db: asyncpg.Connection
) -> None:
    """Forty guesses at once, the right password last among them: one attempt per
    username is verified at a time (the rest are refused as throttled before any
    password check), so at most the free attempts are ever verified and the right
    password does not get in behind them."""
    attacker = from_address("198.51.100.99")
    guesses = [f"guess{n}" for n in range(39)] + [DEFAULT_PASSWORD]
    responses = await asyncio.gather(*(_sign_in(attacker, "manager_a", g) for g in guesses))
    bodies = [r.json() for r in responses]
    codes = [error_codes(b)[0] if b.get("errors") else "SIGNED_IN" for b in bodies]
    verified = await db.fetchval(
        "select count(*) from auth_event where username = 'manager_a' and kind = 'sign_in_failed'"
    )
    assert verified <= throttle.FREE_ATTEMPTS
    assert codes.count("UNAUTHENTICATED") <= throttle.FREE_ATTEMPTS
    if codes[-1] == "SIGNED_IN":  # only when its turn came before the free attempts ran out
        assert verified < throttle.FREE_ATTEMPTS
    assert codes.count("TOO_MANY_ATTEMPTS") >= len(guesses) - throttle.FREE_ATTEMPTS - 1
    record(
        "sign_in_parallel_burst",
        requests=len(guesses),
        verified=int(verified),
        throttled=codes.count("TOO_MANY_ATTEMPTS"),
        right_password_got_in=int(codes[-1] == "SIGNED_IN"),
    )

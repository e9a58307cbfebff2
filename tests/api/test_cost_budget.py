"""Per-key cost budgets: an API key spends its bucket, is refused with retry advice,
and recovers as the bucket refills; signed-in users only meet the per-request limit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from api.app import create_app, lifespan
from api.schema import cost_budget
from api.settings import Settings
from tests.api.graphql_client import bearer, error_codes, gql
from tests.factories import Network

ISSUE = 'mutation { issueApiKey(name: "Insurer", role: "partner_integration") { key } }'
# Four viewer objects under four aliases: cost 4.
FOUR = "{ a: viewer { displayName } b: viewer { kind } c: viewer { kind } d: viewer { kind } }"
TOO_COSTLY = "{ stockItems(first: 50) { edges { node { id } } } }"  # 1 + 50
START = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(cost_budget, "clock", fake)
    return fake


@pytest.fixture
def small_budget(app: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Applies a bucket of 10 refilled at 1 per second, at most 10 per request (after
    the test has signed in and issued its keys, which cost more)."""

    def apply() -> None:
        settings = replace(
            app.state.settings,
            max_query_cost=10,
            cost_bucket_capacity=10,
            cost_refill_per_second=1.0,
        )
        monkeypatch.setattr(app.state, "settings", settings)

    return apply


async def issue_key(client: httpx.AsyncClient) -> dict[str, str]:
    body = await gql(client, ISSUE, headers=await bearer(client, "manager_a"))
    return {"Authorization": f"Bearer {body['data']['issueApiKey']['key']}"}


async def post(client: httpx.AsyncClient, query: str, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/graphql", json={"query": query}, headers=headers)


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat().replace("+00:00", "Z")


async def test_key_spends_its_bucket_then_waits_for_the_refill(
    client: httpx.AsyncClient, network: Network, small_budget: Callable[[], None], clock: Clock
) -> None:
    key = await issue_key(client)
    small_budget()

    first = await post(client, FOUR, key)
    assert first.status_code == 200
    assert first.json()["data"]["a"]["displayName"]
    assert first.json()["extensions"]["cost"] == {
        "requested": 4,
        "limit": 10,
        "capacity": 10,
        "remaining": 6,
        "resetAt": iso(START + 4),
    }
    second = await post(client, FOUR, key)
    assert second.json()["extensions"]["cost"]["remaining"] == 2

    refused = await post(client, FOUR, key)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "2"
    body = refused.json()
    assert body["data"] is None
    assert error_codes(body) == ["RATE_LIMITED"]
    assert body["errors"][0]["extensions"] == {
        "code": "RATE_LIMITED",
        "cost": 4,
        "remaining": 2,
        "retryAfterSeconds": 2,
    }
    assert body["extensions"]["cost"]["remaining"] == 2, "a refusal costs nothing"

    clock.now += 1
    still = await post(client, FOUR, key)
    assert still.status_code == 429
    assert still.headers["retry-after"] == "1"

    clock.now += 1
    recovered = await post(client, FOUR, key)
    assert recovered.status_code == 200
    assert not recovered.json().get("errors")
    assert recovered.json()["extensions"]["cost"]["remaining"] == 0
    assert recovered.json()["extensions"]["cost"]["resetAt"] == iso(START + 2 + 10)

    clock.now += 3600
    full = await post(client, FOUR, key)
    assert full.json()["extensions"]["cost"]["remaining"] == 6, "refill stops at capacity"


async def test_each_key_has_its_own_bucket(
    client: httpx.AsyncClient, network: Network, small_budget: Callable[[], None], clock: Clock
) -> None:
    one, other = await issue_key(client), await issue_key(client)
    small_budget()
    for _ in range(2):
        await post(client, FOUR, one)
    assert (await post(client, FOUR, one)).status_code == 429
    fresh = await post(client, FOUR, other)
    assert fresh.status_code == 200
    assert fresh.json()["extensions"]["cost"]["remaining"] == 6


async def test_too_costly_query_is_refused_before_it_runs_and_uncharged(
    client: httpx.AsyncClient, network: Network, small_budget: Callable[[], None], clock: Clock
) -> None:
    key, user = await issue_key(client), await bearer(client, "advisor_a")
    small_budget()
    for headers in (key, user):
        body = await gql(client, TOO_COSTLY, headers=headers)
        assert body["data"] is None
        assert error_codes(body) == ["QUERY_TOO_COSTLY"]
        assert body["errors"][0]["extensions"] == {
            "code": "QUERY_TOO_COSTLY",
            "cost": 51,
            "limit": 10,
        }
        assert body["extensions"]["cost"] == {"requested": 51, "limit": 10}
    after = await post(client, FOUR, key)
    assert after.json()["extensions"]["cost"]["remaining"] == 6


async def test_signed_in_users_have_no_bucket(
    client: httpx.AsyncClient, network: Network, small_budget: Callable[[], None], clock: Clock
) -> None:
    user = await bearer(client, "advisor_a")
    small_budget()
    for _ in range(5):  # 20 > the bucket's 10: users are not charged
        response = await post(client, FOUR, user)
        assert response.status_code == 200
        assert not response.json().get("errors")
        assert response.json()["extensions"]["cost"] == {"requested": 4, "limit": 10}


async def test_cost_reported_with_default_settings(
    client: httpx.AsyncClient, network: Network, clock: Clock
) -> None:
    key = await issue_key(client)
    settings = Settings()
    cost = (await post(client, FOUR, key)).json()["extensions"]["cost"]
    assert cost["requested"] == 4
    assert cost["limit"] == settings.max_query_cost
    assert cost["capacity"] == settings.cost_bucket_capacity
    assert cost["remaining"] == settings.cost_bucket_capacity - 4


async def test_invalid_documents_carry_no_cost(
    client: httpx.AsyncClient, network: Network, small_budget: Callable[[], None]
) -> None:
    key = await issue_key(client)
    small_budget()
    body = (await post(client, "{ noSuchField }", key)).json()
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "cost" not in (body.get("extensions") or {})


@pytest.fixture
async def no_redis_client(pool: None) -> AsyncIterator[httpx.AsyncClient]:
    # Port 1 on loopback: nothing listens there, so every Redis call really fails.
    app = create_app(replace(Settings(), redis_url="redis://127.0.0.1:1/0"))
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_redis_down_refuses_keys_and_spares_users(
    client: httpx.AsyncClient, no_redis_client: httpx.AsyncClient, network: Network
) -> None:
    key = await issue_key(client)
    user = await bearer(client, "advisor_a")

    refused = await post(no_redis_client, FOUR, key)
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "5"
    assert error_codes(refused.json()) == ["SERVICE_UNAVAILABLE"]
    assert refused.json()["errors"][0]["extensions"]["retryAfterSeconds"] == 5
    assert refused.json()["data"] is None

    served = await post(no_redis_client, FOUR, user)
    assert served.status_code == 200
    assert not served.json().get("errors")
    assert served.json()["data"]["a"]["displayName"]

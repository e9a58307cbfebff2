"""When Redis is unreachable the API answers cleanly: 503 health, SERVICE_UNAVAILABLE."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import pytest

from api.app import create_app, lifespan
from api.settings import Settings
from tests.api.graphql_client import SIGN_IN, error_codes
from tests.factories import DEFAULT_PASSWORD, Network


@pytest.fixture
async def no_redis_client(pool: None) -> AsyncIterator[httpx.AsyncClient]:
    # Port 1 on loopback: nothing listens there, so every Redis call really fails.
    app = create_app(replace(Settings(), redis_url="redis://127.0.0.1:1/0"))
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_health_is_503_with_retry_advice(no_redis_client: httpx.AsyncClient) -> None:
    response = await no_redis_client.get("/health")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["postgres"] == "ok"
    assert response.json()["redis"].startswith("down")


async def test_sign_in_fails_cleanly(no_redis_client: httpx.AsyncClient, network: Network) -> None:
    response = await no_redis_client.post(
        "/graphql",
        json={
            "query": SIGN_IN,
            "variables": {"u": "advisor_a", "p": DEFAULT_PASSWORD, "m": "TOKEN"},
        },
    )
    body = response.json()
    assert error_codes(body) == ["SERVICE_UNAVAILABLE"]
    assert body["errors"][0]["extensions"]["retryAfterSeconds"] == 5
    assert "Traceback" not in response.text

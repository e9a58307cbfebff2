"""How the HTTP connector reads a manufacturer's answers, and the retry schedule:
exponential, capped, jittered, never below the receiver's own Retry-After."""

from __future__ import annotations

import httpx
import pytest

from tenants.warranty.connectors.http import body_of, classify
from tenants.warranty.connectors.message import Message
from tenants.warranty.delivery import RetryPolicy

KEY = "dealernet:1:claim:7:submit:1"


def _response(
    status: int, json: object = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(status, json=json, headers=headers)


@pytest.mark.parametrize(
    ("status", "json", "headers", "kind"),
    [
        (200, {"ok": True}, None, "delivered"),
        (201, None, None, "delivered"),
        (409, {"idempotencyKey": KEY}, None, "delivered"),
        (409, None, {"Idempotency-Key": KEY}, "delivered"),
        (409, {"idempotencyKey": "someone-else"}, None, "dead"),
        (400, {"error": "bad VIN"}, None, "dead"),
        (401, None, None, "dead"),
        (302, None, {"Location": "/elsewhere"}, "dead"),
        (408, None, None, "retry"),
        (429, None, {"Retry-After": "30"}, "retry"),
        (500, None, None, "retry"),
        (503, None, None, "retry"),
    ],
)
def test_answers_are_read_by_status(
    status: int, json: object, headers: dict[str, str] | None, kind: str
) -> None:
    outcome = classify(_response(status, json, headers), KEY)
    assert outcome.kind == kind
    if kind == "dead":
        assert outcome.error.startswith(f"HTTP {status}")


def test_the_receivers_retry_after_is_kept_and_the_body_is_the_error() -> None:
    outcome = classify(_response(429, {"error": "slow down"}, {"Retry-After": "30"}), KEY)
    assert outcome.retry_after == 30
    refused = classify(_response(422, {"error": "VIN unknown"}), KEY)
    assert "VIN unknown" in refused.error
    assert refused.response == {"status": 422, "body": {"error": "VIN unknown"}}


def test_the_body_is_the_same_bytes_on_every_attempt() -> None:
    message = Message(1, 1, 7, "submit", KEY, {"b": 1, "a": "水泵"}, "http", 0)
    again = Message(1, 1, 7, "submit", KEY, {"a": "水泵", "b": 1}, "http", 5)
    assert body_of(message) == body_of(again)
    assert body_of(message).decode() == (
        '{"claim":{"a":"水泵","b":1},"idempotencyKey":"' + KEY + '","kind":"submit"}'
    )


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(base_delay=10, max_delay=100)
    for attempts, capped in ((1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)):
        delays = [policy.backoff(attempts) for _ in range(200)]
        assert all(capped / 2 <= d <= capped for d in delays), attempts
        assert len(set(delays)) > 1  # jittered
    assert policy.backoff(1, floor=30) == 30
    assert policy.backoff(1, floor=10_000) == 100

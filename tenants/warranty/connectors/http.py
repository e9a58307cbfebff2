"""The HTTP connector: a manufacturer with its own warranty system receives each claim
as a signed JSON POST to its ``endpoint_url``.

The request carries ``Idempotency-Key`` (the message's key, the same on every attempt)
so the manufacturer can recognise a repeat; the body is the same bytes on every
attempt. How answers are read (see ``docs/integrations/warranty-http.md``):

- 2xx: received; the answer is kept.
- 409 echoing our key (``Idempotency-Key`` response header or ``idempotencyKey`` in a
  JSON body): received before; delivered. A 409 without the echo is a refusal.
- 408, 425, 429: the receiver asks us to come back (its ``Retry-After`` is honoured as a
  floor under the backoff).
- other 4xx: refused; retrying the same bytes cannot help, so the message is dead at
  once and the body becomes its error, for a person to read.
- 3xx: not followed (a signed POST must not wander); dead, fix the configured URL.
- 5xx, timeout, connection error: retried with backoff.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from tenants.warranty.connectors.message import Message, Outcome
from tenants.warranty.connectors.signing import IDEMPOTENCY_HEADER, signed_headers

TRANSIENT_4XX = frozenset({408, 425, 429})
ERROR_BODY_CHARS = 2000


@dataclass(frozen=True)
class Endpoint:
    url: str
    secret: str


def body_of(message: Message) -> bytes:
    """The exact bytes posted: stable across attempts (sorted keys, no whitespace)."""
    envelope = {
        "idempotencyKey": message.idempotency_key,
        "kind": message.kind,
        "claim": message.payload,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _answer(response: httpx.Response) -> dict[str, Any]:
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text[:ERROR_BODY_CHARS]
    return {"status": response.status_code, "body": body}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def _echoes_key(response: httpx.Response, key: str) -> bool:
    if response.headers.get(IDEMPOTENCY_HEADER) == key:
        return True
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("idempotencyKey") == key


def classify(response: httpx.Response, key: str) -> Outcome:
    status = response.status_code
    answer = _answer(response)
    if 200 <= status < 300:
        return Outcome.delivered(answer)
    if status == 409 and _echoes_key(response, key):
        return Outcome.delivered({**answer, "duplicate": True})
    text = response.text[:ERROR_BODY_CHARS]
    if status in TRANSIENT_4XX or status >= 500:
        return Outcome.retry(f"HTTP {status}: {text}", answer, _retry_after(response))
    if 300 <= status < 400:
        return Outcome.dead(f"HTTP {status}: redirects are not followed; check the endpoint URL")
    return Outcome.dead(f"HTTP {status}: {text}", answer)


async def post(
    message: Message,
    endpoint: Endpoint,
    *,
    request_timeout: float,
    client: httpx.AsyncClient | None = None,
) -> Outcome:
    """One attempt; never raises for what the network or the receiver does."""
    body = body_of(message)
    headers = {
        "Content-Type": "application/json",
        IDEMPOTENCY_HEADER: message.idempotency_key,
        **signed_headers(endpoint.secret, body),
    }
    own = client is None
    http = client or httpx.AsyncClient()
    try:
        response = await http.post(
            endpoint.url,
            content=body,
            headers=headers,
            timeout=request_timeout,
            follow_redirects=False,
        )
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return Outcome.dead(f"endpoint URL unusable: {exc}")
    except httpx.TimeoutException as exc:
        return Outcome.retry(f"timeout after {request_timeout:g}s ({type(exc).__name__})")
    except httpx.HTTPError as exc:
        return Outcome.retry(f"{type(exc).__name__}: {exc}")
    finally:
        if own:
            await http.aclose()
    return classify(response, message.idempotency_key)

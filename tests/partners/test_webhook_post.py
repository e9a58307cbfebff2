"""One webhook POST against a real receiver on loopback: the whole exchange is bounded
in time (a receiver dripping its answer cannot outlast the lease), only the excerpt's
worth of the answer is read, and in production the connection goes only to an address
checked when connecting (a name rebinding to an internal address after the pre-check
gets nothing), with the answering peer checked again."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tenants.partners.webhook_delivery import (
    EXCERPT_CHARS,
    RetryPolicy,
    _Taken,
    direct_client,
    post,
)
from tests.partners.webhook_receiver import Receiver, Request, serving


class Answering(Receiver):
    """Answers 200 with ``chunks`` of body, ``pause`` seconds apart."""

    def __init__(self, chunks: list[bytes], pause: float = 0.0) -> None:
        super().__init__()
        self.chunks = chunks
        self.pause = pause

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.requests.append(Request(headers, b"", 200))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for chunk in self.chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await asyncio.sleep(self.pause)
        await send({"type": "http.response.body", "body": b""})


def _taken(url: str) -> _Taken:
    return _Taken(
        dealer_id=1,
        delivery_id=1,
        attempts=0,
        url=url,
        secrets=("whsec_" + "A" * 43 + "=",),
        event_uuid="00000000-0000-0000-0000-000000000001",
        body=b"{}",
        refusal="",
    )


async def test_a_huge_answer_is_read_only_as_far_as_the_excerpt() -> None:
    async with serving(Answering([b"x" * 65536] * 200)) as receiver:  # 13 MB on offer
        outcome = await post(_taken(receiver.url), request_timeout=5, client=None)
    assert outcome.kind == "delivered"
    assert outcome.excerpt == "x" * EXCERPT_CHARS
    assert receiver.requests[0].headers["accept-encoding"] == "identity"


async def test_a_dripping_answer_is_cut_at_the_timeout() -> None:
    """httpx's timeout is per read; each chunk here comes well within it."""
    async with serving(Answering([b"."] * 50, pause=0.1)) as receiver:
        outcome = await post(_taken(receiver.url), request_timeout=1, client=None)
    assert outcome.kind == "retry"
    assert outcome.error.startswith("No answer within 1 s")
    assert outcome.duration_ms < 2500


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALERNET_ENV", "production")
    monkeypatch.delenv("DEALERNET_WEBHOOKS_ALLOW_PRIVATE", raising=False)


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_in_production_nothing_is_sent_to_a_private_address(host: str) -> None:
    """``post`` runs after the name resolved to public addresses; the connection
    resolves again, as a rebinding name would answer it: it must not go inward. Not a
    byte reaches the receiver, and the log says why rather than what a port answered."""
    async with serving(Answering([b"internal secrets"])) as receiver:
        url = receiver.url.replace("127.0.0.1", host)
        outcome = await post(_taken(url), request_timeout=5, client=direct_client())
    assert receiver.requests == []
    assert outcome.kind == "dead" and outcome.http_status is None and outcome.excerpt == ""
    assert f"{host} resolves to a non-public address (127.0.0.1)" in outcome.error


@pytest.mark.usefixtures("production")
async def test_an_answer_from_a_private_peer_is_discarded_whatever_the_client() -> None:
    """The peer the answer came from is checked too (a client without the connect-time
    check, as a test or a future change might pass)."""
    async with (
        serving(Answering([b"internal secrets"])) as receiver,
        httpx.AsyncClient(trust_env=False) as plain,
    ):
        outcome = await post(_taken(receiver.url), request_timeout=5, client=plain)
    assert len(receiver.requests) == 1
    assert outcome.kind == "dead"
    assert outcome.excerpt == "" and outcome.http_status is None
    assert "non-public address (127.0.0.1)" in outcome.error


async def test_posts_go_direct_whatever_proxy_the_environment_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The address checks judge the connection the worker opens; through a proxy they
    would judge the proxy's."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # discard port: nothing answers
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    async with serving(Answering([b"ok"])) as receiver:
        outcome = await post(_taken(receiver.url), request_timeout=5, client=None)
    assert outcome.kind == "delivered", outcome


def test_a_lease_shorter_than_resolving_and_posting_is_refused() -> None:
    """Otherwise a slow attempt is overtaken while still posting: a needless repeat."""
    with pytest.raises(ValueError, match="lease"):
        RetryPolicy(lease=15, timeout=10)
    assert RetryPolicy(lease=20, timeout=10).lease == 20

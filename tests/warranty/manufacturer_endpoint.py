"""A manufacturer's own warranty system on loopback, for the HTTP connector tests: a real
HTTP server (uvicorn, in the tests' event loop) that checks our signature, keeps one
effect per Idempotency-Key (a repeat is answered 409 echoing the key), and misbehaves
on cue: fail with 500 before doing anything, answer too late after doing it, hold the
answer until the test lets go, or refuse with 422."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from tenants.warranty.connectors.signing import IDEMPOTENCY_HEADER, verify

Scope = dict[str, Any]


@dataclass
class Received:
    key: str
    answered: int
    body: dict[str, Any]


@dataclass
class ManufacturerEndpoint:
    secret: str
    effects: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Claims received, one per key: what "in effect" means."""
    requests: list[Received] = field(default_factory=list)
    script: list[str] = field(default_factory=list)
    """What to do with the next requests, in order: ``fail`` (500, no effect), ``slow``
    (effect, then answer after the client's timeout), ``hold`` (effect, then wait for
    ``release``), ``refuse`` (422, no effect); ``ok`` or nothing: behave."""
    bad_signatures: int = 0
    held: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    slow_seconds: float = 2.0
    url: str = ""

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            event = await receive()
            chunks.append(event.get("body", b""))
            if not event.get("more_body"):
                break
        body = b"".join(chunks)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if verify(self.secret, _Headers(headers), body) is not None:
            self.bad_signatures += 1
            await _answer(send, 401, {"error": "bad signature"})
            return
        key = headers.get(IDEMPOTENCY_HEADER.lower(), "")
        action = self.script.pop(0) if self.script else "ok"
        data = json.loads(body)
        if action == "fail":
            self.requests.append(Received(key, 500, data))
            await _answer(send, 500, {"error": "database unavailable"})
            return
        if action == "refuse":
            self.requests.append(Received(key, 422, data))
            await _answer(send, 422, {"error": "VIN unknown to the manufacturer"})
            return
        duplicate = key in self.effects
        self.effects.setdefault(key, data)
        status = 409 if duplicate else 201
        self.requests.append(Received(key, status, data))
        if action == "slow":
            await asyncio.sleep(self.slow_seconds)
        elif action == "hold":
            self.held.set()
            await self.release.wait()
        await _answer(send, status, {"idempotencyKey": key, "reference": f"M-{len(self.effects)}"})


class _Headers(dict[str, str]):
    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)


async def _answer(send: Any, status: int, body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": raw})


@asynccontextmanager
async def serving(endpoint: ManufacturerEndpoint) -> AsyncIterator[ManufacturerEndpoint]:
    """Serve ``endpoint`` on a free loopback port until the block ends."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(endpoint, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):  # uvicorn only offers a flag
        if server.started:
            break
        await asyncio.sleep(0.01)
    else:
        raise RuntimeError("the manufacturer endpoint did not start")
    endpoint.url = f"http://127.0.0.1:{port}/warranty/claims"
    try:
        yield endpoint
    finally:
        endpoint.release.set()
        server.should_exit = True
        await task
        sock.close()

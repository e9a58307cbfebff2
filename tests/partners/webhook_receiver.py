"""A partner's webhook endpoint on loopback: a real HTTP server (uvicorn, in the tests'
event loop) that keeps every request it gets (headers and body as sent) and answers
on cue: ``fail`` (500), ``slow`` (answer after the client's timeout), ``gone`` (410),
``ok`` or nothing (204). It does not verify anything itself: the tests do, with an
independent Standard Webhooks implementation."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn


@dataclass
class Request:
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]


@dataclass
class Receiver:
    requests: list[Request] = field(default_factory=list)
    script: list[str] = field(default_factory=list)
    slow_seconds: float = 2.0
    url: str = ""
    got: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            event = await receive()
            chunks.append(event.get("body", b""))
            if not event.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        action = self.script.pop(0) if self.script else "ok"
        status = {"fail": 500, "gone": 410}.get(action, 204)
        self.requests.append(Request(headers, b"".join(chunks), status))
        self.got.set()
        if action == "slow":
            await asyncio.sleep(self.slow_seconds)
        body = b"" if status == 204 else json.dumps({"error": f"scripted {action}"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


@asynccontextmanager
async def serving(receiver: Receiver | None = None) -> AsyncIterator[Receiver]:
    """Serve a receiver on a free loopback port until the block ends."""
    receiver = receiver or Receiver()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(receiver, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(500):  # uvicorn only offers a flag
        if server.started:
            break
        await asyncio.sleep(0.01)
    else:
        raise RuntimeError("the webhook receiver did not start")
    receiver.url = f"http://127.0.0.1:{port}/hooks/dealernet"
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
        sock.close()

"""A minimal WebSocket client that drives the ASGI app in the test's own event loop.

No WebSocket client library is installed, and Litestar's test client runs the app on
another loop (the shared database pool then breaks), so the test speaks the ASGI
WebSocket messages itself; the app cannot tell it from a server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from types import TracebackType
from typing import Any


class WebSocketClosed(Exception):
    def __init__(self, code: int, reason: str = "") -> None:
        super().__init__(f"closed with {code} {reason}")
        self.code = code
        self.reason = reason


class AsgiWebSocket:
    def __init__(
        self,
        app: Any,
        path: str = "/graphql",
        *,
        headers: dict[str, str] | None = None,
        subprotocols: tuple[str, ...] = ("graphql-transport-ws",),
    ) -> None:
        self.app = app
        self.scope: dict[str, Any] = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "http_version": "1.1",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [
                (k.lower().encode(), v.encode())
                for k, v in {"host": "testserver", **(headers or {})}.items()
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "subprotocols": list(subprotocols),
        }
        self.to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.subprotocol: str | None = None

    async def __aenter__(self) -> AsgiWebSocket:
        self.task = asyncio.create_task(self.app(self.scope, self.to_app.get, self.from_app.put))
        await self.to_app.put({"type": "websocket.connect"})
        message = await asyncio.wait_for(self.from_app.get(), 5)
        if message["type"] == "websocket.close":
            raise WebSocketClosed(message.get("code", 1000), message.get("reason", ""))
        assert message["type"] == "websocket.accept", message
        self.subprotocol = message.get("subprotocol")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.to_app.put({"type": "websocket.disconnect", "code": 1000})
        assert self.task is not None
        try:
            await asyncio.wait_for(self.task, 5)
        except TimeoutError:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

    async def send_json(self, data: dict[str, Any]) -> None:
        await self.to_app.put({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json(self) -> dict[str, Any]:
        message = await asyncio.wait_for(self.from_app.get(), 5)
        if message["type"] == "websocket.close":
            raise WebSocketClosed(message.get("code", 1000), message.get("reason", ""))
        assert message["type"] == "websocket.send", message
        data: dict[str, Any] = json.loads(message.get("text") or message["bytes"])
        return data

    def pending(self) -> list[dict[str, Any]]:
        """Messages the app sent that were not received yet."""
        messages = []
        while not self.from_app.empty():
            messages.append(self.from_app.get_nowait())
        return messages

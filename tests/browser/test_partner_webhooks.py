"""Partner webhooks in the browser: the service manager subscribes an application (only
to events within its scopes), sees the secret once, sends a test event that reaches a
real receiver signed (verified with an independent Standard Webhooks implementation),
reads the delivery log with its attempt, and replays it with the same event ID."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import asyncpg
import pytest
from standardwebhooks import Webhook

from api.schema.relay_conventions import global_id
from tenants.partners.webhook_delivery import attempt, due_deliveries
from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser
SCRIPT = FRONTEND / "e2e" / "partner_webhooks.mjs"


class _Received(BaseHTTPRequestHandler):
    got: list[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        self.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A plain HTTP receiver on loopback, in a thread (the browser steps block the loop)."""
    got: list[tuple[dict[str, str], bytes]] = []
    handler = type("Handler", (_Received,), {"got": got})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/dealernet/hooks", got
    finally:
        server.shutdown()
        server.server_close()


async def _deliver_due() -> None:
    """What the worker does for each due delivery (the live server runs no worker)."""
    for wake in await due_deliveries():
        await attempt(wake.dealer_id, wake.delivery_id)


@pytest.mark.usefixtures("pool")
async def test_subscribe_ping_log_and_replay(
    browser: Browser,
    owner: asyncpg.Connection,
    receiver: tuple[str, list[tuple[dict[str, str], bytes]]],
) -> None:
    url, got = receiver
    app_id = await owner.fetchval(
        "insert into partner_app (dealer_id, name, kind, scopes)"
        " select id, 'E2E Webhook Insurer', 'insurer', '{repair_orders:read}'"
        " from dealer where code = 'SH01' returning id"
    )
    app = global_id("PartnerApp", app_id)

    out = await asyncio.to_thread(browser.run, "subscribe-and-ping", app, url, script=SCRIPT)
    assert "an event outside the scopes cannot be chosen" in out
    assert "shown once" in out and "pending" in out
    secret = next(line.split()[1] for line in out.splitlines() if line.startswith("SECRET "))
    await _deliver_due()
    [(headers, body)] = got
    ping = Webhook(secret).verify(body, headers)
    assert ping["type"] == "webhook.ping" and ping["id"] == headers["webhook-id"]

    out = await asyncio.to_thread(browser.run, "log-and-replay", app, script=SCRIPT)
    assert "delivered, its attempt answered 204" in out and "same event ID" in out
    event_id = next(line.split()[1] for line in out.splitlines() if line.startswith("EVENT "))
    await _deliver_due()
    assert [h["webhook-id"] for h, _ in got] == [event_id, event_id]
    assert got[1][1] == body
    Webhook(secret).verify(got[1][1], got[1][0])

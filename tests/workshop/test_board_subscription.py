"""``workshopBoardChanged`` over graphql-transport-ws: a watcher of the dealer hears of a
change another user made, after it committed; a watcher of another dealer hears
nothing; credentials come from a bearer token in connection_init, or from the session
cookie confirmed with its CSRF token."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import SIGN_IN, gql
from tests.workshop.asgi_websocket import AsgiWebSocket, WebSocketClosed
from tests.workshop.factories_workshop import Workshop, make_board_order, put_on_shift

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

SUBSCRIBE = "subscription { workshopBoardChanged { orderId status at } }"
DISPATCH = """
mutation($line: ID!, $tech: ID) {
  dispatchJob(input: {lineId: $line, technicianId: $tech}) { orderStatus }
}
"""


async def start(ws: AsgiWebSocket, payload: dict[str, str], op: str = "1") -> None:
    await ws.send_json({"type": "connection_init", "payload": payload})
    assert await ws.receive_json() == {"type": "connection_ack"}
    await ws.send_json({"id": op, "type": "subscribe", "payload": {"query": SUBSCRIBE}})


async def refusal(ws: AsgiWebSocket) -> dict[str, str]:
    """The error extensions of a subscription refused at its start, which then completes."""
    message = await ws.receive_json()
    assert message["type"] == "next", message
    assert message["payload"]["data"] is None
    extensions: dict[str, str] = message["payload"]["errors"][0]["extensions"]
    assert (await ws.receive_json())["type"] == "complete"
    return extensions


async def wait_for_listeners(dealer_id: int, count: int = 1, *, exactly: bool = False) -> None:
    """The subscription is live once its Redis SUBSCRIBE went through (or, ``exactly``,
    the number of subscribers has come to ``count``)."""
    redis = Redis.from_url(os.environ["REDIS_URL"])
    try:
        for _ in range(200):
            channels = await redis.pubsub_numsub(f"dealernet:board:{dealer_id}")
            listening = channels[0][1] if channels else 0
            if listening == count if exactly else listening >= count:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the subscription never listened")
    finally:
        await redis.aclose()


async def test_a_watcher_hears_another_users_change_and_another_dealer_nothing(
    app: object,
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    shop: Workshop,
    sign_in: SignIn,
) -> None:
    order = await make_board_order(db, shop)
    await put_on_shift(db, shop.dealer_id, shop.users["technician"])
    watcher = (await sign_in("technician"))["Authorization"]
    outsider = (await sign_in("other_advisor"))["Authorization"]

    async with AsgiWebSocket(app) as ours, AsgiWebSocket(app) as theirs:
        assert ours.subprotocol == "graphql-transport-ws"
        await start(ours, {"authorization": watcher})
        await start(theirs, {"authorization": outsider})
        await wait_for_listeners(shop.dealer_id)
        await wait_for_listeners(shop.other_dealer_id)

        body = await gql(
            client,
            DISPATCH,
            {
                "line": global_id("RepairOrderLine", order.labour[0]),
                "tech": global_id("StaffUser", shop.users["technician"]),
            },
            await sign_in("leader"),
        )
        assert not body.get("errors"), body

        message = await ours.receive_json()
        assert message["type"] == "next", message
        event = message["payload"]["data"]["workshopBoardChanged"]
        assert event["orderId"] == global_id("RepairOrder", order.id)
        assert event["status"] == "IN_PROGRESS"
        assert event["at"]
        await asyncio.sleep(0.3)
        assert theirs.pending() == []
        assert ours.pending() == []  # one event per order and transaction
    # Closed sockets leave no Redis subscription behind.
    await wait_for_listeners(shop.dealer_id, 0, exactly=True)
    await wait_for_listeners(shop.other_dealer_id, 0, exactly=True)


async def test_a_refused_change_announces_nothing(
    app: object,
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    shop: Workshop,
    sign_in: SignIn,
) -> None:
    order = await make_board_order(db, shop)  # nobody on shift: dispatch is refused
    async with AsgiWebSocket(app) as ws:
        await start(ws, {"authorization": (await sign_in("advisor"))["Authorization"]})
        await wait_for_listeners(shop.dealer_id)
        body = await gql(
            client,
            DISPATCH,
            {
                "line": global_id("RepairOrderLine", order.labour[0]),
                "tech": global_id("StaffUser", shop.users["technician"]),
            },
            await sign_in("leader"),
        )
        assert body["errors"][0]["extensions"]["rule"] == "technician_not_on_shift"
        await asyncio.sleep(0.3)
        assert ws.pending() == []


async def test_browser_session_cookie_needs_its_csrf_token(
    app: object,
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    shop: Workshop,
) -> None:
    from tests.factories import DEFAULT_PASSWORD

    body = await gql(
        client, SIGN_IN, {"u": shop.usernames["advisor"], "p": DEFAULT_PASSWORD, "m": "COOKIE"}
    )
    assert not body.get("errors"), body
    csrf = body["data"]["signIn"]["csrfToken"]
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    headers = {"cookie": cookie, "origin": "http://testserver"}

    async with AsgiWebSocket(app, headers=headers) as ws:
        await ws.send_json({"type": "connection_init", "payload": {}})
        with pytest.raises(WebSocketClosed) as closed:
            await ws.receive_json()
        assert closed.value.code == 4403

    async with AsgiWebSocket(app, headers=headers) as ws:
        await start(ws, {"csrfToken": csrf})
        await wait_for_listeners(shop.dealer_id)
        order = await make_board_order(db, shop)
        # A change made by a service outside the API is announced too.
        from tenants.service.board_events import publish_board_change

        await publish_board_change(shop.dealer_id, order.id)
        message = await ws.receive_json()
        assert message["payload"]["data"]["workshopBoardChanged"]["status"] == "APPROVED"


async def test_a_page_of_another_site_cannot_open_the_socket(
    app: object, client: httpx.AsyncClient, shop: Workshop
) -> None:
    with pytest.raises(WebSocketClosed):
        async with AsgiWebSocket(app, headers={"origin": "https://evil.example"}):
            pass


async def test_watching_needs_sign_in_and_workshop_board_read(
    app: object, client: httpx.AsyncClient, shop: Workshop, sign_in: SignIn
) -> None:
    async with AsgiWebSocket(app) as ws:
        await start(ws, {})
        assert await refusal(ws) == {"code": "UNAUTHENTICATED"}

    async with AsgiWebSocket(app) as ws:
        await start(ws, {"authorization": (await sign_in("cashier"))["Authorization"]})
        assert await refusal(ws) == {"code": "FORBIDDEN", "permission": "workshop_board:read"}

    async with AsgiWebSocket(app) as ws:
        await ws.send_json({"type": "connection_init", "payload": {"authorization": "nope"}})
        with pytest.raises(WebSocketClosed) as closed:
            await ws.receive_json()
        assert closed.value.code == 4403


async def test_a_signed_out_session_stops_hearing(
    app: object,
    client: httpx.AsyncClient,
    db: asyncpg.Connection,
    shop: Workshop,
    sign_in: SignIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from api.schema import workshop
    from tenants.service.board_events import publish_board_change

    monkeypatch.setattr(workshop, "SESSION_RECHECK_SECONDS", 0.0)
    order = await make_board_order(db, shop)
    async with AsgiWebSocket(app) as ws:
        await start(ws, {"authorization": (await sign_in("technician"))["Authorization"]})
        await wait_for_listeners(shop.dealer_id)
        await publish_board_change(shop.dealer_id, order.id)
        assert (await ws.receive_json())["type"] == "next"

        await db.execute("update auth_session set revoked_at = now()")
        await publish_board_change(shop.dealer_id, order.id)
        assert await refusal(ws) == {"code": "UNAUTHENTICATED"}

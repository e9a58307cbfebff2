"""The live board through a real server: uvicorn serving the app, a real WebSocket
client speaking graphql-transport-ws, another user's change arriving as an event, and
a watcher of another dealer hearing nothing."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import asyncpg
import httpx
import pytest
import websockets
from redis.asyncio import Redis

from api.schema.relay_conventions import global_id
from tests.conftest import LiveServer

SUBSCRIBE = "subscription { workshopBoardChanged { orderId status } }"
SIGN_IN = """
mutation($u: String!, $p: String!) {
  signIn(input: {username: $u, password: $p, mode: TOKEN}) { token }
}
"""
DISPATCH = """
mutation($line: ID!, $tech: ID) {
  dispatchJob(input: {lineId: $line, technicianId: $tech}) { orderStatus }
}
"""


async def token(http: httpx.AsyncClient, server: LiveServer, username: str) -> str:
    response = await http.post(
        f"{server.base_url}/graphql",
        json={"query": SIGN_IN, "variables": {"u": username, "p": server.users[username]}},
    )
    body = response.json()
    assert not body.get("errors"), body
    value: str = body["data"]["signIn"]["token"]
    return value


async def arrange_order(owner: asyncpg.Connection, dealer: str) -> tuple[int, int, int]:
    """An approved order at ``dealer`` and its technician on shift today (the demo seed
    may have put them on shift already): (order, line, technician)."""
    dealer_id, advisor, technician = await owner.fetchrow(
        "select d.id, (select id from staff_user where username = $2),"
        " (select id from staff_user where username = $3) from dealer d where d.code = $1",
        dealer,
        f"advisor.{dealer.lower()}",
        f"tech.{dealer.lower()}",
    )
    customer = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, 'Live Test', '+86 139 0000 1111')"
        " returning id",
        dealer_id,
    )
    vehicle = await owner.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate) values ($1, $2,"
        " 'LSVXYZ00000000001', '沪A12345') returning id",
        dealer_id,
        customer,
    )
    order = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status) values ($1, 'LIVE-1', $2, $3, $4, 'approved') returning id",
        dealer_id,
        customer,
        vehicle,
        advisor,
    )
    line = await owner.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, hours, unit_price,"
        " status) values ($1, $2, 'labour', 1, 200, 'approved') returning id",
        dealer_id,
        order,
    )
    await owner.execute(
        "insert into technician_shift (dealer_id, user_id, work_date, hours) values"
        " ($1, $2, (select (now() at time zone time_zone)::date from dealer where id = $1), 8)"
        " on conflict do nothing",
        dealer_id,
        technician,
    )
    return order, line, technician


async def watch(url: str, bearer: str) -> Any:
    ws = await websockets.connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": bearer}}))
    assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "board", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    return ws


async def listeners(dealer_code: str, owner: asyncpg.Connection) -> int:
    dealer_id = await owner.fetchval("select id from dealer where code = $1", dealer_code)
    redis = Redis.from_url(os.environ["REDIS_URL"])
    try:
        counts = await redis.pubsub_numsub(f"dealernet:board:{dealer_id}")
    finally:
        await redis.aclose()
    return int(counts[0][1]) if counts else 0


async def test_another_users_change_reaches_the_watching_browser(
    live_server: LiveServer, owner: asyncpg.Connection
) -> None:
    order, line, technician = await arrange_order(owner, "SH01")
    ws_url = live_server.base_url.replace("http://", "ws://") + "/graphql"
    async with httpx.AsyncClient() as http:
        watcher = await watch(ws_url, await token(http, live_server, "tech.sh01"))
        outsider = await watch(ws_url, await token(http, live_server, "advisor.gz01"))
        try:
            for _ in range(200):
                if await listeners("SH01", owner) and await listeners("GZ01", owner):
                    break
                await asyncio.sleep(0.02)
            else:
                pytest.fail("the subscriptions never listened")

            response = await http.post(
                f"{live_server.base_url}/graphql",
                json={
                    "query": DISPATCH,
                    "variables": {
                        "line": global_id("RepairOrderLine", line),
                        "tech": global_id("StaffUser", technician),
                    },
                },
                headers={
                    "Authorization": f"Bearer {await token(http, live_server, 'advisor.sh01')}"
                },
            )
            body = response.json()
            assert body["data"] == {"dispatchJob": {"orderStatus": "IN_PROGRESS"}}
            assert "errors" not in body

            message = json.loads(await asyncio.wait_for(watcher.recv(), 5))
            # The payload's extensions (the operation's cost) are not the board's business.
            message["payload"].pop("extensions", None)
            assert message == {
                "id": "board",
                "type": "next",
                "payload": {
                    "data": {
                        "workshopBoardChanged": {
                            "orderId": global_id("RepairOrder", order),
                            "status": "IN_PROGRESS",
                        }
                    }
                },
            }
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(outsider.recv(), 0.5)
        finally:
            await watcher.close()
            await outsider.close()

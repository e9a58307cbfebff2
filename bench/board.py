"""The workshop board through the whole stack against a hand-written asyncpg endpoint.

Both serve the same 50-order board from ``<db>_bench`` in uvicorn subprocesses; the
same bounded load (fixed requests, fixed concurrency) runs against each, one after
the other, and the answers are checked to be the same JSON first.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx

from bench.arrange import Arranged, arrange
from bench.database import bench_url, migrate, recreate
from bench.load import LoadResult, run_load
from bench.servers import graphql_server_args, handwritten_server_args, serve

BOARD_QUERY = """
query Board { workshopBoard { orders {
  id number status promisedAt late waitingForParts customerName
  vehicle { plate model } advisor { id displayName } bay { code name }
  jobs { id description hours jobStatus team technician { id displayName }
         clockedHours clockedOn }
} } }
"""


@dataclass(frozen=True)
class BoardBench:
    graphql: LoadResult
    handwritten: LoadResult
    orders: int
    jobs: int
    same_json: bool

    @property
    def ratio(self) -> float:
        """How many times the hand-written endpoint's throughput the stack's is below."""
        return self.handwritten.throughput / self.graphql.throughput


def _comparable(body: dict[str, Any]) -> Any:
    """The board without what moves with the clock (hours of clocks still running)."""
    orders = body["data"]["workshopBoard"]["orders"]
    for order in orders:
        for job in order["jobs"]:
            if job["clockedOn"]:
                job["clockedHours"] = "running"
    return orders


async def prepare() -> tuple[str, Arranged]:
    url = bench_url()
    await recreate(url)
    migrate(url)
    connection = await asyncpg.connect(url)
    try:
        arranged = await arrange(connection)
    finally:
        await connection.close()
    return url, arranged


async def run(*, requests: int = 400, concurrency: int = 8, warmup: int = 40) -> BoardBench:
    url, arranged = await prepare()
    env = {
        "DATABASE_URL": url,
        "DEALERNET_ENV": "production",
        "BENCH_DEALER_ID": str(arranged.dealer_id),
    }
    async with serve(graphql_server_args(), env, "/health") as graphql_url:
        async with httpx.AsyncClient() as http:
            signed = await http.post(
                graphql_url + "/graphql",
                json={
                    "query": "mutation($u: String!, $p: String!) { signIn(input: "
                    "{username: $u, password: $p, mode: TOKEN}) { token } }",
                    "variables": {"u": arranged.username, "p": arranged.password},
                },
            )
            token = signed.json()["data"]["signIn"]["token"]
        headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
        payload = json.dumps({"query": BOARD_QUERY}).encode()

        async def graphql_request(client: httpx.AsyncClient) -> httpx.Response:
            return await client.post(graphql_url + "/graphql", content=payload, headers=headers)

        async with serve(handwritten_server_args(), env, "/") as hand_url:

            async def hand_request(client: httpx.AsyncClient) -> httpx.Response:
                return await client.post(hand_url + "/board", content=payload)

            async with httpx.AsyncClient() as http:
                ours = (await graphql_request(http)).json()
                theirs = (await hand_request(http)).json()
            assert not ours.get("errors"), ours
            same = _comparable(ours) == _comparable(theirs)
            orders = ours["data"]["workshopBoard"]["orders"]
            graphql = await run_load(
                "GraphQL (Litestar + Strawberry)",
                graphql_request,
                requests=requests,
                concurrency=concurrency,
                warmup=warmup,
            )
            hand = await run_load(
                "hand-written asyncpg + json_agg",
                hand_request,
                requests=requests,
                concurrency=concurrency,
                warmup=warmup,
            )
    return BoardBench(graphql, hand, len(orders), sum(len(o["jobs"]) for o in orders), same)


def report(result: BoardBench) -> str:
    rows = [
        "| endpoint | requests/s | p50 ms | p99 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for load in (result.graphql, result.handwritten):
        rows.append(f"| {load.name} | {load.throughput:.0f} | {load.p50:.1f} | {load.p99:.1f} |")
    return "\n".join(
        [
            f"Workshop board, {result.orders} open orders with {result.jobs} jobs; "
            f"{result.graphql.requests} requests per endpoint at concurrency "
            f"{result.graphql.concurrency}, after a warm-up "
            f"({datetime.now(UTC):%Y-%m-%d}, {platform.python_implementation()} "
            f"{platform.python_version()}, {platform.machine()}).",
            "",
            *rows,
            "",
            f"**Ratio: the hand-written endpoint serves {result.ratio:.1f}x the requests per "
            f"second of the GraphQL stack** (p50 {result.graphql.p50 / result.handwritten.p50:.1f}x"
            " the latency). Same JSON from both: "
            f"{'yes' if result.same_json else 'NO'}.",
        ]
    )

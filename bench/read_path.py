"""The GraphQL read path side by side: the workshop board and the parts stock list through
the whole stack (Litestar + Strawberry), a hand-written asyncpg endpoint (the floor) and
PostGraphile 5, all three on the same ``<db>_bench`` as the application's non-owner role
under the same dealer scope.

Each is a subprocess on loopback; this process is the load generator. For each query the
three answers are first checked to be the same (PostGraphile's mapped into the stack's
shape), then the same bounded load runs against each, one after the other.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from bench import board, postgraphile_schema, stock_list
from bench.load import LoadResult, run_load
from bench.servers import (
    graphql_server_args,
    handwritten_server_args,
    postgraphile_server_args,
    serve,
)

Request = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]
ENDPOINTS = ("GraphQL (Litestar + Strawberry)", "hand-written asyncpg", "PostGraphile 5")


@dataclass(frozen=True)
class QueryBench:
    query: str
    loads: list[LoadResult]
    """In the order of ``ENDPOINTS``."""
    same: dict[str, bool]
    """Per other endpoint: same answer as the stack's."""
    size: str


@dataclass(frozen=True)
class ReadPathBench:
    queries: list[QueryBench]

    @property
    def consistent(self) -> bool:
        return all(all(q.same.values()) for q in self.queries)


def _post(url: str, payload: bytes, headers: dict[str, str] | None = None) -> Request:
    async def request(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post(url, content=payload, headers=headers)

    return request


async def _sign_in(graphql_url: str, username: str, password: str) -> str:
    async with httpx.AsyncClient() as http:
        signed = await http.post(
            graphql_url + "/graphql",
            json={
                "query": "mutation($u: String!, $p: String!) { signIn(input: "
                "{username: $u, password: $p, mode: TOKEN}) { token } }",
                "variables": {"u": username, "p": password},
            },
        )
    return str(signed.json()["data"]["signIn"]["token"])


async def _answers(requests: list[Request]) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(timeout=30) as http:
        bodies = [(await request(http)).json() for request in requests]
    for body in bodies:
        assert not body.get("errors"), body
    return bodies


async def _load(
    names: tuple[str, ...], requests: list[Request], *, count: int, concurrency: int
) -> list[LoadResult]:
    return [
        await run_load(
            name, request, requests=count, concurrency=concurrency, warmup=max(count // 10, 10)
        )
        for name, request in zip(names, requests, strict=True)
    ]


async def run(*, requests: int = 400, concurrency: int = 8) -> ReadPathBench:
    url, arranged = await board.prepare()
    env = {
        "DATABASE_URL": url,
        "DEALERNET_ENV": "production",
        "BENCH_DEALER_ID": str(arranged.dealer_id),
        "GRAPHILE_ENV": "production",
    }
    async with (
        serve(graphql_server_args(), env, "/health") as graphql_url,
        serve(handwritten_server_args(), env, "/") as hand_url,
        serve(postgraphile_server_args(), env, "/graphql", start_seconds=90) as pgl_url,
    ):
        token = await _sign_in(graphql_url, arranged.username, arranged.password)
        headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
        json_header = {"content-type": "application/json"}
        pgl_board = json.dumps({"query": postgraphile_schema.BOARD_QUERY}).encode()
        pgl_stock = json.dumps(
            {
                "query": postgraphile_schema.STOCK_QUERY,
                "variables": {"dealer": str(arranged.dealer_id), "first": stock_list.STOCK_PAGE},
            }
        ).encode()
        board_requests = [
            _post(graphql_url + "/graphql", json.dumps({"query": board.BOARD_QUERY}).encode(),
                  headers),
            _post(hand_url + "/board", b""),
            _post(pgl_url + "/graphql", pgl_board, json_header),
        ]  # fmt: skip
        stock_requests = [
            _post(graphql_url + "/graphql", stock_list.payload(), headers),
            _post(hand_url + "/stock", b""),
            _post(pgl_url + "/graphql", pgl_stock, json_header),
        ]
        ours, hand, pgl = await _answers(board_requests)
        orders = ours["data"]["workshopBoard"]["orders"]
        board_same = {
            ENDPOINTS[1]: board.comparable(hand) == board.comparable(ours),
            ENDPOINTS[2]: board.comparable(postgraphile_schema.board_as_stack(pgl))
            == board.comparable(ours),
        }
        jobs = sum(len(o["jobs"]) for o in orders)
        board_bench = QueryBench(
            "workshop board",
            await _load(ENDPOINTS, board_requests, count=requests, concurrency=concurrency),
            board_same,
            f"{len(orders)} open orders with {jobs} jobs",
        )
        ours, hand, pgl = await _answers(stock_requests)
        stock_same = {
            ENDPOINTS[1]: stock_list.comparable(hand) == stock_list.comparable(ours),
            ENDPOINTS[2]: stock_list.comparable(postgraphile_schema.stock_as_stack(pgl),
                                                cursors=False)
            == stock_list.comparable(ours, cursors=False),
        }  # fmt: skip
        page = ours["data"]["stockItems"]["edges"]
        stock_bench = QueryBench(
            "parts stock list",
            await _load(ENDPOINTS, stock_requests, count=requests, concurrency=concurrency),
            stock_same,
            f"first page of {len(page)} of {board.STOCK_ITEMS} stocked parts, with zones",
        )
    return ReadPathBench([board_bench, stock_bench])


def report(result: ReadPathBench) -> str:
    first = result.queries[0].loads[0]
    lines = [
        f"{first.requests} requests per endpoint and query at concurrency {first.concurrency},"
        f" after a warm-up; server, PostgreSQL and load generator on the same machine"
        f" ({datetime.now(UTC):%Y-%m-%d}, {platform.python_implementation()}"
        f" {platform.python_version()}, {platform.machine()}).",
        "",
        "| query | endpoint | requests/s | p50 ms | p99 ms | throughput vs GraphQL |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for q in result.queries:
        stack = q.loads[0]
        for load in q.loads:
            lines.append(
                f"| {q.query} | {load.name} | {load.throughput:.0f} | {load.p50:.1f} |"
                f" {load.p99:.1f} | {load.throughput / stack.throughput:.2f}x |"
            )
    lines.append("")
    for q in result.queries:
        stack, hand, pgl = q.loads
        same = ", ".join(f"{name}: {'yes' if ok else 'NO'}" for name, ok in q.same.items())
        lines.append(
            f"- **{q.query}** ({q.size}): the hand-written floor serves"
            f" **{hand.throughput / stack.throughput:.1f}x** the stack's requests per second,"
            f" PostGraphile **{pgl.throughput / stack.throughput:.1f}x**"
            f" (p50 {stack.p50 / hand.p50:.1f}x and {stack.p50 / pgl.p50:.1f}x lower)."
            f" Same answer as the stack's: {same}."
        )
    return "\n".join(lines)

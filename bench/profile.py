"""Profiles the GraphQL board in-process (cProfile): the app in this event loop on the
benchmark database, the board query sent through httpx's ASGI transport.

It also times the fix it led to, the cached validation (``api.schema.request_limits``),
against strawberry's own limiter extensions, which validate every request again:
alternating rounds of sequential requests, so both see the same machine load.
"""

from __future__ import annotations

import cProfile
import io
import json
import logging
import os
import pstats
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bench.board import BOARD_QUERY, prepare

STAGES = (
    r"parse_document|_parse_and_validate_async|validate_document|(principal|sessions).py.*"
    r"(authenticate|resolve)|workshop.py.*(workshop_board|from_row|from_json)|board.py.*board_rows"
    r"|execute_fields|encode_json|graphql_context|relay/types.py.*_id"
)


def _uncached_extensions() -> list[Any]:
    """The extensions as they were: a fresh limiter rule per request, nothing cached."""
    from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

    from api.schema.error_codes import ErrorCodes
    from api.settings import Settings

    limits = Settings()
    return [
        ErrorCodes,
        lambda: QueryDepthLimiter(max_depth=limits.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
    ]


async def run(*, requests: int = 200, top: int = 30) -> str:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    url, arranged = await prepare()
    os.environ["DATABASE_URL"] = url
    os.environ["DEALERNET_ENV"] = "production"
    from api.app import create_app, lifespan  # the engine reads DATABASE_URL on import
    from api.schema import schema

    app = create_app()
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            signed = await client.post(
                "/graphql",
                json={
                    "query": "mutation($u: String!, $p: String!) { signIn(input: "
                    "{username: $u, password: $p, mode: TOKEN}) { token } }",
                    "variables": {"u": arranged.username, "p": arranged.password},
                },
            )
            token = signed.json()["data"]["signIn"]["token"]
            headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
            payload = json.dumps({"query": BOARD_QUERY}).encode()

            async def board() -> None:
                response = await client.post("/graphql", content=payload, headers=headers)
                assert "errors" not in response.json(), response.text

            for _ in range(20):
                await board()
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(requests):
                await board()
            profiler.disable()
            timing = await _compare(schema, board, requests)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    # Where a request's time goes, by stage (cumulative): parse and validate, the
    # credentials, the resolver with its SQL, field execution, the response body.
    stats.sort_stats("cumulative").print_stats(STAGES)
    return out.getvalue() + timing


async def _compare(schema: Any, board: Callable[[], Awaitable[None]], requests: int) -> str:
    cached = schema.extensions
    uncached = _uncached_extensions()
    spent = {"uncached": 0.0, "cached": 0.0}
    rounds = 5
    try:
        for _ in range(rounds):
            for name, extensions in (("uncached", uncached), ("cached", cached)):
                schema.extensions = extensions
                began = time.perf_counter()
                for _ in range(requests // rounds):
                    await board()
                spent[name] += time.perf_counter() - began
    finally:
        schema.extensions = cached
    per = {name: seconds / (requests // rounds * rounds) * 1000 for name, seconds in spent.items()}
    return (
        f"\nIn-process, sequential, {requests} requests each: validation every request "
        f"{per['uncached']:.1f} ms/request, cached validation {per['cached']:.1f} ms/request "
        f"({(1 - per['cached'] / per['uncached']) * 100:.0f}% less).\n"
    )

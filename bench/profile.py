"""Profiles the GraphQL board in-process (cProfile): the app in this event loop on the
benchmark database, the board query sent through httpx's ASGI transport."""

from __future__ import annotations

import cProfile
import io
import json
import logging
import os
import pstats

import httpx

from bench.board import BOARD_QUERY, prepare


async def run(*, requests: int = 200, top: int = 30) -> str:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    url, arranged = await prepare()
    os.environ["DATABASE_URL"] = url
    os.environ["DEALERNET_ENV"] = "production"
    from api.app import create_app, lifespan  # the engine reads DATABASE_URL on import

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
            for _ in range(20):
                (await client.post("/graphql", content=payload, headers=headers)).raise_for_status()
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(requests):
                response = await client.post("/graphql", content=payload, headers=headers)
            profiler.disable()
            assert "errors" not in response.json(), response.text
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    # Where a request's time goes, by stage (cumulative): parse and validate, the
    # credentials, the resolver with its SQL, field execution, the response body.
    stats.sort_stats("cumulative").print_stats(STAGES)
    return out.getvalue()


STAGES = (
    r"parse_document|_parse_and_validate_async|validate_document|(principal|sessions).py.*"
    r"(authenticate|resolve)|workshop.py.*(workshop_board|from_row|from_json)|board.py.*board_rows"
    r"|execute_fields|encode_json|graphql_context|relay/types.py.*_id"
)

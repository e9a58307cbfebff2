"""How much of a GraphQL request authorization takes, with 1,000 dealers in the policy.

Run by ``bench.scale`` in its own process (``DATABASE_URL`` = the scale database, read by
the application's engine on import): the app in this event loop, the stock list of dealer 1
sent through httpx's ASGI transport, sequentially, under cProfile, for its parts manager
(one dealer) and for a regional manager who holds a role at every dealer. Shares are of
the wall time of the profiled requests: authentication (session lookup and the principal's
dealer list), policy decisions (``PolicyStore.allowed``), and the dealer list alone.

The regional manager is profiled once more with the dealer list as it was before the fix
(``dealers_of``: every grant built, per request). Then, without the profiler and in
alternating rounds, the regional manager's requests with the dealer list as it was and as
it is (``dealer_ids_of``). Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import logging
import pstats
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bench import scale_data, stock_list

AUTHENTICATION = ("api/auth/principal.py", {"authenticate"})
DECISIONS = ("policies/store.py", {"allowed"})
DEALER_LIST = ("policies/store.py", {"dealer_ids_of", "dealers_of"})


def _cumulative(stats: pstats.Stats, where: tuple[str, set[str]]) -> float:
    path, names = where
    total = 0.0
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        if filename.endswith(path) and name in names:
            total += row[3]
    return total


async def _profile(request: Callable[[], Awaitable[None]], requests: int) -> dict[str, float]:
    for _ in range(20):
        await request()
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        await request()
    profiler.disable()
    wall = time.perf_counter() - began
    stats = pstats.Stats(profiler)
    return {
        "ms_per_request": wall / requests * 1000,
        "authentication": _cumulative(stats, AUTHENTICATION) / wall,
        "decisions": _cumulative(stats, DECISIONS) / wall,
        "dealer_list": _cumulative(stats, DEALER_LIST) / wall,
    }


async def run(requests: int) -> dict[str, Any]:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from api.app import create_app, lifespan  # the engine reads DATABASE_URL on import
    from policies.store import PolicyStore

    app = create_app()
    result: dict[str, Any] = {"requests": requests, "principals": {}}
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def sign_in(username: str) -> dict[str, str]:
                signed = await client.post(
                    "/graphql",
                    json={
                        "query": "mutation($u: String!, $p: String!) { signIn(input: "
                        "{username: $u, password: $p, mode: TOKEN}) { token } }",
                        "variables": {"u": username, "p": scale_data.PASSWORD},
                    },
                )
                token = signed.json()["data"]["signIn"]["token"]
                return {"authorization": f"Bearer {token}", "content-type": "application/json"}

            payload = stock_list.payload()
            principals = {
                "parts manager (1 dealer)": await sign_in(scale_data.username("parts_manager")),
                "regional manager (every dealer)": await sign_in("scale.regional_manager"),
            }
            requests_of: dict[str, Callable[[], Awaitable[None]]] = {}
            for name, headers in principals.items():

                async def request(headers: dict[str, str] = headers) -> None:
                    response = await client.post("/graphql", content=payload, headers=headers)
                    body = response.json()
                    assert "errors" not in body and body["data"]["stockItems"]["edges"], body

                requests_of[name] = request
                result["principals"][name] = await _profile(request, requests)

            regional = requests_of["regional manager (every dealer)"]
            fixed = PolicyStore.dealer_ids_of

            def as_before(self: PolicyStore, user_id: int) -> frozenset[int]:
                return frozenset(self.dealers_of(user_id))

            PolicyStore.dealer_ids_of = as_before  # type: ignore[method-assign]
            try:
                result["principals"]["regional manager, dealer list as before"] = await _profile(
                    regional, requests
                )
            finally:
                PolicyStore.dealer_ids_of = fixed  # type: ignore[method-assign]

            spent = {"before": 0.0, "after": 0.0}
            rounds = 5
            per_round = max(requests // rounds, 1)
            try:
                for _ in range(rounds):
                    for name, method in (("before", as_before), ("after", fixed)):
                        PolicyStore.dealer_ids_of = method  # type: ignore[method-assign]
                        began = time.perf_counter()
                        for _ in range(per_round):
                            await regional()
                        spent[name] += time.perf_counter() - began
            finally:
                PolicyStore.dealer_ids_of = fixed  # type: ignore[method-assign]
            result["before_after"] = {
                name: seconds / (rounds * per_round) * 1000 for name, seconds in spent.items()
            }
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200))))

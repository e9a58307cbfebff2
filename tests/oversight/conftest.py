"""Fixtures of the oversight tests: a manufacturer's network, and signed-in clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from tests.api.graphql_client import bearer
from tests.conftest import reload_policies
from tests.oversight.factories_oversight import Network, make_network

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]


@pytest.fixture
async def network(db: asyncpg.Connection) -> Network:
    return await make_network(db)


@pytest.fixture
async def api_network(app: object, client: httpx.AsyncClient, network: Network) -> Network:
    """The network with the app's policies reloaded, for tests through GraphQL."""
    await reload_policies(app)
    return network


@pytest.fixture
def sign_in(client: httpx.AsyncClient, api_network: Network) -> SignIn:
    """Bearer headers of a person of the network, by key ('regional', 'manager@0'...),
    cached per test. A dealer-less person (region/manufacturer) picks a dealer with the
    X-Dealer-Id header where a query needs one."""
    cache: dict[str, Headers] = {}

    async def headers(key: str) -> Headers:
        if key not in cache:
            cache[key] = await bearer(client, api_network.usernames[key])
        return cache[key]

    return headers

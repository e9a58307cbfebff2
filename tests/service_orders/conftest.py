"""Fixtures of the repair-order tests: a workshop with its staff, and signed-in clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from tests.api.graphql_client import bearer
from tests.conftest import reload_policies
from tests.service_orders.factories_orders import Workshop, make_workshop

Headers = dict[str, str]


@pytest.fixture
async def shop(db: asyncpg.Connection) -> Workshop:
    return await make_workshop(db)


@pytest.fixture
async def api_shop(app: object, client: httpx.AsyncClient, shop: Workshop) -> Workshop:
    """The workshop with the app's policies reloaded, for tests through GraphQL."""
    await reload_policies(app)
    return shop


@pytest.fixture
def sign_in(client: httpx.AsyncClient, api_shop: Workshop) -> Callable[[str], Awaitable[Headers]]:
    """Bearer headers of a post of the workshop (cached per test)."""
    cache: dict[str, Headers] = {}

    async def headers(post: str) -> Headers:
        if post not in cache:
            cache[post] = await bearer(client, api_shop.usernames[post])
        return cache[post]

    return headers

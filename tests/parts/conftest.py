"""Fixtures of the parts tests: a parts department, and signed-in clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from tests.api.graphql_client import bearer
from tests.conftest import reload_policies
from tests.parts.factories_parts import PartsShop, make_parts_shop

Headers = dict[str, str]


@pytest.fixture
async def parts_shop(db: asyncpg.Connection) -> PartsShop:
    return await make_parts_shop(db)


@pytest.fixture
async def api_parts_shop(
    app: object, client: httpx.AsyncClient, parts_shop: PartsShop
) -> PartsShop:
    """The parts department with the app's policies reloaded, for tests through GraphQL."""
    await reload_policies(app)
    return parts_shop


@pytest.fixture
def sign_in(
    client: httpx.AsyncClient, api_parts_shop: PartsShop
) -> Callable[[str], Awaitable[Headers]]:
    """Bearer headers of a post of the parts department (cached per test)."""
    cache: dict[str, Headers] = {}

    async def headers(post: str) -> Headers:
        if post not in cache:
            cache[post] = await bearer(client, api_parts_shop.usernames[post])
        return cache[post]

    return headers

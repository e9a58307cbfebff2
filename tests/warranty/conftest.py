"""Fixtures of the warranty tests: a warranty desk, and signed-in clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from tests.api.graphql_client import bearer
from tests.conftest import reload_policies
from tests.warranty.factories_warranty import WarrantyDesk, make_warranty_desk

Headers = dict[str, str]


@pytest.fixture
async def desk(db: asyncpg.Connection) -> WarrantyDesk:
    return await make_warranty_desk(db)


@pytest.fixture
async def api_desk(app: object, client: httpx.AsyncClient, desk: WarrantyDesk) -> WarrantyDesk:
    """The warranty desk with the app's policies reloaded, for tests through GraphQL."""
    await reload_policies(app)
    return desk


@pytest.fixture
def sign_in(
    client: httpx.AsyncClient, api_desk: WarrantyDesk
) -> Callable[[str], Awaitable[Headers]]:
    """Bearer headers of a post of the warranty desk (cached per test)."""
    cache: dict[str, Headers] = {}

    async def headers(post: str) -> Headers:
        if post not in cache:
            cache[post] = await bearer(client, api_desk.usernames[post])
        return cache[post]

    return headers

"""Fixtures of the customer-care tests: a care desk, and signed-in clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from tests.api.graphql_client import bearer
from tests.care.factories_care import CareDesk, make_care_desk
from tests.conftest import reload_policies

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]


@pytest.fixture
async def desk(db: asyncpg.Connection) -> CareDesk:
    return await make_care_desk(db)


@pytest.fixture
async def api_desk(app: object, client: httpx.AsyncClient, desk: CareDesk) -> CareDesk:
    """The care desk with the app's policies reloaded, for tests through GraphQL."""
    await reload_policies(app)
    return desk


@pytest.fixture
def sign_in(client: httpx.AsyncClient, api_desk: CareDesk) -> SignIn:
    """Bearer headers of a post of the care desk (cached per test)."""
    cache: dict[str, Headers] = {}

    async def headers(post: str) -> Headers:
        if post not in cache:
            cache[post] = await bearer(client, api_desk.usernames[post])
        return cache[post]

    return headers

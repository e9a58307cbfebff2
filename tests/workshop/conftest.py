"""Fixtures of the workshop tests: the workshop with a supervisor, signed-in clients."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx
import pytest

from tests.api.graphql_client import bearer
from tests.conftest import reload_policies
from tests.workshop.factories_workshop import Workshop, make_shop

Headers = dict[str, str]


@pytest.fixture
async def shop(app: object, client: httpx.AsyncClient, db: asyncpg.Connection) -> Workshop:
    workshop = await make_shop(db)
    await reload_policies(app)
    return workshop


@pytest.fixture
def sign_in(client: httpx.AsyncClient, shop: Workshop) -> Callable[[str], Awaitable[Headers]]:
    """Bearer headers of a post of the workshop (cached per test)."""
    cache: dict[str, Headers] = {}

    async def headers(post: str) -> Headers:
        if post not in cache:
            cache[post] = await bearer(client, shop.usernames[post])
        return cache[post]

    return headers

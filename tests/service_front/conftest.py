"""Fixtures of the front-desk tests: the desk, signed-in clients and a future work day."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from tests.api.graphql_client import bearer
from tests.conftest import reload_policies
from tests.service_front.factories_front import FrontDesk, make_front_desk

Headers = dict[str, str]
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def desk(db: asyncpg.Connection) -> FrontDesk:
    return await make_front_desk(db)


@pytest.fixture
async def api_desk(app: object, client: httpx.AsyncClient, desk: FrontDesk) -> FrontDesk:
    await reload_policies(app)
    return desk


@pytest.fixture
def sign_in(client: httpx.AsyncClient, api_desk: FrontDesk) -> Callable[[str], Awaitable[Headers]]:
    cache: dict[str, Headers] = {}

    async def headers(post: str) -> Headers:
        if post not in cache:
            cache[post] = await bearer(client, api_desk.usernames[post])
        return cache[post]

    return headers


@pytest.fixture
def work_day() -> date:
    """A day safely in the future in Shanghai."""
    return datetime.now(SHANGHAI).date() + timedelta(days=3)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = SHANGHAI) -> str:
    """An ISO start time with offset, local to ``zone``."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).isoformat()

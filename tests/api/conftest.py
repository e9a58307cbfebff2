from __future__ import annotations

import asyncpg
import pytest

from tests.conftest import reload_policies
from tests.factories import Network, make_network


@pytest.fixture
async def network(app: object, db: asyncpg.Connection) -> Network:
    net = await make_network(db)
    await reload_policies(app)
    return net

"""Fixtures of the policy tests: the shared test network and a store loaded over it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import asyncpg
import pytest

from policies.store import PolicyStore
from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tests.factories import Network, make_network


@pytest.fixture
async def network(db: asyncpg.Connection) -> Network:
    return await make_network(db)


@pytest.fixture
async def store(network: Network) -> AsyncIterator[PolicyStore]:
    loaded = await PolicyStore.load()
    yield loaded
    await loaded.stop()


@pytest.fixture
def as_user() -> Callable[[int, int], AbstractAsyncContextManager[ActiveTransaction]]:
    """A tenant transaction at one dealer on behalf of a person."""

    def open_tx(dealer_id: int, user_id: int) -> AbstractAsyncContextManager[ActiveTransaction]:
        return tenant_transaction(TenantScope.of([dealer_id], user_id=user_id))

    return open_tx

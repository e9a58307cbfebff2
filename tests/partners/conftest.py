"""Fixtures of the partner tests: the network, and partner applications with a key."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
import pytest

from tenants.access.tokens import digest
from tests.conftest import reload_policies
from tests.factories import Network, make_network


@dataclass(frozen=True)
class PartnerKey:
    app_id: int
    key_id: int
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


_n = iter(range(1, 1_000_000))


async def make_partner_app(
    owner: asyncpg.Connection,
    dealer_id: int,
    scopes: list[str],
    *,
    name: str | None = None,
    kind: str = "insurer",
    disabled: bool = False,
) -> PartnerKey:
    """An application with one key, arranged past RLS (the key's secret is known)."""
    n = next(_n)
    app_id = await owner.fetchval(
        "insert into partner_app (dealer_id, name, kind, scopes, disabled_at)"
        " values ($1, $2, $3, $4, case when $5 then now() end) returning id",
        dealer_id,
        name or f"Partner {n}",
        kind,
        scopes,
        disabled,
    )
    key_id, key = await add_app_key(owner, dealer_id, app_id)
    return PartnerKey(app_id, key_id, key)


async def add_app_key(owner: asyncpg.Connection, dealer_id: int, app_id: int) -> tuple[int, str]:
    n = next(_n)
    prefix, secret = f"t{n:05d}app", f"secret-{n}"
    key_id = await owner.fetchval(
        "insert into api_key (dealer_id, name, prefix, secret_hash, role, partner_app_id)"
        " values ($1, $2, $3, $4, null, $5) returning id",
        dealer_id,
        f"key {n}",
        prefix,
        digest(secret),
        app_id,
    )
    return key_id, f"dnk_{prefix}_{secret}"


@pytest.fixture
async def network(app: object, db: asyncpg.Connection) -> Network:
    net = await make_network(db)
    await reload_policies(app)
    return net

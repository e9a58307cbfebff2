"""A demo insurer for the demo network (``dealernet seed``): SH01 lets PICC's claims
system read repair orders, customers and warranty claims, without personal data, with
a known key so the partner API can be tried at once:
``Authorization: Bearer dnk_demopicc_dealernet-demo-insurer-secret``.

Idempotent: a second run finds the application and the key and writes nothing."""

from __future__ import annotations

import asyncpg

from tenants.access.tokens import digest
from tenants.network.demo import Counts

DEMO_APP_DEALER = "SH01"
DEMO_APP_NAME = "PICC claims (demo)"
DEMO_APP_SCOPES = ("claims:read", "customers:read", "repair_orders:read")
DEMO_APP_KEY_PREFIX = "demopicc"
DEMO_APP_KEY_SECRET = "dealernet-demo-insurer-secret"
DEMO_APP_KEY = f"dnk_{DEMO_APP_KEY_PREFIX}_{DEMO_APP_KEY_SECRET}"


async def seed_partner_demo(connection: asyncpg.Connection) -> Counts:
    """Write on ``connection`` (an owner connection) in the caller's transaction."""
    written = Counts()
    dealer = await connection.fetchval("select id from dealer where code = $1", DEMO_APP_DEALER)
    if dealer is None:
        return written
    await connection.execute("select set_config('app.dealer_ids', $1, true)", f"{{{dealer}}}")
    manager = await connection.fetchval(
        "select id from staff_user where username = $1", f"manager.{DEMO_APP_DEALER.lower()}"
    )
    app_id = await connection.fetchval(
        "insert into partner_app (dealer_id, name, kind, contact_email, description, scopes,"
        " created_by) values ($1, $2, 'insurer', 'claims-it@picc.example',"
        " 'Follows accident repairs of its policy holders', $3, $4)"
        " on conflict (dealer_id, lower(name)) do nothing returning id",
        dealer,
        DEMO_APP_NAME,
        list(DEMO_APP_SCOPES),
        manager,
    )
    if app_id is not None:
        written.added += 1
    else:
        app_id = await connection.fetchval(
            "select id from partner_app where dealer_id = $1 and lower(name) = lower($2)",
            dealer,
            DEMO_APP_NAME,
        )
    status: str = await connection.execute(
        "insert into api_key (dealer_id, name, prefix, secret_hash, role, created_by,"
        " partner_app_id) select $1, 'demo', $2::text, $3, null, $4, $5"
        " where not exists (select 1 from api_key where prefix = $2::text)",
        dealer,
        DEMO_APP_KEY_PREFIX,
        digest(DEMO_APP_KEY_SECRET),
        manager,
        app_id,
    )
    written.added += int(status.split()[-1])
    return written


async def seed(url: str | None = None) -> Counts:
    """The partner demo in its own owner transaction (``dealernet seed``)."""
    from tenants.network.demo import connect_owner

    connection = await connect_owner(url)
    try:
        async with connection.transaction():
            return await seed_partner_demo(connection)
    finally:
        await connection.close()

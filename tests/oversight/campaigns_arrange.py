"""Arranges campaigns for the campaign tests through the owner connection (past RLS):
a labour operation of the network's manufacturer, vehicles with valid VINs at chosen
dealers, open repair orders carrying chosen operations, and tenant transactions as a
chosen person of the network."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime

import asyncpg

from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tenants.service.vin import with_check_digit
from tests.oversight.factories_oversight import Network

_n = itertools.count(1)
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def vin(n: int) -> str:
    """A valid VIN (right check digit) numbered ``n``."""
    return with_check_digit(f"LSVAB2BM0{n:08d}")


@asynccontextmanager
async def acting(
    network: Network, key: str, dealer_index: int | str = 0
) -> AsyncIterator[ActiveTransaction]:
    """A tenant transaction as person ``key`` ('regional', 'manager@0'...) at one dealer ('other' for the other region's)."""
    dealer = (
        network.other_dealer_id
        if dealer_index == "other"
        else network.dealer_ids[int(dealer_index)]
    )
    async with tenant_transaction(TenantScope.of([dealer], network.users[key])) as tx:
        yield tx


def at_dealer(
    dealer_id: int, user_id: int | None = None
) -> AbstractAsyncContextManager[ActiveTransaction]:
    """A tenant transaction at any dealer (another brand's, for scoping checks)."""
    return tenant_transaction(TenantScope.of([dealer_id], user_id))


async def make_operation(
    owner: asyncpg.Connection, manufacturer_id: int, hours: str = "1.2"
) -> int:
    n = next(_n)
    operation: int = await owner.fetchval(
        "insert into labour_operation (manufacturer_id, code, name, name_zh, kind, standard_hours)"
        " values ($1, $2, $3, '更换制动软管', 'repair', $4::numeric) returning id",
        manufacturer_id,
        f"CP{n}",
        f"Replace brake hose {n}",
        hours,
    )
    return operation


async def make_campaign(
    owner: asyncpg.Connection,
    network: Network,
    operation_id: int,
    vins: list[str],
    *,
    kind: str = "recall",
    status: str = "open",
) -> int:
    n = next(_n)
    campaign: int = await owner.fetchval(
        "insert into campaign (manufacturer_id, code, kind, title, title_zh, operation_id,"
        " starts_on, status) values ($1, $2, $3, $4, '制动软管召回', $5, $6, $7) returning id",
        network.manufacturer_id,
        f"RC{n}",
        kind,
        f"Brake hose recall {n}",
        operation_id,
        date(2026, 10, 1),
        status,
    )
    await owner.execute(
        "insert into campaign_vehicle (campaign_id, vin) select $1, unnest($2::text[])",
        campaign,
        vins,
    )
    return campaign


async def make_vehicle(owner: asyncpg.Connection, dealer_id: int, vehicle_vin: str) -> int:
    n = next(_n)
    customer = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, $2, $3) returning id",
        dealer_id,
        f"Owner {n}",
        f"+86 138 {n:04d} 1111",
    )
    vehicle: int = await owner.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
        " values ($1, $2, $3, $4, 'Lavida') returning id",
        dealer_id,
        customer,
        vehicle_vin,
        f"苏E{n:05d}",
    )
    return vehicle


async def make_order(
    owner: asyncpg.Connection,
    network: Network,
    dealer_index: int,
    vehicle_id: int,
    *,
    status: str = "in_progress",
    operation_id: int | None = None,
    line_status: str = "approved",
) -> int:
    """An order of the vehicle, opened by the dealer's advisor, with the operation's
    warranty line when one is given."""
    dealer = network.dealer_ids[dealer_index]
    customer = await owner.fetchval("select customer_id from vehicle where id = $1", vehicle_id)
    advisor = network.staff("advisor", dealer_index)
    order: int = await owner.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " status, mileage_in, customer_description, created_by, opened_at)"
        " values ($1, $2, $3, $4, $5, $6, 12000, 'Recall work', $5, $7) returning id",
        dealer,
        f"CP-{next(_n):06d}",
        customer,
        vehicle_id,
        advisor,
        status,
        NOW,
    )
    if operation_id is not None:
        await owner.execute(
            "insert into repair_order_line (dealer_id, repair_order_id, kind, operation_id,"
            " hours, unit_price, pay_type, status, description, job_status)"
            " values ($1, $2, 'labour', $3, 1.2, 180, 'warranty', $4, 'Campaign work', 'done')",
            dealer,
            order,
            operation_id,
            line_status,
        )
    return order

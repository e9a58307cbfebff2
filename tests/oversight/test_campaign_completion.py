"""Completion flows back: delivering an order that carried a campaign's operation marks
the campaign done for that VIN, once, for the dealer in scope only, and only through the
``campaign_complete`` function (the app role cannot update the VIN list itself)."""

from __future__ import annotations

import asyncpg
import pytest

from tenants.oversight.campaign_completion import complete_for_order
from tenants.service.orders.delivery import deliver
from tests.oversight.campaigns_arrange import (
    NOW,
    acting,
    make_campaign,
    make_operation,
    make_order,
    make_vehicle,
    vin,
)
from tests.oversight.factories_oversight import Network


async def _completion(db: asyncpg.Connection, campaign: int, vehicle_vin: str) -> asyncpg.Record:
    row = await db.fetchrow(
        "select completed_at, completed_dealer_id, completed_repair_order_id"
        " from campaign_vehicle where campaign_id = $1 and vin = $2",
        campaign,
        vehicle_vin,
    )
    assert row is not None
    return row


async def test_delivery_completes_the_campaign(db: asyncpg.Connection, network: Network) -> None:
    operation = await make_operation(db, network.manufacturer_id)
    other_operation = await make_operation(db, network.manufacturer_id)
    vehicle = await make_vehicle(db, network.dealer_ids[0], vin(31))
    campaign = await make_campaign(db, network, operation, [vin(31)])
    untouched = await make_campaign(db, network, other_operation, [vin(31)])
    order = await make_order(db, network, 0, vehicle, status="settled", operation_id=operation)
    async with acting(network, "advisor@0", 0) as tx:
        await deliver(
            tx,
            order,
            mileage_out=12010,
            next_service_date=None,
            next_service_km=None,
            old_parts=[],
        )
    done = await _completion(db, campaign, vin(31))
    assert done["completed_at"] is not None
    assert (done["completed_dealer_id"], done["completed_repair_order_id"]) == (
        network.dealer_ids[0],
        order,
    )
    assert (await _completion(db, untouched, vin(31)))["completed_at"] is None
    assert (
        await db.fetchval(
            "select count(*) from audit_entry where action = 'campaign_vehicle.complete'"
            " and dealer_id = $1 and object_id = $2",
            network.dealer_ids[0],
            str(campaign),
        )
        == 1
    )


async def test_first_completion_wins(db: asyncpg.Connection, network: Network) -> None:
    operation = await make_operation(db, network.manufacturer_id)
    campaign = await make_campaign(db, network, operation, [vin(32)])
    here = await make_vehicle(db, network.dealer_ids[0], vin(32))
    there = await make_vehicle(db, network.dealer_ids[1], vin(32))
    first = await make_order(db, network, 0, here, status="delivered", operation_id=operation)
    second = await make_order(db, network, 1, there, status="delivered", operation_id=operation)
    async with acting(network, "advisor@0", 0) as tx:
        assert await complete_for_order(tx, first, now=NOW) == [campaign]
    async with acting(network, "advisor@1", 1) as tx:
        assert await complete_for_order(tx, second, now=NOW) == []
    async with acting(network, "advisor@0", 0) as tx:
        assert await complete_for_order(tx, first, now=NOW) == []
    done = await _completion(db, campaign, vin(32))
    assert (
        done["completed_dealer_id"],
        done["completed_repair_order_id"],
        done["completed_at"],
    ) == (
        network.dealer_ids[0],
        first,
        NOW,
    )


@pytest.mark.parametrize(
    ("order_status", "line_status", "campaign_status"),
    [
        ("work_done", "approved", "open"),  # not delivered yet
        ("delivered", "declined", "open"),  # the customer declined the campaign work
        ("delivered", "approved", "closed"),  # the campaign was closed
    ],
)
async def test_nothing_completed_unless_eligible(
    db: asyncpg.Connection,
    network: Network,
    order_status: str,
    line_status: str,
    campaign_status: str,
) -> None:
    operation = await make_operation(db, network.manufacturer_id)
    campaign = await make_campaign(db, network, operation, [vin(33)], status=campaign_status)
    vehicle = await make_vehicle(db, network.dealer_ids[0], vin(33))
    order = await make_order(
        db,
        network,
        0,
        vehicle,
        status=order_status,
        operation_id=operation,
        line_status=line_status,
    )
    async with acting(network, "advisor@0", 0) as tx:
        assert await complete_for_order(tx, order, now=NOW) == []
        assert not await tx.connection.fetchval(
            "select campaign_complete($1, $2, $3, $4, $5)",
            network.dealer_ids[0],
            vin(33),
            campaign,
            order,
            NOW,
        )
    assert (await _completion(db, campaign, vin(33)))["completed_at"] is None


async def test_only_the_dealer_in_scope(db: asyncpg.Connection, network: Network) -> None:
    """Dealer 0's transaction can neither complete for dealer 1's order nor write the
    VIN list directly."""
    operation = await make_operation(db, network.manufacturer_id)
    campaign = await make_campaign(db, network, operation, [vin(34)])
    vehicle = await make_vehicle(db, network.dealer_ids[1], vin(34))
    order = await make_order(db, network, 1, vehicle, status="delivered", operation_id=operation)
    async with acting(network, "advisor@0", 0) as tx:
        assert not await tx.connection.fetchval(
            "select campaign_complete($1, $2, $3, $4, $5)",
            network.dealer_ids[1],
            vin(34),
            campaign,
            order,
            NOW,
        )
        assert not await tx.connection.fetchval(
            "select campaign_complete($1, $2, $3, $4, $5)",
            network.dealer_ids[0],
            vin(34),
            campaign,
            order,
            NOW,
        )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        async with acting(network, "advisor@0", 0) as tx:
            await tx.connection.execute(
                "update campaign_vehicle set completed_at = now() where campaign_id = $1",
                campaign,
            )
    assert (await _completion(db, campaign, vin(34)))["completed_at"] is None
